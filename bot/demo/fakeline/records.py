"""What the fake platform records and sends: calls, faults, chat lines, users, ids, signatures."""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any


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
class Hold:
    """Calls to one path past the first `passes` wait, unanswered, until `opened` is set."""

    passes: int
    opened: threading.Event = field(default_factory=threading.Event)
    waiting: int = 0


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
