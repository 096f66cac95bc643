"""The automation jobs: when they send, to whom, and that nothing happens twice."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.demo.fakeline import FakeUser
from bot.jobs import automations
from bot.jobs.queue import Jobs
from storage import automation_settings, clock, lifecycle
from storage.db import transaction
from storage.models import AutomationSend, EntryKind, LedgerEntry, OutboxMessage, Role
from tests.handlers.reward_helpers import add_reward, member_of
from tests.support.line import Line, texts
from tests.support.threads import run_together

BANGKOK = ZoneInfo("Asia/Bangkok")


def at(day: int, hour: int, minute: int = 0, month: int = 3, year: int = 2025) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BANGKOK)


def customer(line: Line, name: str, phone: str, offers: bool = True) -> FakeUser:
    user = line.user(name)
    line.tap(user, f"action=consent&choice={'all' if offers else 'service'}")
    line.say(user, phone)
    line.say(user, "ข้าม")
    return user


def pushed(line: Line, user: FakeUser, since: int) -> list[str]:
    return texts(line.fake.bot_messages(user.user_id)[since:])


def seen(line: Line, user: FakeUser) -> int:
    return len(line.fake.bot_messages(user.user_id))


def tune(engine: Engine, name: str, key: str, value: Any) -> None:
    with transaction(engine) as session:
        automation_settings.tune(session, name, key, value, by="test")


def test_thank_you_two_hours_after_the_purchase_once_a_day(jobs: Jobs, line: Line) -> None:
    clock.freeze(at(10, 10))
    cashier = line.user("Bee", role=Role.STAFF)
    nok = customer(line, "Nok", "0812345678")
    line.say(cashier, "award 0812345678 350")
    mark = seen(line, nok)
    assert automations.run_frequent(jobs)["thankyou"] == 0
    clock.advance(timedelta(hours=2))
    assert automations.run_frequent(jobs)["thankyou"] == 1
    assert any("14 แต้ม" in t and "ขอบคุณ" in t for t in pushed(line, nok, mark))
    line.say(cashier, "award 0812345678 100")
    clock.advance(timedelta(hours=3))
    assert automations.run_frequent(jobs)["thankyou"] == 0  # one per day


def test_quiet_hours_hold_the_thank_you_until_the_morning(jobs: Jobs, line: Line) -> None:
    clock.freeze(at(10, 20, 30))
    cashier = line.user("Bee", role=Role.STAFF)
    nok = customer(line, "Nok", "0812345678")
    line.say(cashier, "award 0812345678 350")
    mark = seen(line, nok)
    clock.freeze(at(10, 22, 45))
    assert automations.run_frequent(jobs) == {}
    clock.freeze(at(11, 8, 45))
    assert automations.run_frequent(jobs) == {}
    clock.freeze(at(11, 9, 0))
    assert automations.run_frequent(jobs)["thankyou"] == 1
    assert len(pushed(line, nok, mark)) == 1


def test_offers_only_to_members_who_agreed_and_follow(jobs: Jobs, line: Line) -> None:
    clock.freeze(at(10, 10))
    cashier = line.user("Bee", role=Role.STAFF)
    customer(line, "Nok", "0812345678", offers=False)
    anna = customer(line, "Anna", "0822222222")
    line.fake.unfollow(anna)
    line.say(cashier, "award 0812345678 350")
    line.say(cashier, "award 0822222222 350")
    clock.advance(timedelta(hours=2))
    assert automations.run_frequent(jobs)["thankyou"] == 0


def test_one_offer_per_member_per_gap_days(jobs: Jobs, line: Line, engine: Engine) -> None:
    clock.freeze(at(10, 10))
    cashier = line.user("Bee", role=Role.STAFF)
    nok = customer(line, "Nok", "0812345678")
    mark = seen(line, nok)
    for day in (10, 11, 12, 13):
        clock.freeze(at(day, 10))
        line.say(cashier, "award 0812345678 100")
        clock.freeze(at(day, 13))
        automations.run_frequent(jobs)
    thanks = [t for t in pushed(line, nok, mark) if "ขอบคุณที่แวะมา" in t]
    assert len(thanks) == 2  # the 10th and the 13th
    tune(engine, "limits", "gap", 0)
    clock.freeze(at(14, 10))
    line.say(cashier, "award 0812345678 100")
    clock.freeze(at(14, 13))
    assert automations.run_frequent(jobs)["thankyou"] == 1


def test_a_next_visit_coupon_rides_with_the_thank_you(
    jobs: Jobs, line: Line, engine: Engine
) -> None:
    clock.freeze(at(10, 10))
    reward_id = add_reward(line, name_th="ส่วนลด 20 บาท")
    tune(engine, "thankyou", "coupon", reward_id)
    tune(engine, "thankyou", "coupon_days", 7)
    cashier = line.user("Bee", role=Role.STAFF)
    nok = customer(line, "Nok", "0812345678")
    line.say(cashier, "award 0812345678 350")
    mark = seen(line, nok)
    clock.advance(timedelta(hours=2))
    automations.run_frequent(jobs)
    shown = line.fake.bot_messages(nok.user_id)[mark:]
    assert [m["type"] for m in shown] == ["text", "flex"]
    assert "ส่วนลด 20 บาท" in shown[0]["text"] and "17 มี.ค. 2568" in shown[0]["text"]
    assert "หยุดรับข่าว" in shown[0]["text"]
    owner = line.user("Dang", role=Role.OWNER)
    cards = line.read(owner, "automations")
    assert "ขอบคุณหลังซื้อ\nเปิดอยู่" in cards
    assert "ส่ง 1 · ใช้คูปอง 0" in cards
    assert "เดือนนี้: 1 ข้อความ" in cards


def test_two_workers_running_the_same_jobs_at_once_send_and_award_once(
    jobs: Jobs, line: Line, engine: Engine
) -> None:
    clock.freeze(at(1, 10, month=3))
    cashier = line.user("Bee", role=Role.STAFF)
    users = [customer(line, f"c{i}", f"08100000{i:02d}") for i in range(4)]
    for i in range(4):
        line.say(cashier, f"award 08100000{i:02d} 200")
        with transaction(engine) as session:
            lifecycle.set_birthday(session, member_of(line, users[i]).id, 20, 3)  # type: ignore[arg-type]
    marks = [seen(line, u) for u in users]
    clock.freeze(at(1, 13, month=3))
    results = run_together([lambda: automations.run_frequent(jobs)] * 2)
    assert sum(r["thankyou"] for r in results) == 4  # shared out, never doubled
    clock.freeze(at(5, 10, month=3))  # three days later: birthday month, gap over
    results = run_together([lambda: automations.run_hourly(jobs)] * 3)
    assert sum(r["birthday"] for r in results) == 4
    for user, mark in zip(users, marks, strict=True):
        assert len(pushed(line, user, mark)) == 2
    with Session(engine) as session:
        gifts = session.exec(select(LedgerEntry).where(LedgerEntry.kind == EntryKind.BIRTHDAY))
        points = [g.points for g in gifts.all()]
        sent = session.exec(select(OutboxMessage).where(col(OutboxMessage.purpose) != "notice"))
        statuses = [s.status for s in sent.all()]
        records = session.exec(select(AutomationSend)).all()
    assert points == [50] * 4
    assert statuses == ["sent"] * 8
    assert len(records) == 8
    assert len(line.fake.calls("/v2/bot/message/push", status=200)) >= 8


def test_two_workers_expire_points_and_pay_invites_once(
    jobs: Jobs, line: Line, engine: Engine
) -> None:
    clock.freeze(at(1, 11, month=1))
    cashier = line.user("Bee", role=Role.STAFF)
    nok = customer(line, "Nok", "0810000001")
    line.say(cashier, "award 0810000001 1000")
    anna = line.user("Anna")
    line.say(anna, f"เพื่อนชวน {member_of(line, nok).code}")
    line.tap(anna, "action=consent&choice=all")
    line.say(anna, "0810000002")
    line.say(cashier, "award 0810000002 100")
    clock.freeze(at(1, 14, month=1))
    results = run_together([lambda: automations.run_frequent(jobs)] * 3)
    assert sum(r["referral"] for r in results) >= 1
    clock.freeze(at(1, 10, month=2, year=2026))  # January's points ended on 31 January 2026
    results = run_together([lambda: automations.run_hourly(jobs)] * 3)
    assert sum(r["expired"] for r in results) == 40 + 50 + 4 + 50  # purchases and invite bonuses
    with Session(engine) as session:
        kinds = [
            (e.kind, e.points)
            for e in session.exec(
                select(LedgerEntry).where(col(LedgerEntry.actor).startswith("auto:"))
            ).all()
        ]
    assert sorted(kinds) == [("expire", -90), ("expire", -54), ("referral", 50), ("referral", 50)]
