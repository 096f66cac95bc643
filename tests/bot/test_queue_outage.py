"""The queue down while events commit: LINE still gets 200, and every job the events asked
for (SMS, rich-menu link, profile refresh, push) runs later, exactly once, from the sweep."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import pytest
import redis
from sqlmodel import Session, select

from bot.demo.fakeline import FakeLine, FakeUser
from bot.jobs.queue import Jobs, run_lost_jobs
from bot.jobs.schedule import TASKS
from bot.jobs.tasks import resend_stale_pushes
from handlers.jobs import JOB_TYPES, Job, SendSms, record_jobs
from storage import clock
from storage.db import transaction
from storage.models import OutboxMessage, QueuedJob, Role
from tests.richmenus.test_linking import deploy
from tests.support.line import Line, texts

START = datetime(2026, 6, 10, 11, 0, tzinfo=ZoneInfo("Asia/Bangkok"))
PHONES = [f"08911100{i:02d}" for i in range(6)]


def queue_down(monkeypatch: pytest.MonkeyPatch, jobs: Jobs) -> None:
    """Every hand-off to the queue fails as it does when Redis does not answer."""

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:6379")

    monkeypatch.setattr(jobs.huey, "enqueue", refuse)


def profile_calls(fake: FakeLine, user: FakeUser) -> int:
    return len(fake.calls(f"/v2/bot/profile/{user.user_id}"))


def sweep(jobs: Jobs) -> None:
    """What the worker's minute schedule does once the queue is back."""
    clock.advance(timedelta(minutes=3))
    run_lost_jobs(jobs)
    resend_stale_pushes(jobs)


def test_thirty_events_with_the_queue_down_lose_no_job_and_run_each_once(
    jobs: Jobs, line: Line, app: Any, engine: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock.freeze(START)
    menus = deploy(app)
    owner = line.user("Dang", role=Role.OWNER)
    cashier = line.user("Bee", role=Role.STAFF)
    for phone in PHONES:  # points earned at the counter: joining in LINE needs an SMS code
        line.award(cashier, f"award {phone} 200")
    clock.advance(timedelta(minutes=1))  # the taps on "new counter member?" count to the limit
    regulars = [line.user(f"Regular {i}") for i in range(4)]
    for i, regular in enumerate(regulars):
        line.register(regular, f"08122200{i:02d}")
    invites = [texts(line.say(owner, "staff invite"))[-1] for _ in range(4)]
    recruits = [line.user(f"Recruit {i}") for i in range(4)]  # they follow: queue still up
    sms_before, pushes_before = len(line.fake.sms), len(line.fake.calls("/v2/bot/message/push"))

    queue_down(monkeypatch, jobs)
    statuses: list[int] = []
    newcomers = [line.fake.add_user(f"Newcomer {i}") for i in range(6)]  # no follow event seen
    for newcomer, phone in zip(newcomers, PHONES, strict=True):
        line.fake.tap(newcomer, "action=consent&choice=all")  # first event: profile refresh
        statuses.append(line.last_status)
        line.fake.say(newcomer, phone)  # an SMS code
        statuses.append(line.last_status)
    for recruit, join in zip(recruits, invites, strict=True):
        line.fake.say(recruit, join)  # the staff rich menu
        statuses.append(line.last_status)
    for _ in range(3):
        for i in range(len(regulars)):
            line.fake.say(cashier, f"award 08122200{i:02d} 100")  # a push
            statuses.append(line.last_status)
    line.fake.say(owner, "points")
    line.fake.say(cashier, "points")
    statuses += [line.last_status] * 2
    assert len(statuses) == 30 and set(statuses) == {200}
    assert len(line.fake.sms) == sms_before and not any(
        r.user_id in line.fake.richmenus.links for r in recruits
    )
    assert len(line.fake.calls("/v2/bot/message/push")) == pushes_before

    monkeypatch.undo()
    sweep(jobs)
    sweep(jobs)  # and again: nothing runs twice

    texted = Counter(sms["to"] for sms in line.fake.sms[sms_before:])
    assert sorted(texted.values()) == [1] * 6 and len(texted) == 6
    assert all(line.fake.richmenus.links[r.user_id] == menus["staff-counter"] for r in recruits)
    assert [profile_calls(line.fake, n) for n in newcomers] == [1] * 6
    pushes = line.fake.calls("/v2/bot/message/push")[pushes_before:]
    assert Counter(c.body["to"] for c in pushes) == {r.user_id: 3 for r in regulars}
    assert len({c.headers["X-Line-Retry-Key"] for c in pushes}) == 12
    with Session(engine) as session:
        queued = list(session.exec(select(QueuedJob)))
        rows = list(session.exec(select(OutboxMessage)))
    assert Counter(j.kind for j in queued if j.created_at >= START) >= Counter(
        {"refresh_profile": 6, "send_sms": 6, "link_richmenu": 4}
    )
    assert {(j.status, j.attempts) for j in queued} == {("done", 1)}
    assert all(j.args == {} for j in queued)  # no phone or code left behind
    assert {r.status for r in rows} == {"sent"}


@dataclass(frozen=True)
class SendSmss(Job):
    """A job type no task runs (a misspelt one would not import at all)."""

    kind: ClassVar[str] = "send_smss"
    phone: str


def test_an_unknown_job_type_fails_inside_the_transaction(engine: Any) -> None:
    with pytest.raises(ValueError, match="SendSmss"), transaction(engine) as session:
        record_jobs(session, [SendSms("+66891110000", "1234"), SendSmss("+66891110000")])
    with Session(engine) as session:
        assert list(session.exec(select(QueuedJob))) == []


def test_every_job_type_has_its_task() -> None:
    assert set(TASKS) == set(JOB_TYPES.values())
