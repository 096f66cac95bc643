"""Segment charts served from BASE_URL under unguessable tokens.

A chart is stored as the numbers it shows (`spec`) and drawn on its first fetch.
(Photos, e.g. for a broadcast, are stored by `rewards.store_picture`.)
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from storage import codes
from storage.models import MediaFile


def save_chart(session: Session, spec: dict[str, Any]) -> str:
    """Keep a chart's numbers; returns the token of its picture."""
    row = MediaFile(token=codes.token(), kind="chart", content_type="image/png", spec=spec)
    session.add(row)
    session.flush()
    return row.token


def find(session: Session, token: str) -> MediaFile | None:
    return session.get(MediaFile, token)


def keep_drawing(session: Session, row: MediaFile, data: bytes) -> None:
    """Store a chart once drawn, so later fetches are served as they are."""
    row.data = data
    session.add(row)
    session.flush()
