"""`delete me` leaves nothing personal in any table, and no points land on the erased member.

The scan reads every text and JSON column of every table (SQLModel.metadata), so a table
added later is checked too.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import JSON, Column, String, TypeDecorator, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select

from bot.demo.fakeline import FakeUser
from handlers.dispatch import handle_event
from handlers.router import Event
from storage import clock, ledger, members, privacy, segment_alert
from storage.db import transaction
from storage.models import EntryKind, LedgerEntry, LineUser, Member, Role, SegmentDrop
from tests.bot.once_worker import SHOP
from tests.handlers.reward_helpers import add_reward, member_of, redeem_first
from tests.support import factories
from tests.support.line import Line, texts

NAME = "Nokwan Srisuk"
PHONE_DIGITS = "812345678"  # in +66812345678, 0812345678, 081-234-5678, 081 234 5678
CUSTOMER_REF = "CUST-7781"

BKK = ZoneInfo("Asia/Bangkok")


@pytest.fixture(autouse=True)
def wednesday_morning() -> Iterator[None]:
    clock.freeze(datetime(2026, 6, 10, 4, 0, tzinfo=UTC))
    yield
    clock.reset()


def _holds_text(column: Column[Any]) -> bool:
    """String, Text, JSON, and SQLModel's AutoString (a TypeDecorator over String)."""
    kind = column.type.impl if isinstance(column.type, TypeDecorator) else column.type
    return isinstance(kind, String | JSON)


def _texts_of(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def personal_leftovers(engine: Engine, needles: list[str]) -> list[str]:
    """`table.column: value` for every text or JSON value that still holds a needle."""
    found = []
    with Session(engine) as session:
        for table in SQLModel.metadata.sorted_tables:
            columns = [c for c in table.columns if _holds_text(c)]
            for row in session.execute(select(*columns)).all() if columns else []:
                for column, value in zip(columns, row, strict=True):
                    if value is None:
                        continue
                    shown = _texts_of(value)
                    digits = re.sub(r"[\s\-]", "", shown)
                    if PHONE_DIGITS in digits or any(n in shown for n in needles):
                        found.append(f"{table.name}.{column.name}: {shown[:120]}")
    return found


def pos_sale(line: Line, key: str, **headers: str) -> Any:
    body = {"phone": "081-234-5678", "customer_ref": CUSTOMER_REF, "amount": 250}
    return line.client.post(
        "/api/v1/purchases", json=body,
        headers={"Authorization": f"Bearer {key}", **headers},
    )  # fmt: skip


def busy_customer(line: Line) -> tuple[FakeUser, FakeUser, str]:
    """A customer who came with a friend's invite, registered, bought at the counter and at
    a till (with an Idempotency-Key), redeemed a coupon and fell into a win-back segment."""
    from storage import api_keys

    owner = line.user("Owner", role=Role.OWNER)
    cashier = line.user("Bee", role=Role.STAFF)
    anna = line.user("Anna")
    line.register(anna, "0899999999")
    user = line.user(NAME)
    line.ask(user, f"friend {member_of(line, anna).code}")
    line.register(user, "0812345678")
    line.say(cashier, "award 0812345678 5000")
    with transaction(line.engine) as session:
        key, _ = api_keys.create_key(session, "till-1")
    assert pos_sale(line, key, **{"Idempotency-Key": "sale-1"}).status_code == 201
    add_reward(line, points_cost=100)
    coupon_code = redeem_first(line, user)[1]["contents"]["body"]["contents"][1]["text"]
    line.ask(cashier, f"redeem {coupon_code}")
    member = member_of(line, user)
    with transaction(line.engine) as session:
        session.add(SegmentDrop(week="2026-W23", member_id=member.id, was="champions",
                                now="at_risk"))  # fmt: skip
        session.flush()
        segment_alert.request_offers(session, "2026-W23", by=owner.user_id)
    return user, owner, key


def test_after_delete_me_no_table_holds_the_phone_name_code_or_line_id(line: Line) -> None:
    user, owner, key = busy_customer(line)
    old_code = member_of(line, user).code
    before = personal_leftovers(line.engine, [NAME, old_code, user.user_id, CUSTOMER_REF])
    for place in ("member.phone", "member.code", "line_user.display_name", "api_call.response",
                  "referral.friend_line_user_id", "ledger_entry.actor"):  # fmt: skip
        assert any(found.startswith(place + ":") for found in before), (place, before)
    line.say(user, "delete me")
    assert "ลบข้อมูลส่วนตัวของคุณแล้ว" in texts(line.tap(user, "action=erase&choice=yes"))[0]
    left = personal_leftovers(line.engine, [NAME, old_code, user.user_id, CUSTOMER_REF])
    # the one row that may name the LINE id: the follower itself, with nothing else kept
    # (LINE still sends their events; they can register again)
    assert left == [f"line_user.line_user_id: {user.user_id}"]
    again = pos_sale(line, key, **{"Idempotency-Key": "sale-1"})
    assert again.status_code == 200 and again.get_json()["already_recorded"] is True
    replayed = json.dumps(again.get_json())
    assert PHONE_DIGITS not in replayed and old_code not in replayed
    assert CUSTOMER_REF not in replayed


def test_an_export_never_names_who_acted(line: Line, engine: Engine) -> None:
    user, owner, _ = busy_customer(line)
    with transaction(engine) as session:
        account = session.get(LineUser, user.user_id)
        assert account is not None
        data = privacy.member_data(session, account)
    assert data["segment_drop"] and owner.user_id not in json.dumps(data)


def erased_member_points(engine: Engine, member_id: int) -> tuple[int, int, list[str]]:
    with Session(engine) as session:
        member = session.get(Member, member_id)
        assert member is not None and member.erased_at is not None
        kinds = session.exec(
            select(LedgerEntry.kind).where(LedgerEntry.member_id == member_id)
        ).all()
        return member.points, ledger.ledger_sum(session, member_id), list(kinds)


def test_an_old_card_scanned_before_the_erasure_earns_nothing_after_it(line: Line) -> None:
    cashier = line.user("Bee", role=Role.STAFF)
    user = line.user(NAME, "en")
    line.register(user, "0812345678")
    member = member_of(line, user)
    assert "ยอดซื้อ" in line.ask(cashier, f"award {member.code}")
    line.say(user, "delete me")
    line.tap(user, "action=erase&choice=yes")
    answer = line.ask(cashier, "350")
    assert "ยังไม่ได้ให้แต้ม" in answer and "ลบข้อมูล" in answer
    assert erased_member_points(line.engine, member.id) == (0, 0, [])  # type: ignore[arg-type]


def test_the_erased_member_earns_nothing_in_chat_or_from_a_till(engine: Engine) -> None:
    with transaction(engine) as session:
        member = factories.member(session, phone="0812345678", line_user_id="U" + "a" * 32)
        privacy.erase(session, members.line_user_of(session, member))  # type: ignore[arg-type]
    with transaction(engine) as session, pytest.raises(ledger.MemberErased):
        ledger.award_purchase(session, tz=BKK, member=member, amount_satang=10_000,
                              baht_per_point=25,
                              staff_user_id="U1", idempotency_key="award:1")  # fmt: skip
    with transaction(engine) as session, pytest.raises(ledger.MemberErased):
        ledger.post_entry(session, tz=BKK, member=member, kind=EntryKind.ADJUST, points=5,
                          actor="owner", idempotency_key="adjust:1")  # fmt: skip
    assert erased_member_points(engine, member.id) == (0, 0, [])  # type: ignore[arg-type]


def test_a_till_sale_for_a_member_erased_meanwhile_is_409(
    line: Line, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The till found the member by phone just before the erasure committed."""
    from storage import api_keys, pos

    with transaction(line.engine) as session:
        key, _ = api_keys.create_key(session, "till-1")
        member = factories.member(session, phone="0812345678", line_user_id="U" + "a" * 32)
        privacy.erase(session, members.line_user_of(session, member))  # type: ignore[arg-type]
    member_id = member.id
    monkeypatch.setattr(pos, "member_for", lambda session, **_: session.get(Member, member_id))
    answer = pos_sale(line, key)
    assert answer.status_code == 409 and answer.get_json()["error"] == "member_erased"
    assert erased_member_points(line.engine, member_id) == (0, 0, [])  # type: ignore[arg-type]


CASHIERS = ("U" + "1" * 32, "U" + "2" * 32)


def _blocked_by(engine: Engine, pid: int) -> int:
    """How many sessions wait for `pid`, directly or behind another waiter (row locks queue)."""
    with engine.connect() as connection:
        query = "SELECT pid, pg_blocking_pids(pid) FROM pg_stat_activity"
        waits = {p: set(b) for p, b in connection.execute(text(query)).all() if b}
    blocked, grew = {pid}, True
    while grew:
        more = {p for p, by in waits.items() if by & blocked} - blocked
        blocked, grew = blocked | more, bool(more)
    return len(blocked) - 1


def test_awards_arriving_during_the_erasure_do_not_land_on_the_erased_member(
    engine: Engine,
) -> None:
    with transaction(engine) as session:
        for cashier in CASHIERS:
            factories.staff(session, cashier)
        member = factories.member(session, phone="0812345678", line_user_id="U" + "a" * 32)
        user = members.line_user_of(session, member)
        assert user is not None
    member_id = member.id
    answers: list[str] = []

    def award(n: int) -> None:
        event = Event(kind="text", event_id=f"01ERASE{n:019d}", user_id=CASHIERS[n],
                      text="award 0812345678 500")  # fmt: skip
        outcome = handle_event(engine, SHOP, event)
        answers.extend(str(m) for m in outcome.messages)

    with transaction(engine) as session:
        account = session.get(LineUser, user.line_user_id)
        assert account is not None
        privacy.erase(session, account)
        threads = [threading.Thread(target=award, args=(n,)) for n in range(2)]
        for thread in threads:
            thread.start()
        if engine.dialect.name == "postgresql":  # wait until both awards wait for the lock
            pid = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
            for _ in range(600):
                if _blocked_by(engine, pid) == 2:
                    break
                threading.Event().wait(0.05)
            else:
                pytest.fail("the awards never waited for the erasure's lock")
    for thread in threads:
        thread.join(timeout=60)
    assert len(answers) == 2, answers
    assert erased_member_points(engine, member_id) == (0, 0, [])  # type: ignore[arg-type]
    with Session(engine) as session:
        for found in session.exec(select(Member)).all():
            assert found.points == ledger.ledger_sum(session, found.id)  # type: ignore[arg-type]
