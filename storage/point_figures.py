"""Figures about points: moved in a period by kind, and held by members at a moment."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage import figure_snapshots
from storage.figure_sql import count_of
from storage.models import EntryKind, FigureSnapshot, LedgerEntry, Member
from storage.periods import Period


def points_by_kind(session: Session, period: Period) -> dict[str, int]:
    """Points moved in the period as issued, redeemed, expired, refunded and adjusted: the
    sums kept at night plus the entries written since, or every entry of the period.

    Issued is every earning kind (purchases, birthdays, referrals, ...) less voided awards;
    redeemed, expired and refunded are shown as positive numbers; adjusted keeps its sign.
    Outstanding at the end = at the start + issued - redeemed - expired - refunded + adjusted.
    """
    found = figure_snapshots.kept(session, _key(period))
    if found is None or found.cut < period.start:
        return moved_points(_written(session, period.start, period.end))
    return moved_points(_written_since(session, period, found, period.end))


def tally_points(session: Session, period: Period, cut: datetime) -> FigureSnapshot:
    """The period's sums by kind over the entries written before `cut`, to keep."""
    before = min(cut, period.end)
    return figure_snapshots.counted(
        session, _key(period), cut, lambda: {"points": _written(session, period.start, before)}
    )


def advance_points(session: Session, period: Period, to: datetime) -> bool:
    """Move the kept sums on to the cut `to`, with the entries written between."""

    def step(found: figure_snapshots.Kept) -> dict[str, Any]:
        return {"points": _written_since(session, period, found, to)}

    return figure_snapshots.advance(session, _key(period), to, step)


def _written_since(
    session: Session, period: Period, found: figure_snapshots.Kept, until: datetime
) -> list[tuple[str, int]]:
    until = min(until, period.end)
    since = _written(session, found.cut, until) if found.cut < until else []
    return figure_snapshots.added_up([*found.value["points"], *since], keys=1)


def _key(period: Period) -> str:
    return f"points {period.start.isoformat()} {period.end.isoformat()}"


def _written(session: Session, start: datetime, end: datetime) -> list[tuple[str, int]]:
    at = col(LedgerEntry.created_at)
    rows = session.exec(
        select(LedgerEntry.kind, func.sum(LedgerEntry.points))
        .where(at >= start, at < end)
        .group_by(col(LedgerEntry.kind))
    ).all()
    return [(kind, int(total or 0)) for kind, total in rows]


def moved_points(rows: list[tuple[str, int]]) -> dict[str, int]:
    """Sums by ledger kind as issued, redeemed, expired, refunded and adjusted."""
    moved = {"issued": 0, "redeemed": 0, "expired": 0, "refunded": 0, "adjusted": 0}
    taken = {
        EntryKind.REDEEM: "redeemed",
        EntryKind.EXPIRE: "expired",
        EntryKind.REFUND: "refunded",
    }
    for kind, points in rows:
        if kind in taken:
            moved[taken[EntryKind(kind)]] -= points
        elif kind == EntryKind.ADJUST:
            moved["adjusted"] += points
        else:
            moved["issued"] += points
    return moved


def outstanding(session: Session, moment: datetime) -> int:
    """Points held by members at `moment`: the sum of every entry before it.

    Counted as today's balances less the entries from `moment` on (a member's `points`
    always equal the sum of their entries, see `ledger.ledger_sum`), in one statement: a
    member each instead of every entry of the shop's history, and the entries since
    `moment` found by `ix_ledger_entry_written`."""
    held = select(func.coalesce(func.sum(Member.points), 0)).scalar_subquery()
    since = (
        select(func.coalesce(func.sum(LedgerEntry.points), 0))
        .where(col(LedgerEntry.created_at) >= moment)
        .scalar_subquery()
    )
    return count_of(session, select(held - since))
