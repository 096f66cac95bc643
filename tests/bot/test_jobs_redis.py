"""Jobs through Redis: a real huey consumer process delivers a queued push to the fake LINE."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
import redis
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.demo.fakeline import FakeLine
from storage import outbox
from storage.db import transaction
from storage.models import OutboxMessage
from tests.support.workers import hand_over, start_consumer, wait_for, worker_env


@pytest.mark.real_clock  # a real consumer polls and sleeps
def test_a_consumer_on_redis_delivers_a_queued_push(
    engine: Engine, fake: FakeLine, redis_url: str, tmp_path: Path
) -> None:
    redis.Redis.from_url(redis_url).flushdb()
    user = fake.add_user("Nok")
    with transaction(engine) as session:
        row = outbox.queue_push(session, to=user.user_id, messages=[{"type": "text", "text": "hi"}])
        outbox_id = row.id
    env = worker_env(engine, fake, REDIS_URL=redis_url)
    consumer = start_consumer(env, tmp_path, quiet=False)
    try:
        hand_over(f"DeliverPush({outbox_id})", env, tmp_path)
        assert wait_for(lambda: fake.bot_messages(user.user_id), 20), consumer_output(consumer)
        assert wait_for(lambda: status(engine, outbox_id) == "sent", 10)
    finally:
        consumer_output(consumer)
    assert fake.bot_messages(user.user_id) == [{"type": "text", "text": "hi"}]


def status(engine: Engine, outbox_id: Any) -> str:
    with Session(engine) as session:
        row = session.get(OutboxMessage, outbox_id)
        return row.status if row else "missing"


def consumer_output(consumer: subprocess.Popen[bytes]) -> str:
    """Stop the consumer and return the end of what it printed."""
    if consumer.returncode is not None:
        return ""
    consumer.terminate()
    out, _ = consumer.communicate(timeout=10)
    return out.decode(errors="replace")[-3000:]
