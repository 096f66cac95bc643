"""LINE down for hours: pushes and broadcasts keep trying for a day, each try counted once,
delivered once when LINE is back, and what finally failed is shown to the owner."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.demo.fakeline import FakeLine
from bot.jobs import automations, broadcast
from bot.jobs.queue import Jobs
from bot.jobs.tasks import resend_stale_pushes
from storage import audiences, campaigns, clock
from storage.db import transaction
from storage.models import CampaignChunk, OutboxMessage, Role
from tests.bot.broadcast_helpers import make_audience
from tests.support.line import Line, texts

BANGKOK = ZoneInfo("Asia/Bangkok")
PUSH = "/v2/bot/message/push"
MULTICAST = "/v2/bot/message/multicast"
START = datetime(2026, 6, 10, 11, 0, tzinfo=BANGKOK)


def line_down(fake: FakeLine, path: str) -> None:
    """LINE answers 500 to every call on `path` until `line_back`."""
    fake.fail_next(path, 500, times=10**9)


def line_back(fake: FakeLine) -> None:
    with fake.lock:
        fake.faults.clear()


def sweep_until(jobs: Jobs, until: datetime, step: timedelta = timedelta(minutes=5)) -> None:
    """Run the stale-push sweep as the worker's minute schedule would, until `until`."""
    while clock.now() < until:
        clock.advance(step)
        resend_stale_pushes(jobs)


def rows(engine: Engine) -> list[OutboxMessage]:
    with Session(engine) as session:
        return list(session.exec(select(OutboxMessage).order_by(OutboxMessage.id)))


def award_notice(line: Line) -> tuple[Any, Any]:
    cashier = line.user("Bee", role=Role.STAFF)
    customer = line.user("Nok")
    line.register(customer)
    line_down(line.fake, PUSH)
    line.say(cashier, "award 0812345678 100")
    return cashier, customer


def test_a_push_through_23_hours_of_line_errors_is_delivered_once(
    jobs: Jobs, line: Line, engine: Engine
) -> None:
    clock.freeze(START)
    _, customer = award_notice(line)
    sweep_until(jobs, START + timedelta(hours=23))
    row = rows(engine)[-1]
    assert row.status == "pending", row.last_error
    line_back(line.fake)
    sweep_until(jobs, START + timedelta(hours=24))

    row = rows(engine)[-1]
    assert row.status == "sent"
    calls = [c for c in line.fake.calls(PUSH) if c.body["to"] == customer.user_id]
    assert {c.headers["X-Line-Retry-Key"] for c in calls} == {row.retry_key}
    assert [c.status for c in calls].count(200) == 1
    assert row.attempts == len(calls)  # an attempt is a try at LINE, not a sweep
    assert 40 <= len(calls) <= 60  # capped backoff: about every half hour, not every minute
    notices = [t for t in texts(line.fake.bot_messages(customer.user_id)) if "4 แต้ม" in t]
    assert len(notices) == 1


def test_the_sweep_leaves_a_push_alone_while_its_next_try_is_ahead(
    jobs: Jobs, line: Line, engine: Engine
) -> None:
    clock.freeze(START)
    award_notice(line)
    clock.advance(timedelta(hours=2))
    resend_stale_pushes(jobs)  # a try: fails, next one in 5 s
    tried = rows(engine)[-1].attempts
    clock.advance(timedelta(seconds=4))
    for _ in range(5):
        resend_stale_pushes(jobs)
    assert rows(engine)[-1].attempts == tried


@pytest.mark.allow_errors  # "push ... failed for good" is logged as an error, as it should be
def test_an_automation_push_failing_for_a_day_is_counted_as_failed_for_the_owner(
    jobs: Jobs, line: Line, engine: Engine
) -> None:
    clock.freeze(START)
    cashier = line.user("Bee", role=Role.STAFF)
    owner = line.user("Dang", role=Role.OWNER)
    nok = line.user("Nok")
    line.tap(nok, "action=consent&choice=all")
    line.say(nok, "0812345678")
    line.say(nok, "ข้าม")
    line.say(cashier, "award 0812345678 350")
    line_down(line.fake, PUSH)
    clock.advance(timedelta(hours=2))
    assert automations.run_frequent(jobs)["thankyou"] == 1
    sweep_until(jobs, START + timedelta(hours=2, minutes=20) + timedelta(hours=24))

    thanks = [r for r in rows(engine) if r.purpose == "auto:thankyou"]
    assert [r.status for r in thanks] == ["failed"]
    answer = line.read(owner, "automations")
    assert "ส่ง 0 · ใช้คูปอง 0" in answer
    assert "ส่งไม่สำเร็จ 1 ข้อความ" in answer


def broadcast_to_one(line: Line, engine: Engine) -> tuple[Any, int]:
    owner = line.user("Dang", role=Role.OWNER)
    make_audience(engine, 1)
    with transaction(engine) as session:
        campaign = campaigns.create_campaign(
            session,
            created_by=owner.user_id,
            audience=[audiences.EVERYONE],
            messages=[{"type": "text", "text": "Double points this weekend!"}],
            holdout_percent=0,
        )
        return owner, campaign.id  # type: ignore[return-value]


def waiting_clock(recover_at: datetime | None, fake: FakeLine) -> Any:
    """The broadcast job's sleep, in simulated time; LINE comes back at `recover_at`."""

    def sleep(seconds: float) -> None:
        clock.advance(timedelta(seconds=seconds))
        if recover_at is not None and clock.now() >= recover_at:
            line_back(fake)

    return sleep


def test_a_broadcast_through_23_hours_of_line_errors_is_delivered_once(
    jobs: Jobs, line: Line, engine: Engine
) -> None:
    clock.freeze(START)
    owner, campaign_id = broadcast_to_one(line, engine)
    line_down(line.fake, MULTICAST)
    sleep = waiting_clock(START + timedelta(hours=23), line.fake)
    assert broadcast.send_campaign(jobs, campaign_id, sleep=sleep) == "done"

    calls = line.fake.calls(MULTICAST)
    assert [c.status for c in calls].count(200) == 1
    assert len({c.headers["X-Line-Retry-Key"] for c in calls}) == 1
    with Session(engine) as session:
        chunk = session.exec(select(CampaignChunk)).one()
    assert chunk.status == "sent" and chunk.attempts == len(calls)
    assert "ส่งแล้ว: 1\nส่งไม่สำเร็จ: 0" in line.ask(owner, f"campaign report {campaign_id}")


def test_a_broadcast_failing_for_a_day_shows_the_failure_in_the_report(
    jobs: Jobs, line: Line, engine: Engine
) -> None:
    clock.freeze(START)
    owner, campaign_id = broadcast_to_one(line, engine)
    line_down(line.fake, MULTICAST)
    assert (
        broadcast.send_campaign(jobs, campaign_id, sleep=waiting_clock(None, line.fake)) == "done"
    )

    assert clock.now() >= START + timedelta(hours=24)
    report = line.ask(owner, f"campaign report {campaign_id}")
    assert "ส่งไม่สำเร็จ: 1 (LINE ขัดข้องซ้ำ 1)" in report
