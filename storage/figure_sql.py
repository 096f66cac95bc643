"""SQL pieces the shop's figures share: a half-open period, a count, a sum, a live purchase,
a member's purchase before a moment, seconds since 1970 on either database."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from storage.models import Purchase
from storage.periods import Period


def count_of(session: Session, query: Any) -> int:
    return int(session.exec(query).one() or 0)


def in_period(column: Any, period: Period) -> Any:
    return (col(column) >= period.start) & (col(column) < period.end)


def live_purchase() -> Any:
    return col(Purchase.voided_at).is_(None)


def purchase_before(
    member_id: Any,
    cut: datetime,
    since: datetime | None = None,
    *,
    nth: int = 0,
    last: bool = False,
) -> Any:
    """SQL: when a member's `nth` live purchase (0: the first) before `cut` and not before
    `since` happened, or with `last` their latest; NULL when there is none. A correlated
    subquery that reads a few entries of `ix_purchase_rfm`, however long the history."""
    earlier = aliased(Purchase)
    at = col(earlier.occurred_at)
    query = sa_select(at).where(
        col(earlier.member_id) == member_id, at < cut, col(earlier.voided_at).is_(None)
    )
    if since is not None:
        query = query.where(at >= since)
    return query.order_by(at.desc() if last else at).limit(1).offset(nth).scalar_subquery()


def total(session: Session, column: Any, when: Any, period: Period) -> int:
    return count_of(
        session, select(func.coalesce(func.sum(column), 0)).where(in_period(when, period))
    )


def epoch(session: Session, moment: Any) -> Any:
    """Seconds since 1970 of a stored time, in SQL (SQLite keeps times as text)."""
    if session.get_bind().dialect.name == "sqlite":
        return (func.julianday(moment) - 2440587.5) * 86400.0
    return func.extract("epoch", moment)


def at_least_one(session: Session, value: Any) -> Any:
    if session.get_bind().dialect.name == "sqlite":
        return func.max(1.0, value)
    return func.greatest(1.0, value)
