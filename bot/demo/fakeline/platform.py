"""The fake platform's state and what it does, without serving it (see `server`).

It records every request, tracks reply tokens and retry keys as LINE does, can be told
to fail the next calls (429/500), and signs the webhooks it sends with the channel
secret. The endpoint modules (`messaging_api`, `richmenu_api`) work on a `Platform`.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from flask import Response, request

from bot.demo.fakeline import rules
from bot.demo.fakeline.records import (
    ChatLine,
    FakeUser,
    Fault,
    Hold,
    Recorded,
    new_event_id,
    new_user_id,
    sign,
)
from bot.demo.fakeline.richmenu_store import RichMenus

REPLY_TOKEN_TTL = 60.0
RATE_LIMITS = {"default": (2000, 1.0), "multicast": (200, 1.0), "broadcast": (60, 3600.0)}


class Platform:
    """The platform's state: users, chats, tokens, keys, quota, faults, rich menus."""

    def __init__(
        self,
        *,
        channel_secret: str = "test-channel-secret",
        access_token: str = "test-access-token",
        quota: int | None = 15000,
    ) -> None:
        self.channel_secret = channel_secret
        self.access_token = access_token
        self.quota = quota
        self.lock = threading.RLock()
        self.requests: list[Recorded] = []
        self.users: dict[str, FakeUser] = {}
        self.chats: dict[str, list[ChatLine]] = defaultdict(list)
        self.reply_tokens: dict[str, tuple[float, str, bool]] = {}
        self.retry_keys: dict[str, str] = {}
        self.contents: dict[str, tuple[bytes, str]] = {}
        self.sms: list[dict[str, str]] = []
        self.faults: list[Fault] = []
        self.consumed = 0
        self.rate_windows: dict[str, list[float]] = defaultdict(list)
        self.rate_limits: dict[str, tuple[int, float]] = dict(RATE_LIMITS)
        self.reply_token_ttl = REPLY_TOKEN_TTL
        self.delay: dict[str, float] = {}  # path prefix -> seconds to wait before answering
        self.holds: dict[str, Hold] = {}  # path -> calls kept in flight (see `hold_after`)
        self.deliver: Callable[[bytes, dict[str, str]], int] | None = None
        self.richmenus = RichMenus()

    # -- test controls ---------------------------------------------------------------
    def fail_next(
        self, path_prefix: str, status: int, times: int = 1, retry_after: int | None = None
    ) -> None:
        """Answer the next `times` calls whose path starts with `path_prefix` with `status`."""
        with self.lock:
            self.faults.append(Fault(path_prefix, status, times, retry_after))

    def hold_after(self, path: str, passes: int) -> Hold:
        """Answer the next `passes` calls to `path`, then keep later ones in flight (the
        request received, no answer yet) until `release`: a test can kill a client while
        LINE has its calls, however fast or slow the machine is."""
        with self.lock:
            self.holds[path] = hold = Hold(passes)
        return hold

    def release(self, path: str) -> None:
        """Answer the held calls to `path` and stop holding."""
        with self.lock:
            hold = self.holds.pop(path, None)
        if hold is not None:
            hold.opened.set()

    def wait_if_held(self, path: str) -> None:
        with self.lock:
            hold = self.holds.get(path)
            if hold is None:
                return
            if hold.passes > 0:
                hold.passes -= 1
                return
            hold.waiting += 1
        hold.opened.wait(timeout=120)

    def calls(self, path_prefix: str = "", status: int | None = None) -> list[Recorded]:
        with self.lock:
            return [
                r
                for r in self.requests
                if r.path.startswith(path_prefix) and (status is None or r.status == status)
            ]

    def bot_messages(self, user_id: str) -> list[dict[str, Any]]:
        """Every message the bot has shown this user, oldest first."""
        with self.lock:
            return [line.message for line in self.chats[user_id] if line.sender == "bot"]

    def add_user(
        self, display_name: str, language: str = "th", user_id: str | None = None
    ) -> FakeUser:
        user = FakeUser(user_id or new_user_id(), display_name, language)
        with self.lock:
            self.users[user.user_id] = user
        return user

    # -- webhooks the platform sends -----------------------------------------------------
    def _event(self, user_id: str, kind: str, **extra: Any) -> dict[str, Any]:
        event: dict[str, Any] = {
            "type": kind,
            "mode": "active",
            "timestamp": int(time.time() * 1000),
            "source": {"type": "user", "userId": user_id},
            "webhookEventId": new_event_id(),
            "deliveryContext": {"isRedelivery": False},
            **extra,
        }
        if kind not in ("unfollow",):
            token = uuid.uuid4().hex
            with self.lock:
                self.reply_tokens[token] = (time.monotonic(), user_id, False)
            event["replyToken"] = token
        return event

    def webhook_body(self, events: list[dict[str, Any]]) -> bytes:
        return json.dumps({"destination": "U" + "0" * 32, "events": events}).encode()

    def post_webhook(self, events: list[dict[str, Any]]) -> int:
        """Sign and deliver events to the bot; returns the bot's HTTP status."""
        body = self.webhook_body(events)
        headers = {
            "Content-Type": "application/json",
            "X-Line-Signature": sign(body, self.channel_secret),
        }
        if self.deliver is None:
            raise RuntimeError("FakeLine.deliver is not set: where do webhooks go?")
        return self.deliver(body, headers)

    def follow(self, user: FakeUser) -> dict[str, Any]:
        user.following = True
        event = self._event(user.user_id, "follow", follow={"isUnblocked": False})
        self.post_webhook([event])
        return event

    def unfollow(self, user: FakeUser) -> dict[str, Any]:
        user.following = False
        event = self._event(user.user_id, "unfollow")
        self.post_webhook([event])
        return event

    def text_event(self, user: FakeUser, text: str) -> dict[str, Any]:
        """A signed-ready text message event from `user` (not yet delivered)."""
        message = {
            "id": str(uuid.uuid4().int)[:18],
            "type": "text",
            "text": text,
            "quoteToken": uuid.uuid4().hex,
        }
        return self._event(user.user_id, "message", message=message)

    def say(self, user: FakeUser, text: str) -> dict[str, Any]:
        """The user types `text` in the chat."""
        event = self.text_event(user, text)
        with self.lock:
            self.chats[user.user_id].append(
                ChatLine("user", "user", {"type": "text", "text": text})
            )
        self.post_webhook([event])
        return event

    def tap(self, user: FakeUser, data: str, display_text: str | None = None) -> dict[str, Any]:
        """The user taps a postback button."""
        event = self._event(user.user_id, "postback", postback={"data": data})
        if display_text:
            with self.lock:
                self.chats[user.user_id].append(
                    ChatLine("user", "user", {"type": "text", "text": display_text})
                )
        self.post_webhook([event])
        return event

    def send_image(
        self, user: FakeUser, content: bytes, content_type: str = "image/png"
    ) -> dict[str, Any]:
        """The user sends a photo; the bot can fetch it from the content endpoint."""
        message_id = str(uuid.uuid4().int)[:18]
        with self.lock:
            self.contents[message_id] = (content, content_type)
            self.chats[user.user_id].append(
                ChatLine("user", "user", {"type": "image", "id": message_id})
            )
        message = {
            "id": message_id,
            "type": "image",
            "contentProvider": {"type": "line"},
            "quoteToken": uuid.uuid4().hex,
        }
        event = self._event(user.user_id, "message", message=message)
        self.post_webhook([event])
        return event

    def _record(self, status: int, body: Any) -> None:
        with self.lock:
            self.requests.append(
                Recorded(request.method, request.path, dict(request.headers), body, status)
            )

    def _answer(
        self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None
    ) -> Response:
        self._record(status, request.get_json(silent=True))
        response = Response(json.dumps(payload), status, mimetype="application/json")
        response.headers["x-line-request-id"] = uuid.uuid4().hex
        for key, value in (headers or {}).items():
            response.headers[key] = value
        return response

    def _bad(self, problems: rules.Problems) -> Response:
        details = [{"message": message, "property": prop} for prop, message in problems]
        return self._answer(400, {"message": "The request body has 1 error(s)", "details": details})
