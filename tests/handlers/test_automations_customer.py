"""The customer's side of the automations: welcome gift, birthday, tiers, invite a friend."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.jobs import automations
from bot.jobs.queue import Jobs
from handlers.automations_customer import read_birthday
from storage import automation_settings, coupons, ledger
from storage.db import transaction
from storage.models import EntryKind, LedgerEntry, Member, MemberLifecycle, Role
from tests.handlers.reward_helpers import add_reward, member_of
from tests.support import factories
from tests.support.line import Line, texts


def _set(engine: Engine, name: str, key: str, value: Any) -> None:
    with transaction(engine) as session:
        automation_settings.tune(session, name, key, value, by="test")


def _switch(engine: Engine, name: str, on: bool) -> None:
    with transaction(engine) as session:
        automation_settings.switch(session, name, on, by="test")


def test_registration_asks_the_birthday_once_and_skip_is_fine(line: Line, engine: Engine) -> None:
    user = line.user("Nok")
    line.tap(user, "action=consent&choice=all")
    answer = line.say(user, "0812345678")
    assert "วันเกิด" in texts(answer)[-1]
    assert "15 มี.ค." in line.ask(user, "15/3")
    with Session(engine) as session:
        row = session.exec(select(MemberLifecycle)).one()
    assert (row.birth_day, row.birth_month) == (15, 3)
    other = line.user("Anna", "en")
    line.tap(other, "action=consent&choice=all")
    line.say(other, "0812345679")
    assert "any time" in line.ask(other, "skip")
    assert "not understand" in line.ask(other, "15/3")  # the question is over


def test_birthday_can_be_given_later_and_bad_dates_are_refused(line: Line) -> None:
    user = line.user("Nok")
    line.register(user)
    line.say(user, "ข้าม")
    assert "ไม่ใช่วันและเดือน" in line.ask(user, "วันเกิด 31/2")
    assert "29 ก.พ." in line.ask(user, "29/2")
    assert "29 ก.พ." in line.ask(user, "วันเกิด")


def test_typed_birthdays_are_understood() -> None:
    assert read_birthday("15/3") == (15, 3)
    assert read_birthday("15-03-1990") == (15, 3)
    assert read_birthday("15 มี.ค.") == (15, 3)
    assert read_birthday("15 mar") == (15, 3)
    assert read_birthday("15 march 1990") == (15, 3)
    assert read_birthday("32/1") is None
    assert read_birthday("hello") is None


def test_welcome_gift_points_and_coupon_come_with_the_registration_once(
    line: Line, engine: Engine
) -> None:
    reward_id = add_reward(line, name_th="คุกกี้ต้อนรับ")
    _set(engine, "welcome", "points", 20)
    _set(engine, "welcome", "coupon", reward_id)
    user = line.user("Nok")
    line.tap(user, "action=consent&choice=service")
    answer = line.say(user, "0812345678")
    shown = "\n".join(texts(answer))
    assert "ของขวัญต้อนรับ" in shown and "20 แต้ม" in shown and "คุกกี้ต้อนรับ" in shown
    assert [m["type"] for m in answer].count("flex") == 2  # member card and the coupon
    assert len(answer) <= 5
    member = member_of(line, user)
    assert member.points == 20


def test_card_shows_the_tier_and_what_the_next_needs(line: Line, engine: Engine) -> None:
    cashier = line.user("Bee", role=Role.STAFF)
    user = line.user("Nok")
    line.register(user)
    line.say(user, "ข้าม")
    line.say(cashier, "award 0812345678 4000")
    card = line.say(user, "บัตร")[0]
    shown = str(card["contents"])
    assert "สมาชิก" in shown and "สู่ระดับซิลเวอร์" in shown and "ซื้ออีก 1,000 บาท" in shown


def test_moving_up_is_congratulated_and_the_next_purchase_earns_more(
    line: Line, engine: Engine
) -> None:
    cashier = line.user("Bee", role=Role.STAFF)
    user = line.user("Nok")
    line.register(user)
    line.say(user, "ข้าม")
    before = len(line.fake.bot_messages(user.user_id))
    line.say(cashier, "award 0812345678 5000")
    pushed = texts(line.fake.bot_messages(user.user_id)[before:])
    assert any("ซิลเวอร์" in t and "x1.25" in t for t in pushed), pushed
    line.say(cashier, "award 0812345678 100")
    with Session(engine) as session:
        earns = session.exec(select(LedgerEntry).where(LedgerEntry.kind == EntryKind.EARN)).all()
    assert [e.points for e in earns] == [200, 5]  # 100 baht: 4 points x1.25
    assert "คงระดับถึง" in str(line.say(user, "บัตร")[0]["contents"])


def test_tiers_off_means_usual_points_and_no_tier_on_the_card(line: Line, engine: Engine) -> None:
    _switch(engine, "tiers", False)
    cashier = line.user("Bee", role=Role.STAFF)
    user = line.user("Nok")
    line.register(user)
    line.award(cashier, "award 0812345678 50000")
    line.say(cashier, "award 0812345678 100")
    with Session(engine) as session:
        earns = session.exec(select(LedgerEntry).where(LedgerEntry.kind == EntryKind.EARN)).all()
    assert [e.points for e in earns] == [2000, 4]
    assert "ระดับ" not in str(line.say(user, "บัตร")[0]["contents"])


def _share_text(card: dict[str, Any]) -> tuple[str, str]:
    uri = card["contents"]["footer"]["contents"][0]["action"]["uri"]
    assert uri.startswith("https://line.me/R/share?text=")
    return uri, unquote(parse_qs(urlsplit(uri).query)["text"][0])


def test_invite_shares_the_shops_add_friend_link_and_the_code(line: Line) -> None:
    user = line.user("Nok")
    line.register(user)
    card = line.say(user, "ชวนเพื่อน")[0]
    uri, shared = _share_text(card)
    code = member_of(line, user).code
    assert "https://line.me/R/ti/p/@loyaltytest" in shared and code in shared
    assert len(uri) <= 1000  # LINE's limit for a URI action


def test_invited_friend_buys_and_both_get_the_bonus_once(
    jobs: Jobs, line: Line, engine: Engine
) -> None:
    cashier = line.user("Bee", role=Role.STAFF)
    inviter = line.user("Nok")
    line.register(inviter, "0812345678")
    code = member_of(line, inviter).code
    friend = line.user("Anna", "en")
    assert "Register" in line.ask(friend, f"friend {code}")
    line.register(friend, "0899999999")
    automations.run_frequent(jobs)
    assert member_of(line, friend).points == 0
    line.say(cashier, "award 0899999999 100")
    before = {u.user_id: len(line.fake.bot_messages(u.user_id)) for u in (inviter, friend)}
    assert automations.run_frequent(jobs)["referral"] == 1
    assert automations.run_frequent(jobs)["referral"] == 0
    assert member_of(line, inviter).points == 50
    assert member_of(line, friend).points == 54
    news = {
        u.user_id: line.fake.bot_messages(u.user_id)[before[u.user_id] :] for u in (inviter, friend)
    }
    assert any("เพื่อนที่คุณชวน" in t for t in texts(news[inviter.user_id]))
    assert any("friend's invite" in t for t in texts(news[friend.user_id]))
    assert "1" in str(line.say(inviter, "invite")[0]["contents"]["body"])


def test_no_self_invite_and_one_inviter_per_member(jobs: Jobs, line: Line) -> None:
    cashier = line.user("Bee", role=Role.STAFF)
    nok = line.user("Nok")
    line.register(nok, "0812345678")
    nok_code = member_of(line, nok).code
    assert "ของตัวเอง" in line.ask(nok, f"เพื่อนชวน {nok_code}")
    anna = line.user("Anna")
    line.register(anna, "0822222222")
    anna_code = member_of(line, anna).code
    assert "บันทึกคำชวน" in line.ask(anna, f"เพื่อนชวน {nok_code}")
    assert "ใช้คำชวนไปแล้ว" in line.ask(anna, f"เพื่อนชวน {nok_code}")
    line.say(cashier, "award 0833333333 100")  # a counter customer who has bought before
    bee = line.user("Bee2")
    assert "บันทึกคำชวน" in line.ask(bee, f"เพื่อนชวน {anna_code}")
    line.register(bee, "0833333333")
    assert "ไม่พบรหัส" in line.ask(bee, "เพื่อนชวน MXXXXXX")
    automations.run_frequent(jobs)
    with Session(line.engine) as session:
        bonuses = session.exec(
            select(LedgerEntry).where(LedgerEntry.kind == EntryKind.REFERRAL)
        ).all()
    assert bonuses == []  # Bee2's phone had bought before; Anna has not bought yet


def test_gifts_leave_the_points_history_alone(line: Line, engine: Engine) -> None:
    """A gift coupon writes no ledger line; an old database's 0-point GIFT row is left out."""
    user = line.user("Nok")
    line.register(user)
    member_id = member_of(line, user).id
    with transaction(engine) as session:
        member = session.get(Member, member_id)
        assert member is not None
        ledger.post_entry(
            session,
            tz=ZoneInfo("Asia/Bangkok"),
            member=member,
            kind=EntryKind.GIFT,
            points=0,
            actor="t",
            idempotency_key="g",
        )
        gift = factories.reward(session, points_cost=100)
        before = len(session.exec(select(LedgerEntry)).all())
        coupon = coupons.grant_coupon(
            session, member_id=member_id, reward_id=gift.id, actor="auto:welcome",
            idempotency_key="welcome:1:coupon", tz=ZoneInfo("Asia/Bangkok"),
        )  # fmt: skip
        assert coupon is not None and coupon.points == 0 and coupon.ledger_entry_id is None
        assert len(session.exec(select(LedgerEntry)).all()) == before
    answer = line.ask(user, "แต้ม")
    assert "คูปองของขวัญ" not in answer and "+0" not in answer
