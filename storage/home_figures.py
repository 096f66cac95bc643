"""Two figures of the owner's home card that count by the day something happened: coupons
used at the counter, and members who came back (bought again, not for the first time)."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.figure_sql import count_of, in_period, live_purchase
from storage.models import Coupon, Member, Purchase
from storage.periods import Period


def coupons_used(session: Session, period: Period) -> int:
    """Coupons used in the period, whenever they were taken."""
    return count_of(
        session, select(func.count()).select_from(Coupon).where(in_period(Coupon.used_at, period))
    )


def came_back(session: Session, period: Period) -> int:
    """Members with a purchase in the period that was not their first purchase ever (the
    first from the member's kept summary: the period's purchases alone are read)."""
    return count_of(
        session,
        select(func.count(func.distinct(Purchase.member_id)))
        .select_from(Purchase)
        .join(Member, col(Member.id) == col(Purchase.member_id))
        .where(
            in_period(Purchase.occurred_at, period),
            live_purchase(),
            col(Purchase.occurred_at) > col(Member.first_purchase_at),
        ),
    )
