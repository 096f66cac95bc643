"""Figures about members and buyers: how many, who bought how often, how long they stay,
who sold what."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from storage.figure_sql import at_least_one, epoch, in_period, live_purchase
from storage.models import Member, Purchase
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


def buyers_in(session: Session, period: Period) -> Buyers:
    """The period's buyers and their histories, in one pass over every purchase before the
    period's end in member order (`ix_purchase_rfm`): one row per member, added up in the
    database (a big shop has hundreds of thousands of buyers a month)."""
    at, amount = col(Purchase.occurred_at), col(Purchase.amount_satang)
    now = in_period(Purchase.occurred_at, period)
    before = (at >= period.previous_start) & (at < period.start)
    member = (
        sa_select(
            func.min(at).label("first"),
            func.max(at).label("last"),
            func.sum(case((now, 1), else_=0)).label("n"),
            func.sum(case((now, amount), else_=0)).label("sales"),
            func.max(case((before, 1), else_=0)).label("before"),
        )
        .where(at < period.end, live_purchase())
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
            func.avg(at_least_one(session, seconds / length)),
        ).select_from(member)
    ).one()
    buyers, purchases, sales, repeat, previous, first_time = (int(n) for n in row[1:7])
    lifespan = float(row[7]) if row[0] else None
    return Buyers(buyers, purchases, sales, repeat, previous, first_time, lifespan)


def sales_by_staff(session: Session, period: Period) -> list[tuple[str, int, int]]:
    """(who, purchases, sales in satang), biggest sales first. `who` is the staff member's
    LINE id, `api:<key name>` for the POS API, or the channel (e.g. `import`)."""
    who = func.coalesce(Purchase.staff_user_id, Purchase.channel)
    rows = session.exec(
        select(who, func.count(), func.sum(Purchase.amount_satang))
        .where(in_period(Purchase.occurred_at, period), live_purchase())
        .group_by(who)
    ).all()
    return sorted(((str(w), int(n), int(s or 0)) for w, n, s in rows), key=lambda r: (-r[2], r[0]))
