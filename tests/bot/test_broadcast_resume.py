"""A worker killed mid-broadcast: restarted, it resumes, and every member gets it exactly once.

Real huey consumers (SqliteHuey file, and Redis when it answers) deliver a broadcast of
6,000 members (11 chunks) to the fake LINE, which answers two multicasts and then holds
the next ones unanswered: the worker is killed while LINE has them in flight (LINE accepts
them, the worker never records them), however fast or slow the machine.
"""

from __future__ import annotations

import signal
import time
from collections import Counter
from pathlib import Path

import pytest
import redis
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.demo.fakeline import FakeLine
from storage import audiences, campaigns
from storage.db import transaction
from storage.models import Campaign, CampaignRecipient
from tests.bot.broadcast_helpers import make_audience, make_owner
from tests.support.workers import hand_over, start_consumer, wait_for, worker_env

MULTICAST = "/v2/bot/message/multicast"
AUDIENCE = 6000
CHUNKS = 11  # 5,400 sent in chunks of 500
LEASE = 2


def status(engine: Engine, campaign_id: int) -> str:
    with Session(engine) as session:
        return session.get(Campaign, campaign_id).status  # type: ignore[union-attr]


def kill_and_resume(engine: Engine, fake: FakeLine, queue: dict[str, str], tmp_path: Path) -> None:
    people = make_audience(engine, AUDIENCE)
    owner = make_owner(engine)
    with transaction(engine) as session:
        campaign_id = campaigns.create_campaign(
            session,
            created_by=owner,
            audience=[audiences.EVERYONE],
            messages=[{"type": "text", "text": "Flash sale today"}],
        ).id
    held = fake.hold_after(MULTICAST, 2)
    env = worker_env(engine, fake, **queue, BROADCAST_LEASE_SECONDS=str(LEASE))
    consumer = start_consumer(env, tmp_path)
    try:
        hand_over(f"SendBroadcast({campaign_id})", env, tmp_path)
        answered = lambda: len(fake.calls(MULTICAST, status=200))  # noqa: E731
        assert wait_for(lambda: answered() == 2 and held.waiting >= 1, 30), (
            "the broadcast never got past its second chunk"
        )
        consumer.send_signal(signal.SIGKILL)  # with chunks in flight: LINE has them
        consumer.wait(10)
        killed_at = answered()
        assert status(engine, campaign_id) == "sending"
        fake.release(MULTICAST)  # LINE accepts them; the dead worker never knew
        assert wait_for(lambda: answered() >= killed_at + held.waiting, 20)
        time.sleep(LEASE + 0.5)  # the dead worker's lease runs out
        consumer = start_consumer(env, tmp_path)
        assert wait_for(lambda: status(engine, campaign_id) == "done", 60)
        assert wait_for(
            lambda: any("Sent:" in m.get("text", "") for m in fake.bot_messages(owner)), 20
        ), "owner was not told"
    finally:
        consumer.kill()
        consumer.wait(10)
    assert 2 <= killed_at < CHUNKS
    got = Counter(
        user
        for user, lines in list(fake.chats.items())
        for line in lines
        if line.via == "multicast"
    )
    with Session(engine) as session:
        held = set(
            session.exec(
                select(CampaignRecipient.line_user_id).where(
                    CampaignRecipient.campaign_id == campaign_id,
                    CampaignRecipient.held_out == True,  # noqa: E712
                )
            )
        )
    assert len(held) == AUDIENCE // 10
    assert {user: got[user] for user, _ in people if user not in held} == {
        user: 1 for user, _ in people if user not in held
    }
    assert not held & set(got)
    # the real consumer also runs the owner's Monday summary when the clock says so
    finished = [m["text"] for m in fake.bot_messages(owner) if "Sent:" in m.get("text", "")]
    assert len(finished) == 1 and "Sent: 5,400" in finished[0]


@pytest.mark.real_clock  # real consumers, a real lease running out
def test_killed_worker_resumes_with_sqlite_huey(
    engine: Engine, fake: FakeLine, tmp_path: Path
) -> None:
    kill_and_resume(engine, fake, {"HUEY_SQLITE": str(tmp_path / "jobs.db")}, tmp_path)


@pytest.mark.real_clock  # real consumers, a real lease running out
def test_killed_worker_resumes_with_redis(
    engine: Engine, fake: FakeLine, redis_url: str, tmp_path: Path
) -> None:
    redis.Redis.from_url(redis_url).flushdb()
    kill_and_resume(engine, fake, {"REDIS_URL": redis_url}, tmp_path)
