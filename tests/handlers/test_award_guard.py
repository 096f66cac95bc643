"""The cashier's guard rails: a wrong phone or amount is named, a new member and a large
amount are confirmed first, and every award offers its own void."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlmodel import Session, select

from storage import clock
from storage.models import LedgerEntry, Member, Purchase, Role
from tests.handlers.reward_helpers import fetch, send_image
from tests.support.line import Line, alt_texts, postbacks, texts


def members_and_entries(engine: Any) -> tuple[int, int]:
    with Session(engine) as session:
        return len(session.exec(select(Member)).all()), len(session.exec(select(LedgerEntry)).all())


def cashier_and_customer(line: Line, language: str = "th") -> tuple[Any, Any]:
    cashier = line.user("Bee", language=language, role=Role.STAFF)
    customer = line.user("Nok")
    line.register(customer, "081-234-5678")
    return cashier, customer


def test_malformed_phone_says_the_phone_looks_wrong(line: Line, engine: Any) -> None:
    cashier, _ = cashier_and_customer(line)
    answer = line.ask(cashier, "award 081-234-567 100")
    assert "081-234-567 ดูไม่ถูกต้อง" in answer and "10 หลัก" in answer
    assert "ไม่ถูกต้อง" in line.ask(cashier, "award 081-234-567")
    english = line.user("Anna", language="en", role=Role.STAFF)
    answer = line.ask(english, "award 081-234-567 100")
    assert "does not look like a phone number" in answer and "0812345678" in answer
    assert members_and_entries(engine) == (1, 0)


def test_amount_over_the_limit_names_the_limit(line: Line, engine: Any) -> None:
    cashier, _ = cashier_and_customer(line)
    answer = line.ask(cashier, "award 0812345678 99999999999")
    assert "สูงสุด 1,000,000 บาท" in answer
    english = line.user("Anna", language="en", role=Role.STAFF)
    assert "at most 1,000,000 baht" in line.ask(english, "award 0812345678 99999999999")
    assert "ไม่ใช่ยอดเงิน" in line.ask(cashier, "award 0812345678 abc")
    assert members_and_entries(engine) == (1, 0)


def test_scanned_card_amount_over_the_limit_names_it(line: Line, engine: Any) -> None:
    cashier, _ = cashier_and_customer(line)
    with Session(engine) as session:
        code = session.exec(select(Member)).one().code
    line.say(cashier, f"award {code}")
    assert "สูงสุด 1,000,000 บาท" in line.ask(cashier, "99999999999")
    assert "4 แต้ม" in line.ask(cashier, "100")


def test_new_phone_asks_before_creating_a_counter_member(line: Line, engine: Any) -> None:
    cashier = line.user("Bee", language="en", role=Role.STAFF)
    said = line.say(cashier, "award 0899999999 100")
    assert "New counter member 089-999-9999?" in alt_texts(said)[0]
    buttons = postbacks(said)
    assert set(buttons) == {"Yes, add and award", "Cancel"}
    assert members_and_entries(engine) == (0, 0)
    assert "no points given" in "\n".join(texts(line.tap(cashier, buttons["Cancel"])))
    assert members_and_entries(engine) == (0, 0)
    assert "closed" in "\n".join(texts(line.tap(cashier, buttons["Yes, add and award"])))

    buttons = postbacks(line.say(cashier, "award 089-999-9999 100"))
    done = "\n".join(texts(line.tap(cashier, buttons["Yes, add and award"])))
    assert "Awarded 4 points" in done
    assert members_and_entries(engine) == (1, 1)
    again = "\n".join(texts(line.tap(cashier, buttons["Yes, add and award"])))
    assert "closed" in again
    assert members_and_entries(engine) == (1, 1)


def test_a_new_question_closes_the_one_before(line: Line, engine: Any) -> None:
    cashier, _ = cashier_and_customer(line)
    first = postbacks(line.say(cashier, "award 0899999999 100"))
    assert "4 แต้ม" in line.ask(cashier, "award 0812345678 100")  # commands go on meanwhile
    second = postbacks(line.say(cashier, "award 0877777777 200"))
    assert "ปิดไปแล้ว" in "\n".join(texts(line.tap(cashier, first["ใช่ สมัครและให้แต้ม"])))
    assert "8 แต้ม" in "\n".join(texts(line.tap(cashier, second["ใช่ สมัครและให้แต้ม"])))
    assert members_and_entries(engine) == (2, 2)


def test_large_award_is_confirmed_with_amount_and_points(line: Line, engine: Any) -> None:
    cashier, customer = cashier_and_customer(line, language="en")
    said = line.say(cashier, "award 0812345678 6000")
    buttons = postbacks(said)
    assert "Award 6,000 baht = 240 points?" in buttons
    assert "6,000 baht" in alt_texts(said)[0]
    assert members_and_entries(engine) == (1, 0)
    yes = buttons["Award 6,000 baht = 240 points?"]
    assert "Awarded 240 points" in "\n".join(texts(line.tap(cashier, yes)))
    assert "closed" in "\n".join(texts(line.tap(cashier, yes)))
    with Session(engine) as session:
        assert [p.amount_satang for p in session.exec(select(Purchase))] == [600_000]
    assert "Awarded" in line.ask(cashier, "award 0812345678 5000")  # at the amount: no question


def test_new_member_with_a_large_amount_asks_both(line: Line, engine: Any) -> None:
    cashier = line.user("Bee", role=Role.STAFF)
    first = postbacks(line.say(cashier, "award 0899999999 10000"))
    second = line.tap(cashier, first["ใช่ สมัครและให้แต้ม"])
    assert members_and_entries(engine) == (0, 0)
    buttons = postbacks(second)
    assert "ให้แต้ม 10,000 บาท = 400 แต้ม?" in buttons
    assert "400 แต้ม" in "\n".join(texts(line.tap(cashier, buttons["ให้แต้ม 10,000 บาท = 400 แต้ม?"])))
    assert members_and_entries(engine) == (1, 1)


def test_scanned_card_with_a_large_amount_asks_too(line: Line, engine: Any) -> None:
    cashier, _ = cashier_and_customer(line)
    with Session(engine) as session:
        code = session.exec(select(Member)).one().code
    line.say(cashier, f"award {code}")
    buttons = postbacks(line.say(cashier, "7000"))
    assert "ให้แต้ม 7,000 บาท = 280 แต้ม?" in buttons
    assert members_and_entries(engine) == (1, 0)
    line.tap(cashier, buttons["ยกเลิก"])
    assert members_and_entries(engine) == (1, 0)


def test_photo_of_a_card_with_a_large_amount_asks_too(line: Line, engine: Any) -> None:
    cashier, customer = cashier_and_customer(line)
    card = line.say(customer, "บัตร")[0]
    send_image(line, cashier, fetch(line, card["contents"]["hero"]["url"]))
    buttons = postbacks(line.say(cashier, "7000"))
    assert "ให้แต้ม 7,000 บาท = 280 แต้ม?" in buttons
    assert members_and_entries(engine) == (1, 0)


def test_award_reply_carries_a_void_button_for_that_entry(line: Line, engine: Any) -> None:
    cashier, _ = cashier_and_customer(line, language="en")
    said = line.say(cashier, "award 0812345678 350")
    with Session(engine) as session:
        entry = session.exec(select(LedgerEntry)).one().id
    items = said[-1]["quickReply"]["items"]
    assert [(i["action"]["label"], i["action"]["text"]) for i in items] == [
        (f"Void #{entry}", f"void {entry}")
    ]
    assert f"#{entry} cancelled" in line.ask(cashier, f"void {entry}")


def test_taps_that_answer_no_question_change_nothing(line: Line, engine: Any) -> None:
    cashier, customer = cashier_and_customer(line)
    with Session(engine) as session:
        code = session.exec(select(Member)).one().code
    line.say(cashier, f"award {code}")  # the amount question is open, not a yes/no question
    for data in ("action=award_yes", "action=award_yes&key=", "action=award_yes&key=NOPE"):
        assert "ปิดไปแล้ว" in "\n".join(texts(line.tap(cashier, data)))
    assert "เฉพาะพนักงาน" in "\n".join(texts(line.tap(customer, "action=award_yes&key=X")))
    assert "ยกเลิกแล้ว" in "\n".join(texts(line.tap(cashier, "action=award_no&key=X")))
    assert "4 แต้ม" in line.ask(cashier, "100")  # the amount question was still open
    assert members_and_entries(engine) == (1, 1)


def test_typed_cancel_closes_the_question(line: Line, engine: Any) -> None:
    cashier = line.user("Bee", role=Role.STAFF)
    buttons = postbacks(line.say(cashier, "award 0899999999 100"))
    line.say(cashier, "ยกเลิก")
    assert "ปิดไปแล้ว" in "\n".join(texts(line.tap(cashier, buttons["ใช่ สมัครและให้แต้ม"])))
    assert members_and_entries(engine) == (0, 0)


def test_a_question_older_than_ten_minutes_is_closed(line: Line, engine: Any) -> None:
    cashier = line.user("Bee", role=Role.STAFF)
    buttons = postbacks(line.say(cashier, "award 0899999999 100"))
    clock.advance(timedelta(minutes=11))
    assert "ปิดไปแล้ว" in "\n".join(texts(line.tap(cashier, buttons["ใช่ สมัครและให้แต้ม"])))
    assert members_and_entries(engine) == (0, 0)
