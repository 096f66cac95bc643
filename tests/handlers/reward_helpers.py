"""Shared steps for the reward and coupon stories."""

from __future__ import annotations

import io
from typing import Any
from zoneinfo import ZoneInfo

import zxingcpp
from PIL import Image

from bot.demo.fakeline import FakeUser
from storage import ledger, members, rewards
from storage.db import transaction
from storage.models import EntryKind, Member, Role
from tests.conftest import Line


def send_image(line: Line, user: FakeUser, data: bytes) -> list[dict[str, Any]]:
    """The user sends a photo; returns what the bot showed them in answer."""
    return line._after(user, lambda: line.fake.send_image(user, data))


def customer_with_points(
    line: Line, name: str, phone: str, points: int, language: str = "th"
) -> FakeUser:
    user = line.user(name, language)
    line.register(user, phone)
    with transaction(line.engine) as session:
        account = members.get_line_user(session, user.user_id)
        assert account is not None and account.member_id is not None
        member = session.get(Member, account.member_id)
        assert member is not None
        ledger.post_entry(
            session,
            tz=ZoneInfo("Asia/Bangkok"),
            member=member,
            kind=EntryKind.ADJUST,
            points=points,
            actor="test",
            idempotency_key=f"seed:{user.user_id}",
        )
    return user


def member_of(line: Line, user: FakeUser) -> Member:
    with transaction(line.engine) as session:
        account = members.get_line_user(session, user.user_id)
        assert account is not None and account.member_id is not None
        member = session.get(Member, account.member_id)
        assert member is not None
        assert member.points == ledger.ledger_sum(session, member.id)  # type: ignore[arg-type]
        return member


def person(line: Line, name: str, role: Role) -> FakeUser:
    user = line.user(name)
    line.make(user, role)
    return user


def add_reward(line: Line, **values: Any) -> int:
    spec = rewards.RewardSpec(**{"name_th": "ลาเต้เย็น", "points_cost": 100, **values})
    with transaction(line.engine) as session:
        return rewards.create_reward(session, spec=spec).id  # type: ignore[return-value]


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    """Every Flex button action in a bubble or carousel."""
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "button":
                found.append(node["action"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(message.get("contents"))
    return found


def quick_data(message: dict[str, Any]) -> list[str]:
    """The postback data of a message's quick replies."""
    items = message.get("quickReply", {}).get("items", [])
    return [i["action"]["data"] for i in items if i["action"]["type"] == "postback"]


def fetch(line: Line, url: str) -> bytes:
    """GET one of the bot's own image URLs (BASE_URL is https://loyalty.test)."""
    response = line.client.get(url.removeprefix("https://loyalty.test"))
    assert response.status_code == 200, url
    return response.data


def decode_qr(png: bytes) -> str:
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert found, "no QR found"
    return found[0].text


def redeem_first(line: Line, user: FakeUser) -> list[dict[str, Any]]:
    """Browse, tap the first redeem button, confirm; returns the answer to the confirm."""
    carousel = line.say(user, "รางวัล")[1]
    tap = next(a for a in buttons(carousel) if a["type"] == "postback")
    question = line.tap(user, tap["data"])
    return line.tap(user, quick_data(question[0])[0])
