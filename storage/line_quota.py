"""The shop's monthly message quota as LINE last reported it (pushes and multicasts use it)."""

from __future__ import annotations

from sqlmodel import Session

from storage import clock
from storage.models import LineQuota


def save_quota(session: Session, *, limit: int | None, used: int) -> None:
    row = session.get(LineQuota, 1) or LineQuota(id=1)
    row.limit, row.used, row.fetched_at = limit, used, clock.now()
    session.add(row)
    session.flush()


def latest_quota(session: Session) -> LineQuota | None:
    return session.get(LineQuota, 1)
