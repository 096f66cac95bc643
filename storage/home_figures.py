"""Two figures of the owner's home card that count by the day something happened: coupons
used at the counter, and members who came back (bought again, not for the first time)."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.buyer_figures import first_purchases
from storage.figure_sql import count_of, in_period, live_purchase
from storage.models import Coupon, Purchase
from storage.periods import Period


def coupons_used(session: Session, period: Period) -> int:
    """Coupons used in the period, whenever they were taken."""
    return count_of(
        session, select(func.count()).select_from(Coupon).where(in_period(Coupon.used_at, period))
    )


def came_back(session: Session, period: Period) -> int:
    """Members with a purchase in the period that was not their first purchase ever."""
    spans = first_purchases(period.end)
    return count_of(
        session,
        select(func.count(func.distinct(Purchase.member_id)))
        .select_from(Purchase)
        .join(spans, spans.c.member_id == col(Purchase.member_id))
        .where(
            in_period(Purchase.occurred_at, period),
            live_purchase(),
            col(Purchase.occurred_at) > spans.c.first,
        ),
    )
