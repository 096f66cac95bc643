"""The customer's rewards: browse, redeem with a confirmation, get the coupon, list coupons."""

from __future__ import annotations

from datetime import timedelta

from storage import clock
from tests.handlers.reward_helpers import (
    add_reward,
    buttons,
    customer_with_points,
    decode_qr,
    fetch,
    member_of,
    quick_data,
    redeem_first,
)
from tests.support.line import Line, texts


def test_catalogue_shows_cost_stock_and_what_the_member_can_afford(line: Line) -> None:
    add_reward(line, name_th="ลาเต้เย็น", name_en="Iced latte", points_cost=100, stock=5)
    add_reward(line, name_th="เค้กช็อกโกแลต", points_cost=300)
    add_reward(line, name_th="แก้วเก็บความเย็น", points_cost=50, stock=0)
    user = customer_with_points(line, "Nok", "0812345678", 150)
    shown = line.say(user, "รางวัล")
    assert "150 แต้ม" in shown[0]["text"]
    bubbles = shown[1]["contents"]["contents"]
    assert len(bubbles) == 3
    body = str(bubbles)
    assert "เหลือ 5 ชิ้น" in body and "ไม่จำกัดจำนวน" in body and "หมดแล้ว" in body
    assert "ขาดอีก 150 แต้ม" in body
    redeemable = [a for a in buttons(shown[1]) if a["type"] == "postback"]
    assert len(redeemable) == 1 and "action=redeem" in redeemable[0]["data"]


def test_english_speakers_see_english_names(line: Line) -> None:
    add_reward(line, name_th="ลาเต้เย็น", name_en="Iced latte")
    user = customer_with_points(line, "Anna", "0812345678", 150)
    line.say(user, "language en")
    assert "Iced latte" in str(line.say(user, "rewards")[1])


def test_more_than_twelve_rewards_page_with_a_more_button(line: Line) -> None:
    for n in range(30):
        add_reward(line, name_th=f"รางวัล {n:02d}", points_cost=10 + n)
    user = customer_with_points(line, "Nok", "0812345678", 0)
    seen: list[str] = []
    message = line.say(user, "rewards")[1]
    while True:
        bubbles = message["contents"]["contents"]
        assert len(bubbles) <= 12
        seen += [b["body"]["contents"][0]["text"] for b in bubbles if "รางวัล" in str(b["body"])]
        more = [a for a in buttons(message) if "action=rewards" in a.get("data", "")]
        if not more:
            break
        message = line.tap(user, more[0]["data"])[1]
    assert seen == [f"รางวัล {n:02d}" for n in range(30)]


def test_redeem_asks_first_then_issues_the_coupon_as_card_and_picture(line: Line) -> None:
    add_reward(line, name_th="ลาเต้เย็น", points_cost=120, stock=2, valid_days=7)
    user = customer_with_points(line, "Nok", "0812345678", 150)
    carousel = line.say(user, "รางวัล")[1]
    question = line.tap(user, buttons(carousel)[0]["data"])
    assert "120 แต้ม" in question[0]["text"] and "30 แต้ม" in question[0]["text"]
    assert member_of(line, user).points == 150
    answer = line.tap(user, quick_data(question[0])[0])
    assert [m["type"] for m in answer] == ["text", "flex", "image"]
    assert "30 แต้ม" in answer[0]["text"]
    assert member_of(line, user).points == 30
    card, picture = answer[1], answer[2]
    code = card["contents"]["body"]["contents"][1]["text"]
    assert code.startswith("C-")
    qr_url = card["contents"]["hero"]["url"]
    expected = f"https://line.me/R/oaMessage/@loyaltytest/?redeem%20{code}"
    assert decode_qr(fetch(line, qr_url)) == expected
    assert decode_qr(fetch(line, picture["originalContentUrl"])) == expected
    assert len(fetch(line, picture["previewImageUrl"])) < 1024 * 1024


def test_confirming_twice_gives_one_coupon(line: Line) -> None:
    add_reward(line, points_cost=100)
    user = customer_with_points(line, "Nok", "0812345678", 500)
    carousel = line.say(user, "รางวัล")[1]
    question = line.tap(user, buttons(carousel)[0]["data"])
    confirm = quick_data(question[0])[0]
    first = line.tap(user, confirm)
    second = line.tap(user, confirm)
    assert first[1] == second[1]
    assert member_of(line, user).points == 400


def test_not_enough_points_sold_out_and_limit_are_refused_politely(line: Line) -> None:
    reward = add_reward(line, points_cost=100, stock=1, limit_per_member=1)
    user = customer_with_points(line, "Nok", "0812345678", 250)
    redeem_first(line, user)
    refused = line.tap(user, f"action=redeem_confirm&reward={reward}&key=AAAA")
    assert "หมดแล้ว" in texts(refused)[0] or "ครบสิทธิ์" in texts(refused)[0]
    pricey = add_reward(line, name_th="เค้ก", points_cost=1000)
    assert "แต้มไม่พอ" in texts(line.tap(user, f"action=redeem&reward={pricey}"))[0]
    assert "แต้มไม่พอ" in texts(line.tap(user, f"action=redeem_confirm&reward={pricey}&key=B"))[0]
    assert member_of(line, user).points == 150


def test_bad_postbacks_change_nothing(line: Line) -> None:
    user = customer_with_points(line, "Nok", "0812345678", 250)
    for data in (
        "action=redeem&reward=abc",
        "action=redeem_confirm&reward=999&key=Z",
        "action=rewards&from=x",
    ):
        assert line.tap(user, data)
        assert line.last_status == 200
    assert member_of(line, user).points == 250


def test_coupons_lists_live_ones_newest_first_and_history_on_request(line: Line) -> None:
    add_reward(line, name_th="ลาเต้เย็น", points_cost=100, valid_days=1)
    user = customer_with_points(line, "Nok", "0812345678", 300)
    assert "ไม่มีคูปอง" in line.ask(user, "คูปอง")
    first = redeem_first(line, user)[1]["contents"]["body"]["contents"][1]["text"]
    clock.advance(timedelta(minutes=5))
    second = redeem_first(line, user)[1]["contents"]["body"]["contents"][1]["text"]
    shown = line.say(user, "คูปอง")
    assert "2 ใบ" in shown[0]["text"]
    codes = [b["body"]["contents"][1]["text"] for b in shown[1]["contents"]["contents"]]
    assert codes == [second, first]
    clock.advance(timedelta(days=3))
    assert "ไม่มีคูปอง" in line.ask(user, "คูปอง")
    history = line.ask(user, "ประวัติคูปอง")
    assert first in history and second in history and "หมดอายุ" in history


def test_not_a_member_sees_the_catalogue_but_cannot_redeem(line: Line) -> None:
    reward = add_reward(line)
    user = line.user("Guest")
    shown = line.say(user, "รางวัล")
    assert shown[1]["type"] == "flex"
    assert "สมัคร" in texts(line.tap(user, f"action=redeem&reward={reward}"))[0]
    assert "สมัคร" in line.ask(user, "คูปอง")


def test_saying_not_now_spends_nothing(line: Line) -> None:
    add_reward(line, points_cost=100)
    user = customer_with_points(line, "Nok", "0812345678", 150)
    question = line.tap(user, buttons(line.say(user, "รางวัล")[1])[0]["data"])
    assert "ยังไม่ได้ใช้แต้ม" in texts(line.tap(user, quick_data(question[0])[1]))[0]
    assert member_of(line, user).points == 150
