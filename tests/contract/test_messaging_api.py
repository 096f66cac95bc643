"""Every request the bot sends LINE matches LINE's official OpenAPI description."""

from __future__ import annotations

import pytest

from storage.models import Role
from tests.contract.openapi import SPECS, errors
from tests.support.line import Line

pytestmark = pytest.mark.skipif(
    not (SPECS / "messaging-api.yml").exists(), reason="../shared/line-openapi is absent"
)

REQUEST_SCHEMAS = {
    "/v2/bot/message/reply": "ReplyMessageRequest",
    "/v2/bot/message/push": "PushMessageRequest",
    "/v2/bot/message/multicast": "MulticastRequest",
    "/v2/bot/chat/loading/start": "ShowLoadingAnimationRequest",
}


def play_the_whole_story(line: Line) -> None:
    owner = line.user("Dang", role=Role.OWNER)
    line.say(owner, "staff invite")
    cashier = line.user("Bee", language="en", role=Role.STAFF)
    customer = line.user("Nok")
    line.register(customer)
    for text in ("แต้ม", "บัตร", "ช่วยเหลือ", "huh?", "language en", "points", "card", "help"):
        line.say(customer, text)
    line.say(cashier, "award 0812345678 350")
    line.say(cashier, "award M2345AB")
    line.say(cashier, "member 0812345678")
    line.say(owner, "staff list")
    line.say(owner, "help")


def test_every_request_matches_the_spec(line: Line) -> None:
    play_the_whole_story(line)
    checked = 0
    for call in line.fake.calls():
        schema = REQUEST_SCHEMAS.get(call.path)
        if schema is None:
            continue
        problems = errors("messaging-api.yml", schema, call.body)
        assert not problems, (call.path, problems[:5], call.body)
        checked += 1
    assert checked >= 15


def test_the_validator_catches_a_bad_flex_message() -> None:
    bad = {
        "replyToken": "x",
        "messages": [
            {"type": "flex", "altText": "a", "contents": {"type": "bubble", "size": "huge"}}
        ],
    }
    assert errors("messaging-api.yml", "ReplyMessageRequest", bad)
