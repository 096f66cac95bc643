"""The owner's limits on awards: the amount that asks the cashier to confirm, and what one
cashier may award in a day before the owner approves; the awards waiting for that approval.

Until the owner sets it, an award above 5,000 baht asks for a confirmation; there is no
daily ceiling until the owner sets one (for every cashier, or for one of them).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, func, update
from sqlmodel import Session, col, select

from storage import clock
from storage.models import AwardLimit, AwardRequest, Purchase

CONFIRM, DAILY = "confirm", "daily"
WAITING, APPROVED, DECLINED = "waiting", "approved", "declined"
CANCELLED = "cancelled"  # the cashier left the staff before the owner answered
DEFAULT_CONFIRM_SATANG = 5_000 * 100
SHOP = ""  # the row for the whole shop


LOADED = "award_limits"  # in `session.info`: every limit row, read once per session


def _rows(session: Session) -> dict[tuple[str, str], AwardLimit]:
    """Every limit (a shop has a handful: one per kind, and a cashier's own) in one read;
    an award asks for three of them."""
    rows = session.info.get(LOADED)
    if rows is None:
        rows = {(r.kind, r.staff_user_id): r for r in session.exec(select(AwardLimit))}
        session.info[LOADED] = rows
    return rows


def _row(session: Session, kind: str, staff_user_id: str = SHOP) -> AwardLimit | None:
    return _rows(session).get((kind, staff_user_id))


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
    _rows(session)[(kind, staff_user_id)] = row


def daily_ceiling(session: Session, staff_user_id: str) -> int | None:
    """Satang one cashier may award in a day: their own ceiling, else the shop's; None: none."""
    own = _row(session, DAILY, staff_user_id)
    if own is not None:
        return own.satang
    shop = _row(session, DAILY)
    return shop.satang if shop is not None else None


def set_daily_ceiling(
    session: Session, satang: int | None, *, set_by: str, staff_user_id: str = SHOP
) -> None:
    """Set the ceiling of every cashier (`staff_user_id` empty) or of one."""
    _set(session, DAILY, staff_user_id, satang, set_by)


def own_ceilings(session: Session) -> dict[str, int | None]:
    """The cashiers with a ceiling of their own: LINE id -> satang (None: no ceiling)."""
    rows = session.exec(
        select(AwardLimit).where(AwardLimit.kind == DAILY, AwardLimit.staff_user_id != SHOP)
    )
    return {row.staff_user_id: row.satang for row in rows}


def awarded_since(session: Session, staff_user_id: str, since: datetime) -> int:
    """Satang of the purchases `staff_user_id` awarded since `since`, voided ones left out."""
    total = session.exec(
        select(func.coalesce(func.sum(Purchase.amount_satang), 0)).where(
            Purchase.staff_user_id == staff_user_id,
            col(Purchase.occurred_at) >= since,
            col(Purchase.voided_at).is_(None),
        )
    ).one()
    return int(total)


def ask_approval(
    session: Session, *, key: str, staff_user_id: str, member_id: int, satang: int
) -> tuple[AwardRequest, bool]:
    """The request for this award (made once per `key`); True when it was made now."""
    earlier = session.exec(select(AwardRequest).where(AwardRequest.key == key)).first()
    if earlier is not None:
        return earlier, False
    request = AwardRequest(
        key=key, staff_user_id=staff_user_id, member_id=member_id, amount_satang=satang
    )
    session.add(request)
    session.flush()
    return request, True


def decide(session: Session, request_id: int, *, approve: bool, by: str) -> AwardRequest | None:
    """Approve or decline a waiting request: the request when this call decided it, None
    when it was decided before (or does not exist). One conditional UPDATE: of two taps
    at once, one decides."""
    status = APPROVED if approve else DECLINED
    if _close(session, col(AwardRequest.id) == request_id, status, by) != 1:
        return None
    request = session.get(AwardRequest, request_id)
    if request is not None:
        session.refresh(request)
    return request


def cancel_request(session: Session, request_id: int, *, by: str) -> bool:
    """Cancel one waiting request (its cashier is no longer staff); False if not waiting."""
    return _close(session, col(AwardRequest.id) == request_id, CANCELLED, by) == 1


def cancel_waiting(session: Session, staff_user_id: str, *, by: str) -> int:
    """Cancel every request of `staff_user_id` still waiting; how many were cancelled."""
    return _close(session, col(AwardRequest.staff_user_id) == staff_user_id, CANCELLED, by)


def _close(session: Session, which: ColumnElement[bool], status: str, by: str) -> int:
    """Move the waiting requests `which` selects to `status`, in one conditional UPDATE."""
    closed = session.exec(  # type: ignore[call-overload]
        update(AwardRequest)
        .where(which, col(AwardRequest.status) == WAITING)
        .values(status=status, decided_by=by, decided_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    return int(closed.rowcount)


def get_request(session: Session, request_id: int) -> AwardRequest | None:
    return session.get(AwardRequest, request_id)
