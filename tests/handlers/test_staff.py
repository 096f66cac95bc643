"""The cashier's story: join with an invite, award points, void mistakes, look members up."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlmodel import Session, select

from storage import clock
from storage.ledger import ledger_sum
from storage.models import LedgerEntry, Member, Purchase, Role
from tests.support.line import Line, alt_texts, postbacks, texts


def cashier_and_customer(line: Line) -> tuple[Any, Any]:
    cashier = line.user("Bee", role=Role.STAFF)
    customer = line.user("Nok")
    line.register(customer, "081-234-5678")
    return cashier, customer


def member_by_phone(engine: Any, phone: str) -> Member:
    with Session(engine) as session:
        member = session.exec(select(Member).where(Member.phone == phone)).one()
        session.expunge(member)
        return member


def test_award_by_phone_tells_staff_and_pushes_to_customer(line: Line) -> None:
    cashier, customer = cashier_and_customer(line)
    answer = line.ask(cashier, "award 0812345678 350")
    assert "14" in answer and "350" in answer
    notice = texts(line.fake.bot_messages(customer.user_id))[-1]
    assert "14" in notice and "Kafe Dee" in notice
    push = line.fake.calls("/v2/bot/message/push")[-1]
    assert push.headers.get("X-Line-Retry-Key")


def test_award_forms_all_work(line: Line, engine: Any) -> None:
    cashier, _ = cashier_and_customer(line)
    line.say(cashier, "+ 0812345678 100")
    line.say(cashier, "ให้แต้ม 081-234-5678 1,250.50")
    member = member_by_phone(engine, "+66812345678")
    line.say(cashier, f"award {member.code.lower()} 25")
    assert member_by_phone(engine, "+66812345678").points == 4 + 50 + 1


def test_points_are_floor_of_baht_per_point_and_money_is_satang(line: Line, engine: Any) -> None:
    cashier, _ = cashier_and_customer(line)
    line.say(cashier, "award 0812345678 49.99")
    with Session(engine) as session:
        purchase = session.exec(select(Purchase)).one()
        entry = session.exec(select(LedgerEntry)).one()
    assert purchase.amount_satang == 4999
    assert entry.points == 1


def test_unknown_phone_becomes_counter_member_claimed_later_with_sms_code(line: Line) -> None:
    cashier = line.user("Bee", role=Role.STAFF)
    assert "LINE" in line.award(cashier, "award 0891112222 500")
    newcomer = line.user("Pim")
    line.tap(newcomer, "action=consent&choice=all")
    assert "SMS" in line.ask(newcomer, "089-111-2222")
    assert "ไม่ถูกต้อง" in line.ask(newcomer, "000000")
    assert "20" in line.ask(newcomer, line.sms_code())
    assert "20 แต้ม" in line.ask(newcomer, "แต้ม")


def test_phone_linked_to_another_line_account_is_refused(line: Line) -> None:
    _, _ = cashier_and_customer(line)
    other = line.user("Impostor")
    line.tap(other, "action=consent&choice=all")
    assert "LINE อื่น" in line.ask(other, "0812345678")


def test_customer_cannot_award_and_nothing_changes(line: Line, engine: Any) -> None:
    _, customer = cashier_and_customer(line)
    assert "เฉพาะพนักงาน" in line.ask(customer, "award 0812345678 1000")
    assert member_by_phone(engine, "+66812345678").points == 0


def test_bad_award_input_is_explained(line: Line) -> None:
    cashier, _ = cashier_and_customer(line)
    assert "ไม่ใช่ยอดเงิน" in line.ask(cashier, "award 0812345678 abc")
    assert "ไม่ใช่ยอดเงิน" in line.ask(cashier, "award 0812345678 -5")
    assert "ไม่ใช่ยอดเงิน" in line.ask(cashier, "award 0812345678 1.005")
    assert "ไม่พบสมาชิก" in line.ask(cashier, "award M2345AB 100")
    assert "ไม่พบสมาชิก" in line.ask(cashier, "award somchai 100")
    assert "ให้แต้ม <" in line.ask(cashier, "award")


def test_scanned_card_asks_for_the_amount(line: Line, engine: Any) -> None:
    cashier, _ = cashier_and_customer(line)
    code = member_by_phone(engine, "+66812345678").code
    assert "กี่บาท" in line.ask(cashier, f"award {code}")
    assert "4 แต้ม" in line.ask(cashier, "100")
    assert member_by_phone(engine, "+66812345678").points == 4


def test_staff_voids_own_award_within_15_minutes_only(line: Line, engine: Any) -> None:
    cashier, customer = cashier_and_customer(line)
    line.say(cashier, "award 0812345678 500")
    line.say(cashier, "award 0812345678 250")
    entries = entry_ids(engine)
    assert "ยกเลิกรายการ" in line.ask(cashier, f"void {entries[0]}")
    assert "ถูกยกเลิกไปแล้ว" in line.ask(cashier, f"void {entries[0]}")
    clock.advance(timedelta(minutes=16))
    assert "เกิน 15 นาที" in line.ask(cashier, f"void {entries[1]}")
    assert member_by_phone(engine, "+66812345678").points == 10
    assert "ยกเลิก" in texts(line.fake.bot_messages(customer.user_id))[-1]


def test_owner_voids_any_award_but_not_spent_points(line: Line, engine: Any) -> None:
    cashier, _ = cashier_and_customer(line)
    owner = line.user("Dang", role=Role.OWNER)
    line.say(cashier, "award 0812345678 500")
    other_cashier = line.user("Ploy", role=Role.STAFF)
    entry = entry_ids(engine)[0]
    assert "คนอื่น" in line.ask(other_cashier, f"void {entry}")
    assert "ยกเลิกรายการ" in line.ask(owner, f"void {entry}")
    assert "ไม่พบ" in line.ask(owner, "void 99999")


def test_member_lookup(line: Line) -> None:
    cashier, _ = cashier_and_customer(line)
    answer = line.ask(cashier, "member 0812345678")
    assert "แต้ม: 0" in answer and "081-xxx-5678" in answer


def test_invite_join_list_remove(line: Line) -> None:
    owner = line.user("Dang", role=Role.OWNER)
    invite = line.say(owner, "staff invite")
    join_text = invite[1]["text"]
    recruit = line.user("Ploy")
    assert "เฉพาะเจ้าของร้าน" in line.ask(recruit, "staff invite")
    assert "ยินดีต้อนรับสู่ทีม" in line.ask(recruit, join_text)
    stranger = line.user("Stranger")
    assert "ไม่ถูกต้อง" in line.ask(stranger, join_text)
    assert alt_texts(line.say(owner, "staff list")) == ["พนักงานของ Kafe Dee: Dang, Ploy"]
    assert "ลบเจ้าของร้าน" in line.ask(owner, "staff remove 1")
    asked = line.say(owner, "staff remove 2")
    assert "เอา Ploy ออกจากพนักงานไหม" in texts(asked)[0]
    assert "ออกจากพนักงานแล้ว" in "\n".join(texts(line.tap(owner, postbacks(asked)["ใช่ เอาออก"])))
    assert "เฉพาะพนักงาน" in line.ask(recruit, "award 0812345678 100")


def test_balance_always_equals_ledger_sum(line: Line, engine: Any) -> None:
    cashier, _ = cashier_and_customer(line)
    for amount in ("100", "275", "30"):
        line.say(cashier, f"award 0812345678 {amount}")
    line.say(cashier, f"void {entry_ids(engine)[1]}")
    member = member_by_phone(engine, "+66812345678")
    with Session(engine) as session:
        assert member.points == ledger_sum(session, member.id) == 5


def entry_ids(engine: Any) -> list[int]:
    with Session(engine) as session:
        return [e.id for e in session.exec(select(LedgerEntry).order_by(LedgerEntry.id))]
