"""Segment charts and coupon pictures served from BASE_URL under unguessable tokens.

A chart is stored as the numbers it shows (`spec`) and drawn on its first fetch. A coupon's
three pictures are drawn together on the first fetch of any of them and kept under the
coupon's image token. (Photos, e.g. for a broadcast, are stored by `rewards.store_picture`.)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.exc import IntegrityError
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


COUPON_KIND = "coupon"


def _coupon_token(image_token: str, part: str) -> str:
    """`coupon.<image token>.<part>`: the dots keep it out of the chart route's tokens."""
    return f"{COUPON_KIND}.{image_token}.{part}"


def find_coupon_picture(session: Session, image_token: str, part: str) -> bytes | None:
    """One of a coupon's kept pictures (`part`: full, preview or qr), if drawn yet."""
    row = session.get(MediaFile, _coupon_token(image_token, part))
    return row.data if row is not None else None


def keep_coupon_pictures(session: Session, image_token: str, parts: Mapping[str, bytes]) -> None:
    """Keep a coupon's pictures once drawn. If another request kept them first (LINE fetches
    the preview and the picture at once), theirs stay: both drew the same pixels."""
    rows = [
        MediaFile(token=_coupon_token(image_token, part), kind=COUPON_KIND, data=data)
        for part, data in parts.items()
    ]
    try:
        with session.begin_nested():
            session.add_all(rows)
            session.flush()
    except IntegrityError:
        pass
