"""Pushes: written to the outbox with the change, delivered once, retried with the same key."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from huey.exceptions import RetryTask
from sqlmodel import Session, select

from bot.jobs.queue import Jobs
from bot.jobs.tasks import deliver_push
from storage import clock
from storage.models import OutboxMessage, Role
from tests.support.line import Line, texts


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    """Time stands still unless a test moves it (retries are due at exact instants)."""
    clock.freeze(datetime(2026, 6, 10, 4, 0, tzinfo=UTC))
    yield
    clock.reset()


def setup_award(line: Line) -> tuple[Any, Any]:
    cashier = line.user("Bee", role=Role.STAFF)
    customer = line.user("Nok")
    line.register(customer)
    return cashier, customer


def outbox(engine: Any) -> list[OutboxMessage]:
    with Session(engine) as session:
        return list(session.exec(select(OutboxMessage).order_by(OutboxMessage.id)))


def retry_keys(line: Line) -> list[str]:
    return [call.headers["X-Line-Retry-Key"] for call in line.fake.calls("/v2/bot/message/push")]


def test_server_error_is_retried_with_the_same_retry_key(
    jobs: Jobs, line: Line, engine: Any
) -> None:
    cashier, customer = setup_award(line)
    line.fake.fail_next("/v2/bot/message/push", 500)
    line.say(cashier, "award 0812345678 100")
    row = outbox(engine)[-1]
    assert row.status == "pending" and row.attempts == 1
    assert deliver_push(jobs, row.id) == "skipped"  # its next try is 2 s away: no attempt spent
    clock.advance(timedelta(seconds=2))
    assert deliver_push(jobs, row.id) == "sent"
    keys = retry_keys(line)
    assert len(keys) == 2 and keys[0] == keys[1] == row.retry_key
    assert len([t for t in texts(line.fake.bot_messages(customer.user_id)) if "4 แต้ม" in t]) == 1


def test_lost_response_then_retry_gets_409_and_counts_as_delivered(
    jobs: Jobs, line: Line, engine: Any
) -> None:
    cashier, customer = setup_award(line)
    line.say(cashier, "award 0812345678 100")
    row = outbox(engine)[-1]
    with Session(engine) as session:
        stored = session.get(OutboxMessage, row.id)
        stored.status = "pending"  # as if the worker died before recording "sent"
        session.add(stored)
        session.commit()
    assert deliver_push(jobs, row.id) == "duplicate"
    assert line.fake.calls("/v2/bot/message/push", status=409)
    notices = [t for t in texts(line.fake.bot_messages(customer.user_id)) if "4 แต้ม" in t]
    assert len(notices) == 1


def test_rate_limit_retry_after_is_honoured(jobs: Jobs, line: Line, engine: Any) -> None:
    cashier, _ = setup_award(line)
    line.fake.fail_next("/v2/bot/message/push", 429, times=2, retry_after=7)
    line.say(cashier, "award 0812345678 100")
    row = outbox(engine)[-1]
    assert outbox(engine)[-1].next_attempt_at == row.created_at + timedelta(seconds=7)
    clock.advance(timedelta(seconds=7))
    with pytest.raises(RetryTask) as retry:
        deliver_push(jobs, row.id)
    assert retry.value.delay == 7


@pytest.mark.allow_errors
def test_refused_push_is_not_retried_forever(line: Line, engine: Any) -> None:
    cashier, _ = setup_award(line)
    line.fake.fail_next("/v2/bot/message/push", 400)
    line.say(cashier, "award 0812345678 100")
    assert outbox(engine)[-1].status == "failed"


def test_no_push_to_a_customer_who_unfollowed(line: Line, engine: Any) -> None:
    cashier, customer = setup_award(line)
    line.fake.unfollow(customer)
    line.say(cashier, "award 0812345678 100")
    assert outbox(engine) == []
    assert not line.fake.calls("/v2/bot/message/push")
