"""The owners' daily alert about unusual awards: a cashier's own phone, one phone awarded
again and again, awards kept just under the confirm amount; and the tap that lists them."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.demo.fakeline import FakeUser
from bot.jobs.activity_alert import send_daily_alert
from bot.jobs.queue import Jobs
from storage import clock
from storage.db import transaction
from storage.models import OutboxMessage, Role
from tests.support import factories
from tests.support.line import Line, postbacks, texts
from tests.support.threads import run_together

BANGKOK = ZoneInfo("Asia/Bangkok")
OPEN = "action=unusual_entries&day=2025-03-10"


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2025, 3, day, hour, minute, tzinfo=BANGKOK)


def people(line: Line) -> dict[str, FakeUser]:
    clock.freeze(at(10, 10))
    return {
        "dang": line.user("Dang", role=Role.OWNER),
        "ann": line.user("Ann", language="en", role=Role.OWNER),
        "bee": line.user("Bee", role=Role.STAFF),
        "joy": line.user("Joy", role=Role.STAFF),
    }


def award(line: Line, cashier: FakeUser, phone: str, baht: int) -> None:
    line.award(cashier, f"award {phone} {baht}")


def alerts(line: Line, owner: FakeUser) -> list[dict[str, Any]]:
    """The alerts pushed to `owner` (Flex messages whose button opens the awards)."""
    return [
        m
        for m in line.fake.bot_messages(owner.user_id)
        if m["type"] == "flex" and "unusual_entries" in json.dumps(m)
    ]


def words(message: dict[str, Any]) -> str:
    return json.dumps(message, ensure_ascii=False)


def next_morning(jobs: Jobs) -> int:
    clock.freeze(at(11, 8, 5))
    return send_daily_alert(jobs)


def test_a_cashier_awarding_their_own_phone_is_told_to_each_owner_in_their_language(
    jobs: Jobs, line: Line, engine: Engine
) -> None:
    who = people(line)
    with transaction(engine) as session:
        factories.member(session, phone="0810000009", line_user_id=who["bee"].user_id)
    award(line, who["bee"], "0810000009", 100)
    award(line, who["joy"], "0810000009", 100)  # another cashier: not their own

    assert next_morning(jobs) == 1

    thai, english = alerts(line, who["dang"]), alerts(line, who["ann"])
    assert len(thai) == 1 and len(english) == 1
    assert "ให้แต้มเบอร์ของตัวเอง 081-xxx-0009 1 ครั้ง" in words(thai[0])
    assert "10 มี.ค. 2568" in words(thai[0])
    assert "awarded their own phone 081-xxx-0009: 1 time" in words(english[0])
    assert "10 Mar 2025" in words(english[0])
    assert OPEN in postbacks(thai).values()


def test_one_phone_awarded_more_than_three_times_in_a_day(jobs: Jobs, line: Line) -> None:
    who = people(line)
    for cashier in ("bee", "joy", "bee", "joy"):
        award(line, who[cashier], "0810000001", 100)
    for _ in range(3):
        award(line, who["bee"], "0810000002", 100)  # three times: usual

    assert next_morning(jobs) == 1

    shown = words(alerts(line, who["ann"])[0])
    assert "081-xxx-0001 was awarded 4 times in one day (more than 3)" in shown
    assert "0002" not in shown


def test_awards_kept_just_under_the_confirm_amount(jobs: Jobs, line: Line) -> None:
    who = people(line)
    for phone, baht in (("0810000001", 4600), ("0810000002", 4800), ("0810000003", 5000)):
        award(line, who["bee"], phone, baht)
    for phone, baht in (("0810000004", 4800), ("0810000005", 4400), ("0810000006", 4900)):
        award(line, who["joy"], phone, baht)  # 4,400 is not just under: two only

    assert next_morning(jobs) == 1

    thai = words(alerts(line, who["dang"])[0])
    assert "ให้แต้มยอดเกือบถึง ฿5,000 (ยอดที่ต้องยืนยัน) 3 ครั้ง" in thai
    assert "Joy" not in thai
    assert "3 awards just under the ฿5,000 confirm amount" in words(alerts(line, who["ann"])[0])


def test_a_usual_day_sends_nothing(jobs: Jobs, line: Line, engine: Engine) -> None:
    who = people(line)
    award(line, who["bee"], "0810000001", 350)
    award(line, who["bee"], "0810000001", 120)
    award(line, who["joy"], "0810000002", 4800)
    award(line, who["joy"], "0810000003", 4900)
    award(line, who["bee"], "0810000004", 6000)

    assert next_morning(jobs) == 0

    assert alerts(line, who["dang"]) == [] and alerts(line, who["ann"]) == []
    with Session(engine) as session:
        purposes = session.exec(select(OutboxMessage.purpose)).all()
    assert "unusual_activity" not in purposes


def test_the_alert_goes_once_a_day_however_often_the_job_runs(jobs: Jobs, line: Line) -> None:
    who = people(line)
    for _ in range(4):
        award(line, who["bee"], "0810000001", 100)
    clock.freeze(at(11, 7, 45))
    assert send_daily_alert(jobs) == 0  # before 08:00: not yet

    assert next_morning(jobs) == 1
    assert send_daily_alert(jobs) == 0
    clock.freeze(at(11, 21, 0))
    assert run_together([lambda: send_daily_alert(jobs), lambda: send_daily_alert(jobs)]) == [0, 0]

    assert len(alerts(line, who["dang"])) == 1 and len(alerts(line, who["ann"])) == 1


def test_two_workers_at_once_send_it_once(jobs: Jobs, line: Line) -> None:
    who = people(line)
    for _ in range(4):
        award(line, who["bee"], "0810000001", 100)
    clock.freeze(at(11, 8, 5))

    results = run_together([lambda: send_daily_alert(jobs), lambda: send_daily_alert(jobs)])

    assert sorted(results) == [0, 1]
    assert len(alerts(line, who["dang"])) == 1


def test_the_button_lists_the_awards_with_a_void_button_each(jobs: Jobs, line: Line) -> None:
    who = people(line)
    for minute, cashier in ((5, "bee"), (10, "joy"), (15, "bee"), (20, "bee")):
        clock.freeze(at(10, 14, minute))
        award(line, who[cashier], "0810000001", 480)
    next_morning(jobs)

    answer = line.tap(who["dang"], OPEN)

    shown = texts(answer)[0]
    assert shown.startswith("รายการให้แต้มที่ควรตรวจดู 10 มี.ค. 2568:")
    assert shown.count("081-xxx-0001 · ฿480 · 19 แต้ม") == 4
    assert "14:05 · " in shown and "14:20 · " in shown
    voids = [item["action"]["text"] for item in answer[0]["quickReply"]["items"]]
    assert len(voids) == 4 and all(v.startswith("ยกเลิกแต้ม ") for v in voids)

    assert "ยกเลิกรายการ" in texts(line.say(who["dang"], voids[0]))[0]
    again = texts(line.tap(who["ann"], OPEN))[0]
    assert again.count("(voided)") == 1 and "19 points" in again


def test_a_customers_or_demoted_owners_tap_lists_nothing(jobs: Jobs, line: Line) -> None:
    who = people(line)
    for _ in range(4):
        award(line, who["bee"], "0810000001", 100)
    next_morning(jobs)
    customer = line.user("Nok")
    line.make(who["ann"], Role.CUSTOMER)

    for person in (customer, who["ann"], who["bee"]):
        answer = " ".join(texts(line.tap(person, OPEN)))
        assert "081-xxx-0001" not in answer and "฿100" not in answer


def test_a_broken_day_in_the_button_says_so(line: Line) -> None:
    who = people(line)

    answer = texts(line.tap(who["ann"], "action=unusual_entries&day=yesterday"))

    assert answer == ["That button is not valid. Open it again from the alert."]
