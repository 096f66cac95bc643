"""The customer's story: follow, consent, register by phone, see points and card."""

from __future__ import annotations

from tests.support.line import Line, texts


def test_follow_greets_with_shop_name_and_privacy_notice(line: Line) -> None:
    user = line.user("Nok")
    shown = line.fake.bot_messages(user.user_id)
    assert "Kafe Dee" in shown[0]["text"]
    assert "ยินยอม" in shown[1]["text"]
    labels = [i["action"]["label"] for i in shown[1]["quickReply"]["items"]]
    assert len(labels) == 3


def test_english_profile_gets_english(line: Line) -> None:
    user = line.user("Anna", language="en")
    assert "Welcome to Kafe Dee" in line.fake.bot_messages(user.user_id)[0]["text"]


def test_register_by_phone_in_any_thai_form(line: Line) -> None:
    for i, typed in enumerate(["081-234-5678", "+66 81 234 5679", "0812345680"]):
        user = line.user(f"u{i}")
        line.tap(user, "action=consent&choice=all")
        answer = line.say(user, typed)
        assert "รหัสสมาชิก" in texts(answer)[0], answer
        assert answer[1]["type"] == "flex"


def test_malformed_phone_is_refused_politely(line: Line) -> None:
    user = line.user()
    line.tap(user, "action=consent&choice=service")
    assert "ไม่ถูกต้อง" in line.ask(user, "0812")
    assert "ไม่ถูกต้อง" in line.ask(user, "12345678901")


def test_points_shows_balance(line: Line) -> None:
    user = line.user()
    line.register(user)
    assert "0 แต้ม" in line.ask(user, "แต้ม")


def test_unknown_text_gets_a_pointer_not_silence(line: Line) -> None:
    user = line.user()
    answer = line.say(user, "what is this?")
    assert answer and answer[0].get("quickReply")


def test_hello_gets_a_greeting_with_the_main_buttons(line: Line) -> None:
    nok = line.user("Nok")
    line.register(nok)
    answer = line.say(nok, "สวัสดีค่ะ")
    assert texts(answer)[0].startswith("สวัสดีค่ะ") and "Kafe Dee" in texts(answer)[0]
    labels = [item["action"]["label"] for item in answer[0]["quickReply"]["items"]]
    assert labels[:2] == ["แต้มของฉัน", "บัตรสมาชิก"]
    anna = line.user("Anna", language="en")
    greeting = line.say(anna, "Hi")
    assert texts(greeting)[0].startswith("Hello") and "Welcome to Kafe Dee" in texts(greeting)[0]
    assert greeting[0]["quickReply"]["items"]


def test_language_switch(line: Line) -> None:
    user = line.user()
    assert "English" in line.ask(user, "language en")
    assert "points" in line.ask(user, "help")


def test_points_shows_this_month_and_the_last_five_entries(line: Line) -> None:
    from storage.models import Role

    cashier = line.user("Bee", role=Role.STAFF)
    user = line.user()
    line.register(user)
    for amount in ("100", "200", "300", "400", "500", "600"):
        line.say(cashier, f"award 0812345678 {amount}")
    answer = line.ask(user, "แต้ม")
    assert "84 แต้ม" in answer and "เดือนนี้ได้รับ 84 แต้ม" in answer
    assert answer.count("ซื้อสินค้า") == 5


def test_stop_and_start_offers(line: Line, engine: object) -> None:
    from sqlmodel import Session

    from storage.models import LineUser

    user = line.user()
    line.register(user)
    assert "ไม่ได้รับข้อเสนอ" in line.ask(user, "หยุดรับข่าว")
    with Session(engine) as session:  # type: ignore[arg-type]
        assert session.get(LineUser, user.user_id).marketing_consent is False
    assert "อีกครั้ง" in line.ask(user, "รับข่าว")
    with Session(engine) as session:  # type: ignore[arg-type]
        assert session.get(LineUser, user.user_id).marketing_consent is True


def test_dialog_state_is_in_the_database_and_cancel_always_wins(line: Line) -> None:
    user = line.user()
    line.tap(user, "action=consent&choice=all")
    assert "ยกเลิกแล้ว" in line.ask(user, "ยกเลิก")
    assert "ไม่มีขั้นตอน" in line.ask(user, "cancel")


def test_a_photo_gets_an_answer_not_silence(line: Line) -> None:
    user = line.user()
    answer = line._after(user, lambda: line.fake.send_image(user, b"\x89PNG not really"))
    assert "รูปภาพ" in texts(answer)[0]
