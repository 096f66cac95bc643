"""The owner's weekly alert about good customers who slipped, and the one-tap win-back."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.jobs import automations
from bot.jobs.queue import Jobs
from storage import automation_settings, clock, segment_alert, segment_rules
from storage.db import transaction
from storage.models import Member, Role, SegmentDrop
from tests.bot.test_automation_jobs import customer, pushed, seen
from tests.handlers.reward_helpers import add_reward, member_of
from tests.support import factories
from tests.support.line import Line, texts
from tests.support.threads import run_together

BANGKOK = ZoneInfo("Asia/Bangkok")
SEGMENTS: dict[int, str] = {}


@pytest.fixture(autouse=True)
def scores(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[int, str]]:
    """Stand-in for the RFM scores: the test says each member's segment."""
    SEGMENTS.clear()
    monkeypatch.setattr(segment_alert, "segment_source", lambda session: list(SEGMENTS.items()))
    yield SEGMENTS


def monday(day: int, hour: int = 10, month: int = 3) -> datetime:
    return datetime(2025, month, day, hour, 5, tzinfo=BANGKOK)


def shop(line: Line) -> dict[str, object]:
    clock.freeze(datetime(2025, 2, 20, 11, 0, tzinfo=BANGKOK))  # bought lately: no win-back yet
    owner = line.user("Dang", role=Role.OWNER)
    cashier = line.user("Bee", role=Role.STAFF)
    nok = customer(line, "Nok", "0810000001")
    anna = customer(line, "Anna", "0810000002", offers=False)
    for phone in ("0810000001", "0810000002", "0810000003"):
        line.award(cashier, f"award {phone} 500")
    ids = {
        "nok": member_of(line, nok).id,
        "anna": member_of(line, anna).id,
        "counter": 3,
    }
    return {"owner": owner, "nok": nok, "anna": anna, "ids": ids}


def test_good_customers_who_slipped_are_listed_once_a_week(
    jobs: Jobs, line: Line, engine: Engine
) -> None:
    people = shop(line)
    ids: dict[str, int] = people["ids"]  # type: ignore[assignment]
    owner = people["owner"]
    SEGMENTS.update({ids["nok"]: "champions", ids["anna"]: "loyal", ids["counter"]: "champions"})
    clock.freeze(monday(3))
    assert automations.run_hourly(jobs)["alert"] == 0  # first look: nothing to compare with
    mark = seen(line, owner)  # type: ignore[arg-type]
    SEGMENTS.update({ids["nok"]: "at_risk", ids["anna"]: "cant_lose", ids["counter"]: "loyal"})
    clock.freeze(monday(10, hour=9))
    assert "alert" not in automations.run_hourly(jobs)  # before the owner's hour
    clock.freeze(monday(10))
    assert automations.run_hourly(jobs)["alert"] == 2
    assert automations.run_hourly(jobs)["alert"] == 0
    shown = line.fake.bot_messages(owner.user_id)[mark:]  # type: ignore[attr-defined]
    assert len(shown) == 1
    body = shown[0]["text"]
    assert "2 คน" in body and "Nok" in body and "ลูกค้าชั้นยอด → เสี่ยงหาย" in body
    assert "ลูกค้าประจำ → ห้ามเสียไป" in body and "รับข้อเสนอได้ 1 คน" in body
    button = shown[0]["quickReply"]["items"][0]["action"]
    assert button["type"] == "postback" and "week=2025-W11" in button["data"]


def test_one_tap_sends_the_win_back_to_those_who_accept_offers(
    jobs: Jobs, line: Line, engine: Engine
) -> None:
    people = shop(line)
    ids: dict[str, int] = people["ids"]  # type: ignore[assignment]
    owner, nok = people["owner"], people["nok"]
    reward_id = add_reward(line, name_th="กาแฟฟรี")
    with transaction(engine) as session:
        automation_settings.tune(session, "winback", "coupon", reward_id, by="test")
    SEGMENTS.update({ids["nok"]: "champions", ids["anna"]: "loyal"})
    clock.freeze(monday(3))
    automations.run_hourly(jobs)
    SEGMENTS.update({ids["nok"]: "at_risk", ids["anna"]: "cant_lose"})
    clock.freeze(monday(10))
    automations.run_hourly(jobs)
    mark = seen(line, nok)  # type: ignore[arg-type]
    clock.freeze(monday(10, hour=11))
    answer = line.tap(owner, "action=winback_offer&week=2025-W11")  # type: ignore[arg-type]
    assert "2 คน" in texts(answer)[0]
    news = line.fake.bot_messages(nok.user_id)[mark:]  # type: ignore[attr-defined]
    assert [m["type"] for m in news] == ["text", "flex"]
    assert "คิดถึง" in news[0]["text"] and "กาแฟฟรี" in news[0]["text"]
    assert "ไปแล้ว" in texts(line.tap(owner, "action=winback_offer&week=2025-W11"))[0]  # type: ignore[arg-type]
    with Session(engine) as session:
        outcomes = sorted(d.outcome or "" for d in session.exec(select(SegmentDrop)).all())
    assert outcomes == ["sent", "skipped"]


def test_a_tap_in_quiet_hours_sends_in_the_morning(jobs: Jobs, line: Line, engine: Engine) -> None:
    people = shop(line)
    ids: dict[str, int] = people["ids"]  # type: ignore[assignment]
    owner, nok = people["owner"], people["nok"]
    SEGMENTS.update({ids["nok"]: "champions"})
    clock.freeze(monday(3))
    automations.run_hourly(jobs)
    SEGMENTS.update({ids["nok"]: "at_risk"})
    clock.freeze(monday(10))
    automations.run_hourly(jobs)
    mark = seen(line, nok)  # type: ignore[arg-type]
    clock.freeze(monday(10, hour=22))
    line.tap(owner, "action=winback_offer&week=2025-W11")  # type: ignore[arg-type]
    automations.run_hourly(jobs)
    assert pushed(line, nok, mark) == []  # type: ignore[arg-type]
    clock.freeze(monday(11, hour=9))
    assert automations.run_hourly(jobs)["offers"] == 1
    assert len(pushed(line, nok, mark)) == 1  # type: ignore[arg-type]


def test_two_workers_on_alert_day_alert_once(jobs: Jobs, line: Line, engine: Engine) -> None:
    people = shop(line)
    ids: dict[str, int] = people["ids"]  # type: ignore[assignment]
    owner = people["owner"]
    SEGMENTS.update({ids["nok"]: "champions"})
    clock.freeze(monday(3))
    automations.run_hourly(jobs)
    SEGMENTS.update({ids["nok"]: "cant_lose"})
    mark = seen(line, owner)  # type: ignore[arg-type]
    clock.freeze(monday(10))
    results = run_together([lambda: automations.run_hourly(jobs)] * 3)
    assert sorted(r["alert"] for r in results) == [0, 0, 1]
    assert len(line.fake.bot_messages(owner.user_id)[mark:]) == 1  # type: ignore[attr-defined]
    with Session(engine) as session:
        assert (
            len(session.exec(select(SegmentDrop).where(col(SegmentDrop.week) == "2025-W11")).all())
            == 1
        )


def test_without_rfm_scores_yet_the_alert_stays_silent(
    jobs: Jobs, line: Line, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(segment_alert, "segment_source", segment_alert.scored_segments)
    people = shop(line)
    mark = seen(line, people["owner"])  # type: ignore[arg-type]
    clock.freeze(monday(3))
    assert automations.run_hourly(jobs)["alert"] == 0
    assert seen(line, people["owner"]) == mark  # type: ignore[arg-type]


def test_the_alert_reads_the_rfm_scores_of_the_segments_feature(
    jobs: Jobs, line: Line, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A champion who stops coming while the others keep buying is a can't-lose customer;
    the most frequent of the others, loyal before, now ranks at risk."""
    from datetime import timedelta

    from storage import ledger, segments

    monkeypatch.setattr(segment_alert, "segment_source", segment_alert.scored_segments)
    owner = line.user("Dang", role=Role.OWNER)
    start = monday(3)

    def buy(member_id: int, days: int, key: str) -> None:
        with transaction(engine) as session:
            member = session.get(Member, member_id)
            assert member is not None
            ledger.award_purchase(
                session,
                tz=ZoneInfo("Asia/Bangkok"),
                member=member,
                amount_satang=10_000,
                baht_per_point=25,
                staff_user_id=None,
                idempotency_key=key,
                occurred_at=start + timedelta(days=days),
            )

    def score(day: int) -> None:
        with transaction(engine) as session:
            as_of = (start + timedelta(days=day)).date()
            segments.refresh_scores(
                session, as_of=as_of, tz=BANGKOK, rule=segment_rules.ALWAYS_RANKS
            )

    with transaction(engine) as session:
        ids = [factories.member(session, phone=f"+6681000001{i}").id for i in range(5)]
    champion, others = ids[0], ids[1:]
    for n in range(10):
        buy(champion, -1 - 10 * n, f"a{n}")
    for rank, member_id in enumerate(others):
        for n in range(4 - rank):
            buy(member_id, -5 - 2 * rank - 10 * n, f"o{rank}.{n}")
    clock.freeze(start)
    score(0)
    automations.run_hourly(jobs)
    for rank, member_id in enumerate(others):
        buy(member_id, 1 + rank, f"late{rank}")
    clock.freeze(monday(10))
    score(7)
    mark = seen(line, owner)
    assert automations.run_hourly(jobs)["alert"] == 2
    body = line.fake.bot_messages(owner.user_id)[mark:][0]["text"]
    assert "081-xxx-0010: ลูกค้าชั้นยอด → ห้ามเสียไป" in body  # the champion
    assert "081-xxx-0011: ลูกค้าประจำ → เสี่ยงหาย" in body  # the best of the others
