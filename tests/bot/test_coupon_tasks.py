"""The daily job that marks expired coupons (bookkeeping only)."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlmodel import select

from bot.jobs.queue import Jobs
from bot.jobs.tasks import mark_expired_coupons
from storage import clock, coupons, ledger, members, rewards
from storage.db import transaction
from storage.models import Coupon, CouponStatus, EntryKind


def test_daily_job_marks_only_coupons_past_their_end(jobs: Jobs) -> None:
    engine = jobs.services.engine
    with transaction(engine) as session:
        member = members.create_member(session, phone=None)
        ledger.post_entry(
            session,
            tz=ZoneInfo("Asia/Bangkok"),
            member=member,
            kind=EntryKind.ADJUST,
            points=2,
            actor="t",
            idempotency_key="s",
        )
        for days in (1, 30):
            spec = rewards.RewardSpec(name_th=f"{days} วัน", points_cost=1, valid_days=days)
            reward = rewards.create_reward(session, spec=spec)
            coupons.redeem(
                session,
                member_id=member.id,  # type: ignore[arg-type]
                reward_id=reward.id,  # type: ignore[arg-type]
                actor="t",
                idempotency_key=f"r{days}",
                tz=ZoneInfo("Asia/Bangkok"),
            )
    clock.advance(timedelta(days=3))
    assert mark_expired_coupons(jobs) == 1
    assert mark_expired_coupons(jobs) == 0
    with transaction(engine) as session:
        statuses = sorted(c.status for c in session.exec(select(Coupon)).all())
    assert statuses == sorted([CouponStatus.ACTIVE, CouponStatus.EXPIRED])
