"""The fake LINE platform enforces LINE's limits, so tests catch what real LINE would refuse."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
import uuid
from typing import Any

import pytest

from bot.demo.fakeline import FakeLine
from tests.support.line import TOKEN


def call(
    fake: FakeLine, path: str, body: Any, headers: dict[str, str] | None = None, token: str = TOKEN
) -> tuple[int, dict[str, Any], Any]:
    request = urllib.request.Request(
        fake.url + path,
        data=json.dumps(body).encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Bearer {token}",
            **(headers or {}),
        },
    )
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, dict(response.headers), json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read() or b"{}")


def reply_token(fake: FakeLine) -> str:
    user = fake.add_user("x")
    return fake._event(user.user_id, "message")["replyToken"]


def text(body: str = "hi", **extra: Any) -> dict[str, Any]:
    return {"type": "text", "text": body, **extra}


def push(fake: FakeLine, messages: list[dict[str, Any]], key: str | None = None) -> int:
    headers = {"X-Line-Retry-Key": key} if key else {}
    return call(
        fake, "/v2/bot/message/push", {"to": "U" + "1" * 32, "messages": messages}, headers
    )[0]


def quick(n: int, label: str = "ok") -> dict[str, Any]:
    return {
        "items": [
            {"type": "action", "action": {"type": "message", "label": label, "text": "x"}}
            for _ in range(n)
        ]
    }


def bubble(**body: Any) -> dict[str, Any]:
    return {
        "type": "bubble",
        "body": {
            "type": "box",
            "layout": "vertical",
            "contents": [{"type": "text", "text": "x"}],
            **body,
        },
    }


@pytest.mark.parametrize(
    ("messages", "why"),
    [
        ([text()] * 6, "six messages"),
        ([text("x" * 5001)], "text over 5000"),
        ([text(quickReply=quick(14))], "14 quick replies"),
        ([text(quickReply=quick(1, "x" * 21))], "quick label over 20"),
        (
            [
                {
                    "type": "image",
                    "originalContentUrl": "http://a/b.png",
                    "previewImageUrl": "https://a/b.png",
                }
            ],
            "image over http",
        ),
        ([{"type": "flex", "altText": "x" * 401, "contents": bubble()}], "altText over 400"),
        (
            [
                {
                    "type": "flex",
                    "altText": "a",
                    "contents": {"type": "carousel", "contents": [bubble()] * 13},
                }
            ],
            "13 bubbles",
        ),
        (
            [
                {
                    "type": "flex",
                    "altText": "a",
                    "contents": bubble(action={"type": "postback", "data": "d" * 301}),
                }
            ],
            "postback data over 300",
        ),
        (
            [
                {
                    "type": "flex",
                    "altText": "a",
                    "contents": bubble(action={"type": "message", "label": "l" * 41, "text": "x"}),
                }
            ],
            "flex label over 40",
        ),
        (
            [{"type": "flex", "altText": "a", "contents": bubble(pad="x" * 31_000)}],
            "bubble over 30 KB",
        ),
    ],
)
def test_limits_are_enforced(fake: FakeLine, messages: list[dict[str, Any]], why: str) -> None:
    assert push(fake, messages) == 400, why
    status, _, body = call(
        fake, "/v2/bot/message/reply", {"replyToken": reply_token(fake), "messages": messages}
    )
    assert status == 400 and body["details"], why


def test_a_reply_token_works_once_and_expires(fake: FakeLine) -> None:
    token = reply_token(fake)
    assert (
        call(fake, "/v2/bot/message/reply", {"replyToken": token, "messages": [text()]})[0] == 200
    )
    assert (
        call(fake, "/v2/bot/message/reply", {"replyToken": token, "messages": [text()]})[0] == 400
    )
    fake.reply_token_ttl = 0.0
    late = reply_token(fake)
    assert call(fake, "/v2/bot/message/reply", {"replyToken": late, "messages": [text()]})[0] == 400
    assert (
        call(fake, "/v2/bot/message/reply", {"replyToken": "made-up", "messages": [text()]})[0]
        == 400
    )


def test_retry_key_repeat_is_409_with_accepted_request_id(fake: FakeLine) -> None:
    key = str(uuid.uuid4())
    assert push(fake, [text()], key) == 200
    status, headers, _ = call(
        fake,
        "/v2/bot/message/push",
        {"to": "U" + "1" * 32, "messages": [text()]},
        {"X-Line-Retry-Key": key},
    )
    assert status == 409
    assert {k.lower() for k in headers} >= {"x-line-accepted-request-id"}
    assert push(fake, [text()], "not-a-uuid") == 400


def test_multicast_takes_at_most_500_recipients(fake: FakeLine) -> None:
    ok = {"to": ["U" + f"{i:032x}" for i in range(500)], "messages": [text()]}
    too_many = {"to": ["U" + f"{i:032x}" for i in range(501)], "messages": [text()]}
    assert call(fake, "/v2/bot/message/multicast", ok)[0] == 200
    assert call(fake, "/v2/bot/message/multicast", too_many)[0] == 400


def test_wrong_token_is_401(fake: FakeLine) -> None:
    assert (
        call(fake, "/v2/bot/message/push", {"to": "U1", "messages": [text()]}, token="wrong")[0]
        == 401
    )


def test_faults_and_rate_limits_can_be_injected(fake: FakeLine) -> None:
    fake.fail_next("/v2/bot/message/push", 500, times=2)
    assert [push(fake, [text()]) for _ in range(3)] == [500, 500, 200]
    fake.rate_limits["multicast"] = (3, 60.0)
    body = {"to": ["U" + "1" * 32], "messages": [text()]}
    statuses = [call(fake, "/v2/bot/message/multicast", body)[0] for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_quota_counts_pushes_not_replies(fake: FakeLine) -> None:
    fake.quota = 2
    assert [push(fake, [text()]) for _ in range(3)] == [200, 200, 429]
    token = reply_token(fake)
    assert (
        call(fake, "/v2/bot/message/reply", {"replyToken": token, "messages": [text()]})[0] == 200
    )
