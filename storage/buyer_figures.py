"""Figures about members and buyers: how many, who bought how often, how long they stay,
who sold what."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from storage import figure_snapshots
from storage.figure_sql import at_least_one, epoch, live_purchase, purchase_before
from storage.models import FigureSnapshot, Member, Purchase
from storage.periods import Period


def members_at(session: Session, period: Period) -> tuple[int, int]:
    """(members who existed at the period's end and had not been erased by then, those of
    them who joined in the period), in one scan."""
    total, new = session.exec(
        select(
            func.count(),
            func.coalesce(func.sum(case((col(Member.created_at) >= period.start, 1), else_=0)), 0),
        ).where(col(Member.created_at) < period.end, not_erased_by(period.end))
    ).one()
    return int(total), int(new)


def not_erased_by(moment: datetime) -> Any:
    return col(Member.erased_at).is_(None) | (col(Member.erased_at) >= moment)


@dataclass(frozen=True)
class Buyers:
    """Members with a purchase in a period, and what their history up to its end says."""

    buyers: int
    purchases: int
    sales_satang: int
    repeat_buyers: int  # bought twice or more in the period
    previous_buyers: int  # bought in the period of the same length before
    first_time_buyers: int  # first purchase ever in the period
    lifespan_periods: float | None  # see FORMULAS; None when nobody has bought yet


@dataclass(frozen=True)
class Tally:
    """`Buyers` before the lifespan's mean is taken: what is kept at night
    (`storage/figure_snapshots.py`) and what the purchases since are added to."""

    histories: int  # members with a live purchase before the period's end
    buyers: int
    purchases: int
    sales_satang: int
    repeat_buyers: int
    previous_buyers: int
    first_time_buyers: int
    lifespan_sum: float  # over the histories, max(1, last - first in periods)

    def figures(self) -> Buyers:
        lifespan = self.lifespan_sum / self.histories if self.histories else None
        return Buyers(
            self.buyers,
            self.purchases,
            self.sales_satang,
            self.repeat_buyers,
            self.previous_buyers,
            self.first_time_buyers,
            lifespan,
        )


def buyers_in(session: Session, period: Period) -> Buyers:
    """The period's buyers and their histories: from the tally kept at night plus the
    purchases since its cut, or, without a tally that holds, from every purchase."""
    found = figure_snapshots.kept(session, _key(period))
    if found is None or found.cut < period.start:
        return tally(session, period, period.end).figures()
    return _with_since(session, period, found.cut, period.end, Tally(**found.value)).figures()


def tally_buyers(session: Session, period: Period, cut: datetime) -> FigureSnapshot:
    """The period's buyers' tally over the purchases before `cut`, to keep."""
    before = min(cut, period.end)
    return figure_snapshots.counted(
        session, _key(period), cut, lambda: asdict(tally(session, period, before))
    )


def advance_buyers(session: Session, period: Period, to: datetime) -> bool:
    """Move the kept tally on to the cut `to`, with the purchases between."""

    def step(found: figure_snapshots.Kept) -> dict[str, Any]:
        return asdict(_with_since(session, period, found.cut, to, Tally(**found.value)))

    return figure_snapshots.advance(session, _key(period), to, step)


def _key(period: Period) -> str:
    start, end, previous = (
        t.isoformat() for t in (period.start, period.end, period.previous_start)
    )
    return f"buyers {start} {end} {previous}"


def tally(session: Session, period: Period, before: datetime) -> Tally:
    """The period's tally over the live purchases before `before` (at most its end), in
    one pass over those purchases in member order (`ix_purchase_rfm`): one row per member,
    added up in the database (a big shop has hundreds of thousands of buyers a month)."""
    at, amount = col(Purchase.occurred_at), col(Purchase.amount_satang)
    now = (at >= period.start) & (at < period.end)
    earlier = (at >= period.previous_start) & (at < period.start)
    member = (
        sa_select(
            func.min(at).label("first"),
            func.max(at).label("last"),
            func.sum(case((now, 1), else_=0)).label("n"),
            func.sum(case((now, amount), else_=0)).label("sales"),
            func.max(case((earlier, 1), else_=0)).label("before"),
        )
        .where(at < before, live_purchase())
        .group_by(col(Purchase.member_id))
        .subquery()
    )
    length = period.length.total_seconds()
    seconds = epoch(session, member.c.last) - epoch(session, member.c.first)

    def how_many(condition: Any, value: Any = 1) -> Any:
        return func.coalesce(func.sum(case((condition, value), else_=0)), 0)

    row = session.execute(
        sa_select(
            func.count(),
            how_many(member.c.n > 0),
            how_many(member.c.n > 0, member.c.n),
            how_many(member.c.n > 0, member.c.sales),
            how_many(member.c.n >= 2),
            how_many(member.c.before == 1),
            how_many(member.c.first >= period.start),
            func.coalesce(func.sum(at_least_one(session, seconds / length)), 0.0),
        ).select_from(member)
    ).one()
    histories, buyers, purchases, sales, repeat, previous, first_time = (int(n) for n in row[:7])
    return Tally(histories, buyers, purchases, sales, repeat, previous, first_time, float(row[7]))


def _with_since(
    session: Session, period: Period, cut: datetime, until: datetime, kept: Tally
) -> Tally:
    """`kept` (counted before `cut`, at or after the period's start) with the live
    purchases from `cut` to `until` (at most the period's end): per member who made one,
    how many and how much, and their first, last and second-last purchases before the cut
    (each read from a few index entries), which say whether they were already a buyer of
    the period, a repeat buyer, or new."""
    until = min(until, period.end)
    if cut >= until:
        return kept
    at = col(Purchase.occurred_at)
    since = (
        sa_select(
            col(Purchase.member_id).label("member_id"),
            func.count().label("n"),
            func.sum(col(Purchase.amount_satang)).label("sales"),
            func.min(at).label("first"),
            func.max(at).label("last"),
        )
        .where(at >= cut, at < until, live_purchase())
        .group_by(col(Purchase.member_id))
        .subquery()
    )
    member = since.c.member_id
    rows = session.execute(
        sa_select(
            since.c.n,
            since.c.sales,
            since.c.first,
            since.c.last,
            purchase_before(member, cut),
            purchase_before(member, cut, last=True),
            purchase_before(member, cut, last=True, nth=1),
        ).select_from(since)
    ).all()
    length = period.length.total_seconds()

    def span(first: datetime, last: datetime) -> float:
        return max(1.0, (last - first).total_seconds() / length)

    got = asdict(kept)
    for n, sales, first, last, first_before, last_before, second_last in rows:
        earlier_n = sum(1 for t in (last_before, second_last) if t and t >= period.start)
        got["purchases"] += n
        got["sales_satang"] += int(sales)
        if first_before is None:
            got["histories"] += 1
            got["first_time_buyers"] += 1
            got["lifespan_sum"] += span(first, last)
        else:
            got["lifespan_sum"] += span(first_before, last) - span(first_before, last_before)
        got["buyers"] += earlier_n == 0
        got["repeat_buyers"] += earlier_n < 2 <= earlier_n + n
    return Tally(**got)


def sales_by_staff(session: Session, period: Period) -> list[tuple[str, int, int]]:
    """(who, purchases, sales in satang), biggest sales first: kept at night plus the
    purchases since, or every purchase of the period. `who` is the staff member's LINE id,
    `api:<key name>` for the POS API, or the channel (e.g. `import`)."""
    found = figure_snapshots.kept(session, _staff_key(period))
    if found is None or found.cut < period.start:
        rows = _sold(session, period.start, period.end)
    else:
        rows = _sold_since(session, period, found, period.end)
    return sorted(rows, key=lambda r: (-r[2], r[0]))


def advance_staff(session: Session, period: Period, to: datetime) -> bool:
    """Move the kept sales by staff on to the cut `to`, with the purchases between."""

    def step(found: figure_snapshots.Kept) -> dict[str, Any]:
        return {"staff": _sold_since(session, period, found, to)}

    return figure_snapshots.advance(session, _staff_key(period), to, step)


def _sold_since(
    session: Session, period: Period, found: figure_snapshots.Kept, until: datetime
) -> list[tuple[str, int, int]]:
    until = min(until, period.end)
    since = _sold(session, found.cut, until) if found.cut < until else []
    return figure_snapshots.added_up([*found.value["staff"], *since], keys=1)


def tally_staff(session: Session, period: Period, cut: datetime) -> FigureSnapshot:
    """The period's sales by staff over the purchases before `cut`, to keep."""
    before = min(cut, period.end)
    return figure_snapshots.counted(
        session, _staff_key(period), cut, lambda: {"staff": _sold(session, period.start, before)}
    )


def _staff_key(period: Period) -> str:
    return f"staff {period.start.isoformat()} {period.end.isoformat()}"


def _sold(session: Session, start: datetime, end: datetime) -> list[tuple[str, int, int]]:
    at = col(Purchase.occurred_at)
    who = func.coalesce(Purchase.staff_user_id, Purchase.channel)
    rows = session.exec(
        select(who, func.count(), func.sum(Purchase.amount_satang))
        .where(at >= start, at < end, live_purchase())
        .group_by(who)
    ).all()
    return [(str(w), int(n), int(s or 0)) for w, n, s in rows]
