"""Coupons used at the counter in a period (counted when used, whenever they were taken)."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from storage.figure_sql import count_of, in_period
from storage.models import Coupon
from storage.periods import Period


def used_in(session: Session, period: Period) -> int:
    return count_of(
        session, select(func.count()).select_from(Coupon).where(in_period(Coupon.used_at, period))
    )
