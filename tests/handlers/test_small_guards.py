"""Small guards an owner and a cashier expect: staff are not offered to register as
customers, an unknown coupon says not found, and a new reward with stock 0 is refused."""

from __future__ import annotations

from typing import Any

from storage import rewards
from storage.db import transaction
from storage.models import Role
from tests.support.line import Line, texts

EN_REGISTER = "Register"


def quick_labels(messages: list[dict[str, Any]]) -> list[str]:
    last = messages[-1].get("quickReply") or {"items": []}
    return [item["action"]["label"] for item in last["items"]]


def test_a_cashier_saying_hello_gets_the_counters_buttons_not_register(line: Line) -> None:
    cashier = line.user("Bee", language="en", role=Role.STAFF)
    labels = quick_labels(line.say(cashier, "hello"))
    assert EN_REGISTER not in labels
    assert labels[0] == "Award points"


def test_an_owner_gets_the_shop_home_button_not_register(line: Line) -> None:
    owner = line.user("Dang", language="en", role=Role.OWNER)
    labels = quick_labels(line.say(owner, "hello"))
    assert EN_REGISTER not in labels
    assert len(labels) == 5


def test_a_customer_is_still_offered_register(line: Line) -> None:
    customer = line.user("Nok", language="en")
    assert EN_REGISTER in quick_labels(line.say(customer, "hello"))


def test_a_cashier_who_asks_can_still_register(line: Line) -> None:
    cashier = line.user("Bee", language="en", role=Role.STAFF)
    line.register(cashier, "081-234-5678")
    assert "Register" not in quick_labels(line.say(cashier, "points"))


def test_cancelling_an_unknown_coupon_says_not_found(line: Line) -> None:
    owner = line.user("Dang", language="en", role=Role.OWNER)
    for code in ("C-7K3QX9ABC", "nonsense!"):
        [answer] = texts(line.say(owner, f"coupon cancel {code}"))
        assert "not found" in answer


def test_a_new_reward_with_stock_zero_is_refused_and_asked_again(line: Line) -> None:
    owner = line.user("Owner", role=Role.OWNER)
    line.say(owner, "reward add")
    line.say(owner, "เค้กส้ม")
    line.say(owner, "skip")
    line.say(owner, "50")
    answer = " ".join(texts(line.say(owner, "0")))
    assert "จำนวน 0" in answer and "กี่ชิ้น" in answer
    with transaction(line.engine) as session:
        assert rewards.list_rewards(session, active_only=False) == []
    assert "กี่วัน" in line.ask(owner, "10")
