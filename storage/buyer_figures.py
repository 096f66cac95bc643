"""Figures about members and buyers: how many, who bought how often, how long they stay,
who sold what."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import case, func
from sqlmodel import Session, col, select

from storage.figure_sql import at_least_one, count_of, epoch, in_period, live_purchase
from storage.models import Member, Purchase
from storage.periods import Period


def members_at(session: Session, moment: datetime) -> int:
    """Members who existed at `moment` and had not been erased by then."""
    return count_of(
        session,
        select(func.count())
        .select_from(Member)
        .where(col(Member.created_at) < moment, not_erased_by(moment)),
    )


def new_members(session: Session, period: Period) -> int:
    """Members who joined in the period and had not been erased by its end."""
    return count_of(
        session,
        select(func.count())
        .select_from(Member)
        .where(in_period(Member.created_at, period), not_erased_by(period.end)),
    )


def not_erased_by(moment: datetime) -> Any:
    return col(Member.erased_at).is_(None) | (col(Member.erased_at) >= moment)


def purchases_per_buyer(session: Session, period: Period) -> dict[int, tuple[int, int]]:
    """member id -> (purchases, sales in satang) in the period."""
    rows = session.exec(
        select(Purchase.member_id, func.count(), func.sum(Purchase.amount_satang))
        .where(in_period(Purchase.occurred_at, period), live_purchase())
        .group_by(col(Purchase.member_id))
    ).all()
    return {int(m): (int(n), int(s or 0)) for m, n, s in rows}


def first_purchases(end: datetime) -> Any:
    """Subquery: each member's first and last purchase before `end` (voided ones aside)."""
    return (
        select(
            col(Purchase.member_id).label("member_id"),
            func.min(Purchase.occurred_at).label("first"),
            func.max(Purchase.occurred_at).label("last"),
        )
        .where(col(Purchase.occurred_at) < end, live_purchase())
        .group_by(col(Purchase.member_id))
        .subquery()
    )


def histories(session: Session, period: Period) -> tuple[int, float | None]:
    """First-time buyers of the period, and the average lifespan in periods (FORMULAS)."""
    spans = first_purchases(period.end)
    length = period.length.total_seconds()
    seconds = epoch(session, spans.c.last) - epoch(session, spans.c.first)
    everyone, newcomers, lifespan = session.exec(
        select(
            func.count(),
            func.coalesce(func.sum(case((spans.c.first >= period.start, 1), else_=0)), 0),
            func.avg(at_least_one(session, seconds / length)),
        ).select_from(spans)
    ).one()
    return int(newcomers), (float(lifespan) if everyone else None)


def lifespan(session: Session, period: Period) -> float | None:
    """Average lifespan in periods (see FORMULAS); None when nobody has bought yet."""
    return histories(session, period)[1]


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
