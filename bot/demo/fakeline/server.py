"""A fake LINE platform on loopback: the Messaging API the bot calls, and the webhooks it gets.

It is a real HTTP server (werkzeug, threaded) that the app reaches through
`LINE_API_ENDPOINT` / `LINE_API_DATA_ENDPOINT`. It records every request, enforces
LINE's limits (`rules.py`), tracks reply tokens and retry keys as LINE does, can be told
to fail the next calls (429/500), and signs the webhooks it sends with the channel secret.
The tests and the demo simulator both drive it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, Response, request
from werkzeug.serving import make_server

from bot.demo.fakeline import richmenu_api, rules

REPLY_TOKEN_TTL = 60.0
RATE_LIMITS = {"default": (2000, 1.0), "multicast": (200, 1.0), "broadcast": (60, 3600.0)}


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: Any
    status: int


@dataclass
class Fault:
    path_prefix: str
    status: int
    remaining: int
    retry_after: int | None = None


@dataclass
class ChatLine:
    """One message in a user's chat with the shop, as the user would see it."""

    sender: str  # "user" or "bot"
    via: str  # "user", "reply", "push", "multicast", "broadcast"
    message: dict[str, Any]
    at: float = field(default_factory=time.time)


@dataclass
class FakeUser:
    user_id: str
    display_name: str
    language: str = "th"
    following: bool = False


def sign(body: bytes, channel_secret: str) -> str:
    """X-Line-Signature: base64 of HMAC-SHA256 of the raw body, keyed by the channel secret."""
    digest = hmac.new(channel_secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def sent_messages(messages: list[dict[str, Any]]) -> list[dict[str, str]]:
    """What LINE answers a reply or push with: an id and quote token per message."""
    return [{"id": str(uuid.uuid4().int)[:18], "quoteToken": uuid.uuid4().hex} for _ in messages]


def new_user_id() -> str:
    return "U" + uuid.uuid4().hex


def new_event_id() -> str:
    """A ULID-shaped id (26 Crockford base-32 characters), as LINE sends."""
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    value = (int(time.time() * 1000) << 80) | int.from_bytes(uuid.uuid4().bytes[:10], "big")
    return "".join(alphabet[(value >> (5 * i)) & 31] for i in reversed(range(26)))


class FakeLine:
    """The fake platform. `start()` serves it; `url` is what LINE_API_ENDPOINT points at."""

    def __init__(
        self,
        *,
        channel_secret: str = "test-channel-secret",
        access_token: str = "test-access-token",
        quota: int | None = 15000,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.channel_secret = channel_secret
        self.access_token = access_token
        self.quota = quota
        self.host, self.port = host, port
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
        self.deliver: Callable[[bytes, dict[str, str]], int] | None = None
        self.richmenus = richmenu_api.RichMenus()
        self.app = self._build_app()
        self._server: Any = None
        self._thread: threading.Thread | None = None

    # -- serving ---------------------------------------------------------------------
    def start(self) -> FakeLine:
        self._server = make_server(self.host, self.port, self.app, threaded=True)
        self.port = self._server.server_port
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # -- test controls ---------------------------------------------------------------
    def fail_next(
        self, path_prefix: str, status: int, times: int = 1, retry_after: int | None = None
    ) -> None:
        """Answer the next `times` calls whose path starts with `path_prefix` with `status`."""
        with self.lock:
            self.faults.append(Fault(path_prefix, status, times, retry_after))

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

    # -- the API the bot calls -------------------------------------------------------------
    def _build_app(self) -> Flask:
        app = Flask("fakeline")
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        fake = self

        @app.before_request
        def _fault_and_auth() -> Response | None:
            if request.path.startswith("/_sim"):
                return None
            if request.headers.get("Authorization") != f"Bearer {fake.access_token}":
                return fake._answer(
                    401,
                    {
                        "message": "Authentication failed. Confirm that the access token "
                        "in the authorization header is valid."
                    },
                )
            with fake.lock:
                for fault in fake.faults:
                    if request.path.startswith(fault.path_prefix) and fault.remaining > 0:
                        fault.remaining -= 1
                        headers = (
                            {"Retry-After": str(fault.retry_after)} if fault.retry_after else {}
                        )
                        return fake._answer(fault.status, {"message": "injected fault"}, headers)
            limited = fake._rate_limited(request.path)
            if limited:
                return fake._answer(429, {"message": "Too Many Requests"})
            return None

        @app.post("/v2/bot/message/reply")
        def reply() -> Response:
            body = request.get_json(silent=True) or {}
            problems = rules.check_messages(body.get("messages"))
            token = str(body.get("replyToken") or "")
            with fake.lock:
                issued = fake.reply_tokens.get(token)
                if issued is None:
                    problems.append(("replyToken", "Invalid reply token"))
                elif issued[2]:
                    problems.append(("replyToken", "Invalid reply token (already used)"))
                elif time.monotonic() - issued[0] > fake.reply_token_ttl:
                    problems.append(("replyToken", "Invalid reply token (expired)"))
                if problems or issued is None:
                    return fake._bad(problems)
                fake.reply_tokens[token] = (issued[0], issued[1], True)
                for message in body["messages"]:
                    fake.chats[issued[1]].append(ChatLine("bot", "reply", message))
            return fake._answer(200, {"sentMessages": sent_messages(body["messages"])})

        @app.post("/v2/bot/message/push")
        def push() -> Response:
            body = request.get_json(silent=True) or {}
            to = body.get("to")
            problems = rules.check_messages(body.get("messages"))
            if not isinstance(to, str) or not to:
                problems.append(("to", "must be a user, group or room id"))
            return fake._send([to] if isinstance(to, str) else [], body, problems, "push")

        @app.post("/v2/bot/message/multicast")
        def multicast() -> Response:
            time.sleep(fake.delay.get("/v2/bot/message/multicast", 0.0))
            body = request.get_json(silent=True) or {}
            problems = rules.check_messages(body.get("messages")) + rules.check_recipients(
                body.get("to")
            )
            return fake._send(body.get("to") or [], body, problems, "multicast")

        @app.get("/v2/bot/profile/<user_id>")
        def profile(user_id: str) -> Response:
            user = fake.users.get(user_id)
            if user is None or not user.following:
                return fake._answer(404, {"message": "Not found"})
            return fake._answer(
                200,
                {"userId": user_id, "displayName": user.display_name, "language": user.language},
            )

        @app.get("/v2/bot/message/<message_id>/content")
        def content(message_id: str) -> Response:
            found = fake.contents.get(message_id)
            fake._record(200 if found else 404, None)
            if found is None:
                return Response(
                    json.dumps({"message": "Not found"}), 404, mimetype="application/json"
                )
            return Response(found[0], 200, mimetype=found[1])

        @app.post("/v2/bot/chat/loading/start")
        def loading() -> Response:
            body = request.get_json(silent=True) or {}
            seconds = body.get("loadingSeconds", 20)
            if not isinstance(seconds, int) or seconds % 5 or not 5 <= seconds <= 60:
                return fake._bad([("loadingSeconds", "must be 5, 10, ... 60")])
            return fake._answer(202, {})

        @app.get("/v2/bot/message/quota")
        def quota() -> Response:
            if fake.quota is None:
                return fake._answer(200, {"type": "none"})
            return fake._answer(200, {"type": "limited", "value": fake.quota})

        @app.get("/v2/bot/message/quota/consumption")
        def consumption() -> Response:
            return fake._answer(200, {"totalUsage": fake.consumed})

        @app.post("/_sim/sms")
        def sms() -> Response:
            body = request.get_json(silent=True) or {}
            with fake.lock:
                fake.sms.append({"to": str(body.get("to")), "text": str(body.get("text"))})
            return Response("{}", 200, mimetype="application/json")

        richmenu_api.register(app, fake)
        return app

    def _send(
        self, to: list[str], body: dict[str, Any], problems: rules.Problems, via: str
    ) -> Response:
        retry_key = request.headers.get("X-Line-Retry-Key")
        problems += rules.check_retry_key(retry_key)
        if problems:
            return self._bad(problems)
        with self.lock:
            if retry_key and retry_key in self.retry_keys:
                return self._answer(
                    409,
                    {"message": "The retry key is already accepted"},
                    {"x-line-accepted-request-id": self.retry_keys[retry_key]},
                )
            if self.quota is not None and self.consumed + len(to) > self.quota:
                return self._answer(429, {"message": "You have reached your monthly limit."})
            request_id = uuid.uuid4().hex
            if retry_key:
                self.retry_keys[retry_key] = request_id
            self.consumed += len(to)
            for user_id in to:
                for message in body["messages"]:
                    self.chats[user_id].append(ChatLine("bot", via, message))
        payload = {"sentMessages": sent_messages(body["messages"])} if via == "push" else {}
        return self._answer(200, payload, {"x-line-request-id": request_id})

    def _rate_limited(self, path: str) -> bool:
        if path.startswith("/v2/bot/message/multicast"):
            key = "multicast"
        elif path.startswith(("/v2/bot/message/broadcast", "/v2/bot/message/narrowcast")):
            key = "broadcast"
        else:
            key = "default"
        limit, window = self.rate_limits[key]
        now = time.monotonic()
        with self.lock:
            recent = [t for t in self.rate_windows[key] if now - t < window]
            if len(recent) >= limit:
                self.rate_windows[key] = recent
                return True
            recent.append(now)
            self.rate_windows[key] = recent
        return False

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
