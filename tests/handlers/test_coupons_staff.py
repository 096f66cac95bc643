"""The cashier's coupons: use by code or by photo, every refusal, the customer's notice."""

from __future__ import annotations

import io
from datetime import timedelta
from urllib.parse import quote

from PIL import Image
from sqlmodel import select

from handlers.views.qr import qr_png
from storage import automation_settings, clock, dialogs
from storage.db import transaction
from storage.models import AuditEntry, Role, StaffInvite
from tests.handlers.reward_helpers import (
    add_reward,
    buttons,
    customer_with_points,
    fetch,
    member_of,
    quick_data,
    redeem_first,
    send_image,
)
from tests.support.line import Line, texts
from tests.support.threads import run_together


def _coupon(line: Line, points: int = 100, **reward: object) -> tuple[object, str, str]:
    """A customer with one fresh coupon: (customer, code, coupon picture URL)."""
    add_reward(line, name_th="ลาเต้เย็น", points_cost=100, **reward)
    user = customer_with_points(line, "Nok", "0812345678", points)
    answer = redeem_first(line, user)
    code = answer[1]["contents"]["body"]["contents"][1]["text"]
    return user, code, answer[2]["originalContentUrl"]


def test_redeem_by_typed_code_uses_it_once_and_tells_the_customer(line: Line) -> None:
    user, code, _ = _coupon(line)
    cashier = line.user("Cashier", role=Role.STAFF)
    answer = line.ask(cashier, f"redeem {code}")
    assert "ใช้คูปองแล้ว" in answer and "ลาเต้เย็น" in answer and "x" in answer
    notice = line.fake.bot_messages(user.user_id)[-1]["text"]  # type: ignore[attr-defined]
    assert code in notice and "เรียบร้อย" in notice
    again = line.ask(cashier, f"redeem {code.lower()}")
    assert "ถูกใช้ไปแล้ว" in again and "Cashier" in again


def test_a_photo_of_the_coupon_works_like_scanning_it(line: Line) -> None:
    _, code, picture_url = _coupon(line)
    cashier = line.user("Cashier", role=Role.STAFF)
    photo = fetch(line, picture_url)
    answer = texts(send_image(line, cashier, photo))
    assert "ใช้คูปองแล้ว" in answer[0] and code in answer[0]
    assert line.fake.calls("/v2/bot/chat/loading/start")
    assert line.fake.calls("/v2/bot/message/")  # content fetched from the data endpoint
    assert "ถูกใช้ไปแล้ว" in texts(send_image(line, cashier, photo))[0]


def test_a_blurry_photo_of_the_coupon_still_reads(line: Line) -> None:
    _, code, picture_url = _coupon(line)
    cashier = line.user("Cashier", role=Role.STAFF)
    ticket = Image.open(io.BytesIO(fetch(line, picture_url))).convert("RGB")
    small = ticket.resize((ticket.width // 2, ticket.height // 2)).rotate(7, expand=True)
    out = io.BytesIO()
    small.save(out, format="JPEG", quality=60)
    assert code in texts(send_image(line, cashier, out.getvalue()))[0]


def test_photos_without_a_shop_qr_are_answered(line: Line) -> None:
    cashier = line.user("Cashier", role=Role.STAFF)
    plain = io.BytesIO()
    Image.new("RGB", (300, 300), "white").save(plain, format="PNG")
    assert "ไม่พบ QR" in texts(send_image(line, cashier, plain.getvalue()))[0]
    says = texts(send_image(line, cashier, qr_png("https://example.com")))[0]
    assert "https://example.com" in says and "ยังไม่ได้ทำอะไร" in says
    assert "ไม่พบ QR" in texts(send_image(line, cashier, b"not an image"))[0]


def test_photo_of_a_member_card_starts_an_award(line: Line) -> None:
    customer = customer_with_points(line, "Nok", "0812345678", 0)
    card = line.say(customer, "บัตร")[0]
    cashier = line.user("Cashier", role=Role.STAFF)
    answer = texts(send_image(line, cashier, fetch(line, card["contents"]["hero"]["url"])))
    assert "ยอดซื้อครั้งนี้กี่บาท" in answer[0]
    assert "ให้ 14 แต้ม" in line.ask(cashier, "350")


def _content_fetches(line: Line) -> int:
    return len([c for c in line.fake.calls("/v2/bot/message/") if c.path.endswith("/content")])


def test_customers_photos_are_not_fetched_but_answered(line: Line) -> None:
    _, _, picture_url = _coupon(line)
    stranger = line.user("Stranger")
    (answer,) = send_image(line, stranger, fetch(line, picture_url))
    assert "รูปภาพ" in answer["text"]
    assert _content_fetches(line) == 0


def test_customers_cannot_redeem_coupons(line: Line) -> None:
    user, code, _ = _coupon(line)
    assert "เฉพาะพนักงาน" in line.ask(user, f"redeem {code}")
    assert member_of(line, user).points == 0


def test_expired_unknown_and_malformed_codes(line: Line) -> None:
    _, code, _ = _coupon(line, valid_days=1)
    cashier = line.user("Cashier", role=Role.STAFF)
    assert "ไม่พบคูปอง" in line.ask(cashier, "redeem C-222222222")
    assert "ไม่พบคูปอง" in line.ask(cashier, "redeem hello")
    assert "redeem <" in line.ask(cashier, "redeem")
    clock.advance(timedelta(days=3))
    assert "หมดอายุ" in line.ask(cashier, f"redeem {code}")


def test_owner_cancels_an_unused_coupon_and_the_points_come_back(line: Line) -> None:
    user, code, _ = _coupon(line, points=150)
    owner = line.user("Owner", role=Role.OWNER)
    cashier = line.user("Cashier", role=Role.STAFF)
    assert "เฉพาะเจ้าของร้าน" in line.ask(cashier, f"ยกเลิกคูปอง {code}")
    answer = line.ask(owner, f"ยกเลิกคูปอง {code}")
    assert "คืน 100 แต้ม" in answer and "150" in answer
    assert member_of(line, user).points == 150
    assert "คืน 100 แต้ม" in line.fake.bot_messages(user.user_id)[-1]["text"]  # type: ignore[attr-defined]
    assert "ถูกยกเลิกไปแล้ว" in line.ask(owner, f"coupon cancel {code}")
    assert "ถูกยกเลิก" in line.ask(cashier, f"redeem {code}")
    assert member_of(line, user).points == 150


def test_the_owner_picks_the_coupon_to_cancel_by_a_tap(line: Line) -> None:
    owner = line.user("Owner", role=Role.OWNER)
    assert "ไม่มีคูปอง" in line.ask(owner, "ยกเลิกคูปอง")
    user, code, _ = _coupon(line, points=150)
    listed = line.say(owner, "รายการรางวัล")
    offered = {i["action"]["label"]: i["action"]["text"] for i in listed[-1]["quickReply"]["items"]}
    picked = line.say(owner, offered["ยกเลิกคูปอง"])
    assert code in texts(picked)[0] and "ลาเต้เย็น" in texts(picked)[0]
    taps = {i["action"]["label"]: i["action"]["text"] for i in picked[-1]["quickReply"]["items"]}
    assert "คืน 100 แต้ม" in line.ask(owner, taps[code])
    assert member_of(line, user).points == 150
    assert "ไม่มีคูปอง" in line.ask(owner, "ยกเลิกคูปอง")


def test_a_used_coupon_cannot_be_cancelled(line: Line) -> None:
    user, code, _ = _coupon(line)
    owner = line.user("Owner", role=Role.OWNER)
    line.ask(owner, f"redeem {code}")
    assert "ถูกใช้ไปแล้ว" in line.ask(owner, f"coupon cancel {code}")
    assert member_of(line, user).points == 0


def test_ten_cashiers_sending_the_code_at_once_through_the_webhook(line: Line) -> None:
    user, code, _ = _coupon(line)
    cashiers = [line.user(f"Cashier {n}", role=Role.STAFF) for n in range(10)]
    run_together([lambda c=c: line.fake.say(c, f"redeem {code}") for c in cashiers])
    answers = [texts(line.fake.bot_messages(c.user_id))[-1] for c in cashiers]
    assert sum("ใช้คูปองแล้ว" in a for a in answers) == 1, answers
    assert sum("ถูกใช้ไปแล้ว" in a for a in answers) == 9
    notices = [m for m in line.fake.bot_messages(user.user_id) if code in m.get("text", "")]  # type: ignore[attr-defined]
    assert len(notices) == 1


def test_double_tap_of_confirm_through_the_webhook_gives_one_coupon(line: Line) -> None:
    add_reward(line, points_cost=100)
    user = customer_with_points(line, "Nok", "0812345678", 150)
    carousel = line.say(user, "รางวัล")[1]
    tap = next(a for a in buttons(carousel) if a["type"] == "postback")["data"]
    confirms = [quick_data(line.tap(user, tap)[0])[0] for _ in range(2)]
    run_together([lambda d=d: line.fake.tap(user, d) for d in confirms])
    shown = line.fake.bot_messages(user.user_id)
    assert sum(1 for m in shown if m["type"] == "image") == 1
    assert member_of(line, user).points == 50


# A photo does only what photos are for: anyone can print a QR and hold it up at the counter.

SHOP_LINK = "https://line.me/R/oaMessage/@loyaltytest/?"


def _audited(line: Line) -> list[str]:
    with transaction(line.engine) as session:
        return [a.action for a in session.exec(select(AuditEntry)).all()]


def test_a_photographed_award_with_an_amount_awards_nothing(line: Line) -> None:
    customer = customer_with_points(line, "Nok", "0812345678", 0)
    code = member_of(line, customer).code
    cashier = line.user("Cashier", role=Role.STAFF)
    for said in (f"award {code} 99999", f"award {code}  99999", f"+ {code} 99999"):
        for content in (SHOP_LINK + quote(said), SHOP_LINK + said, said):
            (answer,) = texts(send_image(line, cashier, qr_png(content)))
            assert "99999" in answer and "ยังไม่ได้ทำอะไร" in answer, answer
    assert member_of(line, customer).points == 0
    with transaction(line.engine) as session:
        assert dialogs.current_dialog(session, cashier.user_id) is None
    assert "award" not in _audited(line)
    assert "ไม่เข้าใจ" in line.ask(cashier, "350")  # no amount question was open


def test_a_photographed_owner_command_runs_nothing_and_is_shown_in_english(line: Line) -> None:
    owner = line.user("Owner", "en", role=Role.OWNER)
    for said in ("staff invite", "automation welcome points 500", "broadcast", "reward add"):
        for content in (SHOP_LINK + quote(said), said):
            (answer,) = texts(send_image(line, owner, qr_png(content)))
            assert said in answer and "nothing was done" in answer, answer
    with transaction(line.engine) as session:
        assert session.exec(select(StaffInvite)).all() == []
        assert automation_settings.config(session, "welcome").values["points"] == 0
        assert dialogs.current_dialog(session, owner.user_id) is None
    assert _audited(line) == []


def test_extra_words_after_a_coupon_code_use_nothing(line: Line) -> None:
    user, code, _ = _coupon(line)
    cashier = line.user("Cashier", role=Role.STAFF)
    for said in (f"redeem {code} now", f"redeem {code} {code}", f"{code} 1"):
        (answer,) = texts(send_image(line, cashier, qr_png(SHOP_LINK + quote(said))))
        assert code in answer and "ยังไม่ได้ทำอะไร" in answer, answer
    assert "ใช้คูปองแล้ว" in texts(send_image(line, cashier, qr_png(code)))[0]  # the bare code


def test_what_a_qr_says_is_shown_short_and_printable(line: Line) -> None:
    cashier = line.user("Cashier", role=Role.STAFF)
    (answer,) = texts(send_image(line, cashier, qr_png("award\x00 M2345 " + "9" * 1000)))
    assert "\x00" not in answer and len(answer) < 600
