"""A worker started as the Procfile starts it (`loyalty worker`, a real consumer process)
issues the coupons of a broadcast that has one: each recipient gets theirs, once."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from bot.demo.fakeline import FakeLine
from storage import audiences, campaigns, rewards
from storage.db import transaction
from storage.models import Campaign, CampaignRecipient, Coupon
from tests.bot.broadcast_helpers import make_audience, make_owner
from tests.support.workers import hand_over, start_consumer, wait_for, worker_env

AUDIENCE = 30


def finished(engine: Engine, campaign_id: int) -> bool:
    with Session(engine) as session:
        campaign = session.get(Campaign, campaign_id)
        return campaign is not None and campaign.status == "done"


@pytest.mark.real_clock  # a real consumer polls and sleeps
def test_a_worker_process_issues_the_coupons_of_a_broadcast(
    engine: Engine, fake: FakeLine, tmp_path: Path
) -> None:
    make_audience(engine, AUDIENCE)
    owner = make_owner(engine)
    with transaction(engine) as session:
        spec = rewards.RewardSpec(name_th="ลาเต้เย็น", name_en="Iced latte", points_cost=100)
        reward_id = rewards.create_reward(session, spec=spec).id
        campaign_id = campaigns.create_campaign(
            session,
            created_by=owner,
            audience=[audiences.EVERYONE],
            messages=[{"type": "text", "text": "A latte on us"}],
            holdout_percent=0,
            reward_id=reward_id,
        ).id
    env = worker_env(engine, fake, HUEY_SQLITE=str(tmp_path / "jobs.db"))
    consumer = start_consumer(env, tmp_path)
    try:
        hand_over(f"SendBroadcast({campaign_id})", env, tmp_path)
        assert wait_for(lambda: finished(engine, campaign_id), 60), "the broadcast never finished"
    finally:
        consumer.kill()
        consumer.wait(10)
    with Session(engine) as session:
        sent = set(
            session.exec(
                select(CampaignRecipient.member_id).where(
                    CampaignRecipient.campaign_id == campaign_id,
                    CampaignRecipient.status == "sent",
                )
            )
        )
        holders = list(session.exec(select(Coupon.member_id).where(Coupon.reward_id == reward_id)))
        assert session.exec(select(func.count()).select_from(Coupon)).one() == AUDIENCE
    assert len(sent) == AUDIENCE
    assert sorted(holders) == sorted(sent)
