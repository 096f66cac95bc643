"""Events that race on a unique key are run again, never answered 200 with nothing done."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from handlers import dispatch
from handlers.dispatch import Outcome, handle_event
from handlers.router import Event
from storage import automation_settings, staff
from storage.db import transaction
from storage.models import Dialog, LedgerEntry, LineUser, Member, ProcessedEvent, Referral, Role
from tests.bot.once_worker import SHOP
from tests.support import factories
from tests.support.line import Line, texts
from tests.support.threads import run_together

NEWCOMER = "U" + "6" * 32


def said(outcome: Any) -> str:
    assert isinstance(outcome, Outcome), outcome  # not an exception
    return "\n".join(m["text"] for m in outcome.messages if "text" in m)


def test_six_first_messages_of_a_new_person_at_once_are_all_answered(engine: Engine) -> None:
    events = [
        Event(kind="text", event_id=f"01RACE{n:020d}", user_id=NEWCOMER, text="points")
        for n in range(6)
    ]
    outcomes = run_together([lambda e=e: handle_event(engine, SHOP, e) for e in events])
    assert all("สมาชิก" in said(o) and not o.duplicate for o in outcomes), outcomes
    with Session(engine) as session:
        assert len(session.exec(select(ProcessedEvent)).all()) == 6
        assert len(session.exec(select(LineUser)).all()) == 1


def test_four_cashiers_awarding_one_new_phone_at_once_all_land(engine: Engine) -> None:
    cashiers = [f"U{n:032d}" for n in range(4)]
    with transaction(engine) as session:
        for cashier in cashiers:
            factories.staff(session, cashier)
    for n, c in enumerate(cashiers):  # each is asked "new counter member?" ...
        asked = Event(
            kind="text", event_id=f"01ASK{n:021d}", user_id=c, text="award 0899999999 100"
        )
        handle_event(engine, SHOP, asked)
    with Session(engine) as session:
        keys = {d.line_user_id: d.data["key"] for d in session.exec(select(Dialog))}
    events = [  # ... and all four tap yes at once
        Event(
            kind="postback",
            event_id=f"01AWARD{n:019d}",
            user_id=c,
            postback=f"action=award_yes&key={keys[c]}",
        )
        for n, c in enumerate(cashiers)
    ]
    outcomes = run_together([lambda e=e: handle_event(engine, SHOP, e) for e in events])
    assert all("4" in said(o) for o in outcomes), outcomes
    with Session(engine) as session:
        member = session.exec(select(Member)).one()
        entries = session.exec(select(LedgerEntry)).all()
    assert member.phone == "+66899999999" and member.points == 16
    assert sorted(e.actor for e in entries) == cashiers


def test_two_people_joining_with_one_invite_at_once_make_one_cashier(engine: Engine) -> None:
    with transaction(engine) as session:
        code, _ = staff.create_invite(session, created_by="U-owner")
    events = [
        Event(kind="text", event_id=f"01JOIN{n:020d}", user_id=f"U{n:032d}", text=f"join {code}")
        for n in range(2)
    ]
    outcomes = run_together([lambda e=e: handle_event(engine, SHOP, e) for e in events])
    answers = sorted(said(o) for o in outcomes)
    assert "ยินดีต้อนรับสู่ทีม" in answers[0] and "ไม่ถูกต้อง" in answers[1]
    with Session(engine) as session:
        assert len(session.exec(select(LineUser).where(LineUser.role == Role.STAFF)).all()) == 1


def test_one_friend_sending_two_invite_codes_at_once_is_invited_once(engine: Engine) -> None:
    with transaction(engine) as session:
        automation_settings.switch(session, "referral", True, by="U-owner")
        inviters = [factories.member(session, phone=f"+6681234567{n}") for n in range(2)]
        codes = [m.code for m in inviters]
    events = [
        Event(kind="text", event_id=f"01FRIEND{n:018d}", user_id=NEWCOMER, text=f"friend {c}")
        for n, c in enumerate(codes)
    ]
    outcomes = run_together([lambda e=e: handle_event(engine, SHOP, e) for e in events])
    assert all(said(o) for o in outcomes), outcomes
    with Session(engine) as session:
        assert len(session.exec(select(Referral)).all()) == 1


def _lost_race(*_: Any) -> Outcome:
    raise IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE constraint failed: x"))


def test_a_race_lost_every_time_answers_503_so_line_delivers_again(
    line: Line, monkeypatch: pytest.MonkeyPatch
) -> None:
    person = line.user("Nok", "en")
    tries: list[int] = []

    def losing(*args: Any) -> Outcome:
        tries.append(1)
        return _lost_race(*args)

    monkeypatch.setattr(dispatch, "_handle_once", losing)
    assert line.say(person, "points") == []
    assert line.last_status == 503 and len(tries) == dispatch.TRIES


@pytest.mark.allow_errors
def test_an_english_speaker_is_apologised_to_in_english(
    line: Line, monkeypatch: pytest.MonkeyPatch
) -> None:
    person = line.user("Jane", "en")
    line.register(person)

    def broken(*_: Any) -> Outcome:
        raise RuntimeError("a bug")

    monkeypatch.setattr(dispatch, "_handle_once", broken)
    answer = texts(line.say(person, "points"))
    assert answer == [
        "Sorry, something went wrong on our side and nothing was changed. Please try again."
    ]
    assert line.last_status == 200
