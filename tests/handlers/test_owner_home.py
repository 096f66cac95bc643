"""The owner's home card: `owner` opens today's and this month's figures, the points the
customers hold in baht, and a button for each area of the shop."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from bot.demo.fakeline import FakeUser
from bot.demo.fakeline.rules import MAX_BUBBLE_BYTES
from handlers.router import normalise, router
from storage import clock, reward_costs
from storage.db import transaction
from storage.models import Member, Role
from tests.support import factories
from tests.support.line import Line, texts

EARLIER = datetime(2026, 6, 3, 5, tzinfo=UTC)  # noon in Bangkok, a week before
TODAY = datetime(2026, 6, 10, 4, tzinfo=UTC)  # 11:00 in Bangkok


def flex_texts(node: Any) -> list[str]:
    """Every text of a Flex message, in reading order."""
    if isinstance(node, dict):
        found = [node["text"]] if node.get("type") == "text" else []
        for key in ("header", "hero", "body", "footer", "contents"):
            if key in node:
                found += flex_texts(node[key])
        return found
    if isinstance(node, list):
        return [text for part in node for text in flex_texts(part)]
    return []


def table(bubble: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """The card's figures: label -> (today, this month)."""
    rows = {}
    for box in bubble["body"]["contents"]:
        cells = flex_texts(box) if box.get("layout") == "horizontal" else []
        if len(cells) == 3:
            rows[cells[0]] = (cells[1], cells[2])
    return rows


def buttons(bubble: dict[str, Any]) -> list[dict[str, Any]]:
    return [b["action"] for row in bubble["footer"]["contents"] for b in row["contents"]]


def the_card(shown: list[dict[str, Any]]) -> dict[str, Any]:
    assert len(shown) == 1 and shown[0]["type"] == "flex", shown
    return shown[0]["contents"]  # type: ignore[no-any-return]


@pytest.fixture
def owner(line: Line, engine: Engine) -> Iterator[FakeUser]:
    """A week ago Nok bought for 500 baht; today Nok came back (250) and Mali joined (100),
    and Nok's 20-point coffee coupon was used at the counter."""
    boss = line.user("Boss", role=Role.OWNER)
    cashier = line.user("Bee", role=Role.STAFF)
    nok, mali = line.user("Nok"), line.user("Mali")
    clock.freeze(EARLIER)
    line.register(nok, "0812345670")
    line.say(cashier, "award 0812345670 500")
    clock.freeze(TODAY)
    line.say(cashier, "award 0812345670 250")
    line.register(mali, "0812345671")
    line.say(cashier, "award 0812345671 100")
    with transaction(engine) as session:
        coffee = factories.reward(session, name_th="กาแฟ", points_cost=20)
        reward_costs.set_reward_cost(session, coffee, 4500)
        member = session.get(Member, 1)
        assert member is not None
        code = factories.coupon(session, member=member, reward=coffee).code
    assert "กาแฟ" in line.ask(cashier, f"redeem {code}")
    yield boss
    clock.reset()


def test_owner_sees_today_and_this_month(line: Line, owner: FakeUser) -> None:
    shown = line.say(owner, "เจ้าของร้าน")
    card = the_card(shown)
    assert len(json.dumps(card, ensure_ascii=False).encode()) < MAX_BUBBLE_BYTES
    assert "หน้าหลักร้าน · 10 มิ.ย. 2569" in flex_texts(card["header"])
    assert table(card) == {
        "": ("วันนี้", "มิ.ย. 2569"),
        "ยอดขาย": ("฿350", "฿850"),
        "บิล": ("2", "3"),
        "สมาชิกใหม่": ("1", "2"),
        "ลูกค้ากลับมาซื้อ": ("1", "1"),  # Nok, who first bought a week ago
        "แต้มที่ให้": ("14", "34"),
        "แต้มที่แลก": ("20", "20"),
        "คูปองที่ใช้": ("1", "1"),
    }
    # 14 points still held, at 45 baht per 20 points
    assert "14 แต้ม ≈ ฿31.50" in flex_texts(card["body"])
    assert "ยอดขาย ฿350" in shown[0]["altText"]


def test_english_card_and_liability_without_reward_costs(line: Line, engine: Engine) -> None:
    clock.freeze(TODAY)
    boss = line.user("Boss", language="en", role=Role.OWNER)
    line.say(boss, "language en")
    card = the_card(line.say(boss, "owner"))
    assert table(card)["Sales"] == ("฿0", "฿0") and table(card)["Bills"] == ("0", "0")
    held = flex_texts(card["body"])[-1]
    assert held.startswith("0 points · in baht: — set reward costs first")
    assert [b["label"] for b in buttons(card)] == [
        "Shop stats", "Segments", "Broadcast", "Rewards", "Automations", "Staff", "Settings",
    ]  # fmt: skip
    clock.reset()


def test_only_the_owner_has_a_home_card(line: Line, owner: FakeUser) -> None:
    cashier = line.user("Someone", role=Role.STAFF)
    assert "เจ้าของร้าน" in line.ask(cashier, "owner")
    assert all(m["type"] == "text" for m in line.say(cashier, "owner"))


AREAS = {
    "menu_stats": "stats",
    "menu_segments": "segments",
    "menu_broadcast": "broadcast",
    "menu_reward_list": "reward list",
    "menu_automations": "automations",
    "menu_staff": "staff list",
    "menu_settings": "settings",
}


@pytest.mark.parametrize("lang", ["th", "en"])
def test_every_button_reaches_its_area(line: Line, owner: FakeUser, lang: str) -> None:
    line.say(owner, f"language {lang}")
    actions = buttons(the_card(line.say(owner, "owner")))
    assert len(actions) == len(AREAS)
    for action, key in zip(actions, AREAS.values(), strict=True):
        assert action["type"] == "message"
        found = router.match(normalise(action["text"]))
        assert found is not None and found[0].key == key and found[1] == [], action
        answer = line.say(owner, action["text"])
        assert answer and line.last_status == 200, action
        line.say(owner, "cancel")


def test_settings_sum_up_the_shop(line: Line, owner: FakeUser) -> None:
    answer = line.say(owner, "ตั้งค่าร้าน")
    body = texts(answer)[0]
    assert "1 แต้มทุก ฿25" in body and "฿2.25" in body and "ภาษาของคุณ: ไทย" in body
    assert [q["action"]["text"] for q in answer[0]["quickReply"]["items"]][0] == "เจ้าของร้าน"


def test_quick_replies_reach_what_the_card_has_no_room_for(line: Line, owner: FakeUser) -> None:
    card = line.say(owner, "owner")[-1]
    sent = {i["action"]["label"]: i["action"]["text"] for i in card["quickReply"]["items"]}
    assert set(sent) == {"แคมเปญที่ส่งแล้ว", "วงเงินให้แต้ม", "English"}
    assert router.match(normalise(sent["แคมเปญที่ส่งแล้ว"]))[0].key == "campaigns"  # type: ignore[index]
    assert "ยืนยัน" in line.ask(owner, sent["วงเงินให้แต้ม"])
    line.say(owner, sent["English"])
    card = line.say(owner, "owner")[-1]
    assert [i["action"]["label"] for i in card["quickReply"]["items"]][-1] == "ภาษาไทย"
