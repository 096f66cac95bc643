"""The customer's privacy rights in the chat (PDPA), the owner's audit log, and the
per-person limit on commands."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from handlers import customer
from storage import clock, ledger, privacy
from storage.db import transaction
from storage.models import AuditEntry, ConsentRecord, LedgerEntry, LineUser, Member, Role
from tests.support.line import Line, texts


def history(engine: Engine, user_id: str) -> list[tuple[str, bool, str]]:
    with transaction(engine) as session:
        rows = privacy.consent_history(session, user_id)
        return [(r.purpose, r.granted, r.notice_version) for r in rows]


def test_each_answer_is_kept_per_purpose_with_the_notice_version(
    line: Line, engine: Engine
) -> None:
    user = line.user()
    line.register(user)
    line.say(user, "stop")
    line.say(user, "start")
    assert history(engine, user.user_id) == [
        ("service", True, "1"),
        ("marketing", True, "1"),
        ("marketing", False, "1"),
        ("marketing", True, "1"),
    ]


def test_a_new_notice_version_asks_again_until_answered(
    line: Line, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = line.user()
    line.register(user)
    monkeypatch.setattr(customer, "NOTICE_VERSION", "2")
    shown = line.say(user, "points")
    assert "0 แต้ม" in texts(shown)[0]
    assert "ปรับปรุงประกาศ" in texts(shown)[1] and shown[2]["quickReply"]
    declined = line.tap(user, "action=consent&choice=no")
    assert "ประกาศฉบับใหม่" in texts(declined)[0]
    assert "ปรับปรุงประกาศ" in line.ask(user, "points")
    line.tap(user, "action=consent&choice=service")
    assert "ปรับปรุงประกาศ" not in line.ask(user, "points")
    with transaction(engine) as session:
        person = session.get(LineUser, user.user_id)
        assert person is not None
        assert (person.service_consent_version, person.marketing_consent) == ("2", False)
    assert history(engine, user.user_id)[-3:] == [
        ("service", False, "2"),
        ("service", True, "2"),
        ("marketing", False, "2"),
    ]


def _link(answer: str) -> str:
    found = re.search(r"https://loyalty\.test(/privacy/export/\S+)", answer)
    assert found, answer
    return found.group(1)


def test_my_data_is_one_download_behind_a_link(line: Line, engine: Engine) -> None:
    cashier = line.user("Bee", role=Role.STAFF)
    user = line.user("Nok")
    line.register(user)
    line.say(cashier, "award 0812345678 250")
    path = _link(line.ask(user, "ข้อมูลของฉัน"))
    page = line.client.get(path)
    assert page.status_code == 200 and b'<form method="post">' in page.data
    download = line.client.post(path)
    assert download.status_code == 200
    assert "attachment" in download.headers["Content-Disposition"]
    data = json.loads(download.data)
    assert data["member"]["phone"] == "+66812345678"
    assert data["line_user"]["line_user_id"] == user.user_id
    assert [e["points"] for e in data["ledger_entry"]] == [10]
    assert data["purchase"][0]["amount_satang"] == 25000
    assert "staff_user_id" not in data["purchase"][0] and "card_token" not in data["member"]
    assert {r["purpose"] for r in data["consent_record"]} == {"service", "marketing"}
    assert line.client.post(path).status_code == 410
    assert line.client.get(path).status_code == 410


def test_the_link_works_for_24_hours_only(line: Line) -> None:
    user = line.user()
    line.register(user)
    clock.freeze(datetime(2026, 10, 5, 5, tzinfo=UTC))
    path = _link(line.ask(user, "my data"))
    clock.advance(timedelta(hours=23, minutes=59))
    assert line.client.get(path).status_code == 200
    clock.advance(timedelta(minutes=2))
    assert line.client.get(path).status_code == 410
    assert line.client.post(path).status_code == 410
    assert line.client.get("/privacy/export/not-a-token").status_code == 410


def test_delete_me_erases_after_confirmation_and_the_phone_starts_fresh(
    line: Line, engine: Engine
) -> None:
    cashier = line.user("Bee", role=Role.STAFF)
    user = line.user("Nok")
    line.register(user)
    line.say(cashier, "award 0812345678 500")
    asked = line.say(user, "ลบข้อมูล")
    assert "20 แต้ม" in texts(asked)[0]
    assert "ไม่ลบ" in [i["action"]["label"] for i in asked[0]["quickReply"]["items"]]
    assert "ลบข้อมูลส่วนตัวของคุณแล้ว" in texts(line.tap(user, "action=erase&choice=yes"))[0]
    with transaction(engine) as session:
        old = session.exec(select(Member)).one()
        person = session.get(LineUser, user.user_id)
        assert person is not None and person.member_id is None and person.display_name is None
        assert old.phone is None and old.erased_at is not None and old.points == 0
        assert ledger.ledger_sum(session, old.id) == 0  # type: ignore[arg-type]
        kept = session.exec(select(LedgerEntry).where(LedgerEntry.member_id == old.id)).all()
        assert [e.points for e in kept] == [20, -20]
        assert privacy.consent_history(session, user.user_id) == []
    line.register(user)
    assert "0 แต้ม" in line.ask(user, "แต้ม")
    with transaction(engine) as session:
        assert len(session.exec(select(Member)).all()) == 2


def test_erasure_needs_the_question_open_and_is_not_for_staff(line: Line) -> None:
    user = line.user()
    line.register(user)
    assert "หมดเวลา" in texts(line.tap(user, "action=erase&choice=yes"))[0]
    line.say(user, "delete me")
    line.say(user, "cancel")
    assert "หมดเวลา" in texts(line.tap(user, "action=erase&choice=yes"))[0]
    cashier = line.user("Bee", role=Role.STAFF)
    assert "พนักงาน" in line.ask(cashier, "ลบข้อมูล")


def audit_rows(engine: Engine) -> list[AuditEntry]:
    with transaction(engine) as session:
        return list(session.exec(select(AuditEntry).order_by(AuditEntry.id)).all())


def test_staff_and_owner_actions_are_audited_with_whom_they_touched(
    line: Line, engine: Engine
) -> None:
    owner = line.user("Owner", role=Role.OWNER)
    cashier = line.user("Bee", role=Role.STAFF)
    user = line.user("Nok")
    line.register(user)
    line.say(user, "points")
    line.say(cashier, "award 0812345678 100")
    with transaction(engine) as session:
        code = session.exec(select(Member)).one().code
    line.say(cashier, f"award {code}")
    line.say(cashier, "250")
    line.say(owner, "staff list")
    rows = audit_rows(engine)
    assert [(r.actor, r.action) for r in rows] == [
        (cashier.user_id, "award"),
        (cashier.user_id, "award"),
        (cashier.user_id, "award.amount"),
        (owner.user_id, "staff list"),
    ]
    assert rows[0].detail == "award 081-xxx-5678 100"
    assert rows[0].member_id == rows[1].member_id == rows[2].member_id is not None
    assert rows[2].actor_role == "staff" and rows[3].member_id is None
    shown = line.ask(owner, "audit")
    assert "Bee: award 081-xxx-5678 100" in shown and code in shown
    only_nok = line.ask(owner, "audit 0812345678")
    assert only_nok.count("Bee") == 3 and "staff list" not in only_nok
    assert "เจ้าของร้าน" in line.ask(cashier, "audit")


def test_commands_are_limited_per_person_with_one_polite_answer(line: Line) -> None:
    user = line.user()
    other = line.user("Other")
    clock.freeze(datetime(2026, 10, 5, 5, tzinfo=UTC))
    for _ in range(20):
        assert line.say(user, "help")
    slow_down = line.ask(user, "help")
    assert "เร็วเกินไป" in slow_down and "20" in slow_down
    assert line.say(user, "help") == []
    assert line.say(other, "help")
    clock.advance(timedelta(seconds=61))
    assert "เร็วเกินไป" not in line.ask(user, "help")


def test_a_new_minute_starts_with_the_first_command_after_the_last_one_ended(
    line: Line, engine: Engine
) -> None:
    user = line.user()
    clock.freeze(datetime(2026, 10, 5, 5, tzinfo=UTC))
    for _ in range(20):
        line.say(user, "help")
    clock.advance(timedelta(seconds=59))
    assert "เร็วเกินไป" in line.ask(user, "help")  # still the first minute
    clock.advance(timedelta(seconds=1))  # the minute has ended: this one starts the next
    assert "เร็วเกินไป" not in line.ask(user, "help")
    from storage.models import RateLimitWindow

    with transaction(engine) as session:
        row = session.get(RateLimitWindow, user.user_id)
        assert row is not None and row.count == 1
        assert row.window_start == datetime(2026, 10, 5, 5, 1, tzinfo=UTC)


def test_counters_are_kept_in_the_database(line: Line, engine: Engine) -> None:
    user = line.user()
    line.say(user, "help")
    from storage.models import RateLimitWindow

    with transaction(engine) as session:
        row = session.get(RateLimitWindow, user.user_id)
        assert row is not None and row.count == 1


@pytest.fixture(autouse=True)
def _clock_back() -> Any:
    yield
    clock.reset()


def test_staff_photo_of_a_coupon_is_audited_once(line: Line, engine: Engine) -> None:
    """A photo is answered as the text its QR holds: one audit line, one privacy check."""
    cashier = line.user("Bee", role=Role.STAFF)
    line.say(cashier, "redeem C-7K3QX9ABC")
    assert [r.action for r in audit_rows(engine)] == ["redeem"]
    with transaction(engine) as session:
        assert session.exec(select(ConsentRecord)).all() == []
