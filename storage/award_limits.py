"""The owner's limits on awards: the amount that asks the cashier to confirm.

Until the owner sets it, an award above 5,000 baht asks for a confirmation.
"""

from __future__ import annotations

from sqlmodel import Session

from storage import clock
from storage.models import AwardLimit

CONFIRM = "confirm"
DEFAULT_CONFIRM_SATANG = 5_000 * 100
SHOP = ""  # the row for the whole shop


def _row(session: Session, kind: str, staff_user_id: str = SHOP) -> AwardLimit | None:
    return session.get(AwardLimit, (kind, staff_user_id))


def confirm_above(session: Session) -> int | None:
    """Satang above which an award asks the cashier to confirm; None: never asks."""
    row = _row(session, CONFIRM)
    return DEFAULT_CONFIRM_SATANG if row is None else row.satang


def set_confirm_above(session: Session, satang: int | None, *, set_by: str) -> None:
    _set(session, CONFIRM, SHOP, satang, set_by)


def _set(session: Session, kind: str, staff_user_id: str, satang: int | None, set_by: str) -> None:
    row = _row(session, kind, staff_user_id) or AwardLimit(kind=kind, staff_user_id=staff_user_id)
    row.satang, row.set_by, row.updated_at = satang, set_by, clock.now()
    session.add(row)
    session.flush()
