"""Point lots: every positive entry is a lot; every negative entry uses lots, oldest first.

`ledger.post_entry` calls these in the same transaction as the entry, after it has moved
the member's balance (which locks the member's row), so two changes of one member's points
never use the same lot at once. The lots' `remaining` always add up to the balance.
"""

from __future__ import annotations

import calendar
import logging
from datetime import datetime, time, timedelta, tzinfo

from sqlalchemy import case, func, update
from sqlmodel import Session, col, select

from storage import automation_settings, clock
from storage.models import LedgerEntry, LotUse, PointLot

log = logging.getLogger(__name__)

GRACE = timedelta(days=30)


def expiry_for(earned_at: datetime, months: int, tz: tzinfo) -> datetime | None:
    """The last moment of the month `months` after the month of earning (shop time).

    Points earned any day of March 2025 expire at the end of 31 March 2026 with 12 months,
    so one reminder a month at most tells the exact number and date. 0 months: never.
    """
    if months <= 0:
        return None
    local = earned_at.astimezone(tz)
    year, month = divmod(local.year * 12 + local.month - 1 + months, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    end = datetime(year, month + 1, last_day, tzinfo=tz)
    return datetime.combine(end.date(), time(23, 59, 59), tzinfo=tz)


def add_lot(session: Session, entry: LedgerEntry, tz: tzinfo) -> PointLot:
    """The lot of a positive entry, expiring as the owner's expiry setting says today (at
    the end of a month in the shop's time zone `tz`)."""
    months = automation_settings.config(session, "expiry")["months"]
    lot = PointLot(
        member_id=entry.member_id,
        entry_id=entry.id,  # type: ignore[arg-type]
        points=entry.points,
        remaining=entry.points,
        earned_at=entry.created_at,
        expires_at=expiry_for(entry.created_at, months, tz),
    )
    session.add(lot)
    return lot


def restore_lots(session: Session, entry: LedgerEntry, restored_entry_id: int, tz: tzinfo) -> None:
    """Points given back (a cancelled coupon) return to the lots they came from, same expiry."""
    uses = session.exec(
        select(LotUse, PointLot)
        .join(PointLot, col(PointLot.id) == LotUse.lot_id)
        .where(LotUse.entry_id == restored_entry_id)
        .order_by(col(LotUse.id))
    ).all()
    left = entry.points
    for use, lot in uses:
        take = min(left, use.points)
        if take <= 0:
            break
        session.add(
            PointLot(
                member_id=entry.member_id,
                entry_id=entry.id,  # type: ignore[arg-type]
                points=take,
                remaining=take,
                earned_at=lot.earned_at,
                expires_at=lot.expires_at,
            )
        )
        left -= take
    if left > 0:
        session.add(
            PointLot(
                member_id=entry.member_id,
                entry_id=entry.id,  # type: ignore[arg-type]
                points=left,
                remaining=left,
                earned_at=entry.created_at,
                expires_at=expiry_for(
                    entry.created_at, automation_settings.config(session, "expiry")["months"], tz
                ),
            )
        )


def use_lots(session: Session, entry: LedgerEntry, first_lot_ids: list[int]) -> None:
    """Take a negative entry's points from the member's lots: `first_lot_ids`, then oldest."""
    first = case((col(PointLot.id).in_(first_lot_ids), 0), else_=1) if first_lot_ids else None
    order = [first] if first is not None else []
    lots = session.exec(
        select(PointLot)
        .where(PointLot.member_id == entry.member_id, col(PointLot.remaining) > 0)
        .order_by(*order, col(PointLot.earned_at), col(PointLot.id))
    ).all()
    left = -entry.points
    for lot in lots:
        take = min(left, lot.remaining)
        lot.remaining -= take
        session.add(lot)
        session.add(LotUse(entry_id=entry.id, lot_id=lot.id, points=take))  # type: ignore[arg-type]
        left -= take
        if left == 0:
            return
    log.warning(
        "entry %s: %s points not found in lots of member %s", entry.id, left, entry.member_id
    )


def lots_of_entry(session: Session, entry_id: int) -> list[int]:
    return [
        lot_id
        for lot_id in session.exec(select(PointLot.id).where(PointLot.entry_id == entry_id))
        if lot_id is not None
    ]


def due_to_expire(session: Session, limit: int = 500) -> list[PointLot]:
    """Lots past their end that still hold points, oldest end first."""
    return list(
        session.exec(
            select(PointLot)
            .where(col(PointLot.remaining) > 0, col(PointLot.expires_at) <= clock.now())
            .order_by(col(PointLot.expires_at), col(PointLot.id))
            .limit(limit)
        ).all()
    )


def lock_lot(session: Session, lot_id: int) -> PointLot | None:
    return session.exec(
        select(PointLot)
        .where(PointLot.id == lot_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()


def expiring_between(
    session: Session, start: datetime, end: datetime
) -> list[tuple[int, datetime, int]]:
    """(member id, end, points) of lots ending in (start, end], per member and end."""
    rows = session.exec(
        select(PointLot.member_id, PointLot.expires_at, func.sum(PointLot.remaining))
        .where(
            col(PointLot.remaining) > 0,
            col(PointLot.expires_at) > start,
            col(PointLot.expires_at) <= end,
        )
        .group_by(col(PointLot.member_id), col(PointLot.expires_at))
        .order_by(col(PointLot.member_id), col(PointLot.expires_at))
    ).all()
    return [(int(m), e, int(p)) for m, e, p in rows if e is not None]


def give_grace(session: Session) -> int:
    """Lots overdue or ending within the grace period get until then (expiry switched on)."""
    until = clock.now() + GRACE
    moved = session.exec(  # type: ignore[call-overload]
        update(PointLot)
        .where(col(PointLot.remaining) > 0, col(PointLot.expires_at) < until)
        .values(expires_at=until)
    )
    return int(moved.rowcount)


def remaining_total(session: Session, member_id: int) -> int:
    """What the member's lots still hold (equals the balance)."""
    return int(
        session.exec(
            select(func.coalesce(func.sum(PointLot.remaining), 0)).where(
                PointLot.member_id == member_id
            )
        ).one()
    )
