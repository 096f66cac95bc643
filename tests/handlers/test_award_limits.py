"""The owner's limits on awards: the confirm amount, daily ceilings, and approving awards
over a ceiling from the chat."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from storage import award_limits
from storage.models import LedgerEntry, Role
from tests.support.line import Line, alt_texts, postbacks, texts


def shop(line: Line) -> tuple[Any, Any, Any]:
    owner = line.user("Dang", language="en", role=Role.OWNER)
    cashier = line.user("Bee", role=Role.STAFF)
    customer = line.user("Nok")
    line.register(customer, "081-234-5678")
    return owner, cashier, customer


def entries(engine: Any) -> list[LedgerEntry]:
    with Session(engine) as session:
        return list(session.exec(select(LedgerEntry).order_by(LedgerEntry.id)))


def test_owner_sets_the_confirm_amount_and_it_is_stored(line: Line, engine: Any) -> None:
    owner, cashier, _ = shop(line)
    assert "above 5,000 baht" in line.ask(owner, "award limits")
    assert "above 1,000 baht" in line.ask(owner, "award confirm above 1000")
    with Session(engine) as session:
        assert award_limits.confirm_above(session) == 100_000
    assert "ให้แต้ม 1,500 บาท = 60 แต้ม?" in postbacks(line.say(cashier, "award 0812345678 1500"))
    assert "or type: award confirm above" in line.ask(owner, "award confirm above lots")
    line.say(owner, "award confirm above off")
    assert "60 แต้ม" in line.ask(cashier, "award 0812345678 1500")
    assert "เฉพาะเจ้าของร้าน" in line.ask(cashier, "ยืนยันยอดเกิน 100000")


def test_thai_owner_sets_limits_in_thai(line: Line, engine: Any) -> None:
    owner = line.user("Dang", role=Role.OWNER)
    line.user("Bee", role=Role.STAFF)
    assert "เกิน 2,000 บาท" in line.ask(owner, "ยืนยันยอดเกิน 2000")
    assert "วันละ 10,000 บาท" in line.ask(owner, "วงเงินต่อวัน 10000")
    assert "Bee ให้แต้มได้วันละ 3,000 บาท" in line.ask(owner, "วงเงินต่อวัน bee 3000")
    shown = line.ask(owner, "วงเงินให้แต้ม")
    assert "เกิน 2,000 บาท" in shown and "10,000 บาท" in shown and "Bee: 3,000 บาท" in shown
    assert "ไม่พบพนักงานชื่อ ploy พนักงานที่มี: Bee" in line.ask(owner, "วงเงินต่อวัน Ploy 3000")


def test_over_the_daily_ceiling_waits_for_the_owner(line: Line, engine: Any) -> None:
    owner, cashier, customer = shop(line)
    assert "Bee may award 1,000 baht a day" in line.ask(owner, "award daily limit Bee 1000")
    assert "24 แต้ม" in line.ask(cashier, "award 0812345678 600")
    waiting = line.ask(cashier, "award 0812345678 500")
    assert "วงเงิน 1,000 บาท" in waiting and "ให้ไปแล้ว 600 บาท" in waiting
    assert len(entries(engine)) == 1
    card = line.fake.bot_messages(owner.user_id)[-1]
    assert "Bee asks to award 500 baht" in alt_texts([card])[0]
    buttons = postbacks([card])
    approved = "\n".join(texts(line.tap(owner, buttons["Approve"])))
    assert "Awarded 20 points for 500 baht" in approved
    assert "already approved" in "\n".join(texts(line.tap(owner, buttons["Approve"])))
    assert "already approved" in "\n".join(texts(line.tap(owner, buttons["Decline"])))
    assert [e.points for e in entries(engine)] == [24, 20]
    assert entries(engine)[1].actor == cashier.user_id
    told = line.fake.bot_messages(cashier.user_id)[-1]
    assert "อนุมัติแล้ว" in told["text"] and "20 แต้ม" in told["text"]
    void = told["quickReply"]["items"][0]["action"]["text"]
    assert "ยกเลิกรายการ" in line.ask(cashier, void)
    assert "20" in texts(line.fake.bot_messages(customer.user_id))[-1]


def test_declined_award_gives_nothing_and_tells_the_cashier(line: Line, engine: Any) -> None:
    owner, cashier, _ = shop(line)
    line.say(owner, "award daily limit 1000")
    line.say(cashier, "award 0812345678 1200")
    buttons = postbacks([line.fake.bot_messages(owner.user_id)[-1]])
    assert "Declined" in "\n".join(texts(line.tap(owner, buttons["Decline"])))
    assert "already declined" in "\n".join(texts(line.tap(owner, buttons["Approve"])))
    assert entries(engine) == []
    assert "ไม่อนุมัติ" in line.fake.bot_messages(cashier.user_id)[-1]["text"]


def test_the_owner_is_asked_once_even_if_the_cashier_taps_twice(line: Line, engine: Any) -> None:
    owner, cashier, _ = shop(line)
    line.say(owner, "award daily limit 1000")
    before = len(line.fake.bot_messages(owner.user_id))
    said = line.say(cashier, "award 0899999999 6000")  # a new member, a large amount
    yes = postbacks(said)["ใช่ สมัครและให้แต้ม"]
    big = postbacks(line.tap(cashier, yes))["ให้แต้ม 6,000 บาท = 240 แต้ม?"]
    assert "เจ้าของร้านอนุมัติ" in "\n".join(texts(line.tap(cashier, big)))
    line.tap(cashier, big)
    assert len(line.fake.bot_messages(owner.user_id)) == before + 1
    assert entries(engine) == []


def test_only_an_owner_approves(line: Line, engine: Any) -> None:
    owner, cashier, _ = shop(line)
    line.say(owner, "award daily limit 100")
    line.say(cashier, "award 0812345678 200")
    buttons = postbacks([line.fake.bot_messages(owner.user_id)[-1]])
    assert "เฉพาะเจ้าของร้าน" in "\n".join(texts(line.tap(cashier, buttons["Approve"])))
    assert entries(engine) == []


def test_the_owner_has_no_ceiling(line: Line, engine: Any) -> None:
    owner, _, _ = shop(line)
    line.say(owner, "award daily limit 100")
    assert "Awarded 10 points" in line.ask(owner, "award 0812345678 250")


def _quick(said: list[dict[str, Any]]) -> dict[str, str]:
    """The label and the text of each quick reply of the last message."""
    items = said[-1]["quickReply"]["items"]
    return {item["action"]["label"]: item["action"]["text"] for item in items}


def test_every_limit_is_set_by_taps(line: Line, engine: Any) -> None:
    owner = line.user("Dang", role=Role.OWNER)
    line.user("Bee", role=Role.STAFF)
    shown = _quick(line.say(owner, "วงเงินให้แต้ม"))
    confirm = _quick(line.say(owner, shown["ยอดที่ต้องยืนยัน"]))
    assert "เกิน 10,000 บาท" in line.ask(owner, confirm["฿10,000"])
    daily = _quick(line.say(owner, shown["วงเงินต่อวัน"]))
    assert "วันละ 20,000 บาท" in line.ask(owner, daily["฿20,000"])
    own = _quick(line.say(owner, shown["วงเงินของ Bee"]))
    assert "Bee ให้แต้มได้วันละ 50,000 บาท" in line.ask(owner, own["฿50,000"])
    line.ask(owner, _quick(line.say(owner, shown["ยอดที่ต้องยืนยัน"]))["ไม่จำกัด"])
    with Session(engine) as session:
        assert award_limits.confirm_above(session) is None
        assert award_limits.daily_ceiling(session, "") == 2_000_000
