"""The daily job that marks expired coupons (bookkeeping only)."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from bot.jobs.queue import Jobs
from bot.jobs.tasks import mark_expired_coupons
from storage import clock
from storage.db import transaction
from storage.models import Coupon, CouponStatus
from tests.support import factories


def test_daily_job_marks_only_coupons_past_their_end(jobs: Jobs) -> None:
    engine = jobs.services.engine
    with transaction(engine) as session:
        member = factories.member(session, points=2)
        for days in (1, 30):
            reward = factories.reward(session, name_th=f"{days} วัน", points_cost=1, valid_days=days)
            factories.coupon(session, member=member, reward=reward)
    clock.advance(timedelta(days=3))
    assert mark_expired_coupons(jobs) == 1
    assert mark_expired_coupons(jobs) == 0
    with transaction(engine) as session:
        statuses = sorted(c.status for c in session.exec(select(Coupon)).all())
    assert statuses == sorted([CouponStatus.ACTIVE, CouponStatus.EXPIRED])
