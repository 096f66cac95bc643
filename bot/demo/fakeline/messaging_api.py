"""The fake platform's Messaging API: reply, push, multicast, profiles, message content,
loading, quota, and the SMS the demo's sender posts; LINE's limits (`rules`) enforced.

Every call but the simulator's (`/_sim`) needs the channel's access token, can be failed
on purpose (`Platform.fail_next`) and counts against LINE's rate limits.
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from flask import Flask, Response, request

from bot.demo.fakeline import rules
from bot.demo.fakeline.platform import Platform
from bot.demo.fakeline.records import ChatLine, sent_messages


def register(app: Flask, fake: Platform) -> None:
    """Add the Messaging API endpoints (and the access check before every call) to `app`."""

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
        fake.wait_if_held(request.path)
        with fake.lock:
            for fault in fake.faults:
                if request.path.startswith(fault.path_prefix) and fault.remaining > 0:
                    fault.remaining -= 1
                    headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after else {}
                    return fake._answer(fault.status, {"message": "injected fault"}, headers)
        limited = _rate_limited(fake, request.path)
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
        return _send(fake, [to] if isinstance(to, str) else [], body, problems, "push")

    @app.post("/v2/bot/message/multicast")
    def multicast() -> Response:
        time.sleep(fake.delay.get("/v2/bot/message/multicast", 0.0))
        body = request.get_json(silent=True) or {}
        problems = rules.check_messages(body.get("messages")) + rules.check_recipients(
            body.get("to")
        )
        return _send(fake, body.get("to") or [], body, problems, "multicast")

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
            return Response(json.dumps({"message": "Not found"}), 404, mimetype="application/json")
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


def _send(
    fake: Platform, to: list[str], body: dict[str, Any], problems: rules.Problems, via: str
) -> Response:
    retry_key = request.headers.get("X-Line-Retry-Key")
    problems += rules.check_retry_key(retry_key)
    if problems:
        return fake._bad(problems)
    with fake.lock:
        if retry_key and retry_key in fake.retry_keys:
            return fake._answer(
                409,
                {"message": "The retry key is already accepted"},
                {"x-line-accepted-request-id": fake.retry_keys[retry_key]},
            )
        if fake.quota is not None and fake.consumed + len(to) > fake.quota:
            return fake._answer(429, {"message": "You have reached your monthly limit."})
        request_id = uuid.uuid4().hex
        if retry_key:
            fake.retry_keys[retry_key] = request_id
        fake.consumed += len(to)
        for user_id in to:
            for message in body["messages"]:
                fake.chats[user_id].append(ChatLine("bot", via, message))
    payload = {"sentMessages": sent_messages(body["messages"])} if via == "push" else {}
    return fake._answer(200, payload, {"x-line-request-id": request_id})


def _rate_limited(fake: Platform, path: str) -> bool:
    if path.startswith("/v2/bot/message/multicast"):
        key = "multicast"
    elif path.startswith(("/v2/bot/message/broadcast", "/v2/bot/message/narrowcast")):
        key = "broadcast"
    else:
        key = "default"
    limit, window = fake.rate_limits[key]
    now = time.monotonic()
    with fake.lock:
        recent = [t for t in fake.rate_windows[key] if now - t < window]
        if len(recent) >= limit:
            fake.rate_windows[key] = recent
            return True
        recent.append(now)
        fake.rate_windows[key] = recent
    return False
