"""Segment charts and coupon pictures served from BASE_URL under unguessable tokens.

A chart is stored as the numbers it shows (`spec`) and drawn on its first fetch. A coupon's
three pictures are drawn together on the first fetch of any of them and kept under the
coupon's image token. (Photos, e.g. for a broadcast, are stored by `rewards.store_picture`.)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import delete, literal, or_, union_all
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage import clock, codes
from storage.models import Coupon, CouponStatus, MediaFile


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
COUPON_PARTS = ("full", "preview", "qr")


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


def forget_ended_coupon_pictures(session: Session) -> int:
    """Drop the kept pictures of coupons that can no longer be used (used, cancelled or past
    their end), about 77 KB each; a late fetch draws them again. Returns how many went."""
    ended = or_(col(Coupon.status) != CouponStatus.ACTIVE, col(Coupon.expires_at) <= clock.now())
    tokens = union_all(
        *(
            select(
                literal(f"{COUPON_KIND}.") + col(Coupon.image_token) + literal(f".{part}")
            ).where(ended)
            for part in COUPON_PARTS
        )
    )
    gone = session.exec(  # type: ignore[call-overload]
        delete(MediaFile).where(
            col(MediaFile.kind) == COUPON_KIND, col(MediaFile.token).in_(tokens)
        )
    )
    return int(gone.rowcount)
