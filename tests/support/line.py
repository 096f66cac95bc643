"""Chatting with the bot as LINE users do: the fake platform's credentials, `Line` (the
`line` fixture), and `texts` for readable assertions on the bot's answers."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.engine import Engine

from bot.demo.fakeline import FakeLine, FakeUser
from storage.db import transaction
from storage.models import Role
from tests.support import factories

SECRET = "test-channel-secret"
TOKEN = "test-access-token"


class Line:
    """Chat with the bot as LINE users do, through the fake platform and signed webhooks."""

    def __init__(self, fake: FakeLine, client: Any, engine: Engine) -> None:
        self.fake = fake
        self.client = client
        self.engine = engine
        self.last_status = 0
        fake.deliver = self._deliver

    def _deliver(self, body: bytes, headers: dict[str, str]) -> int:
        response = self.client.post("/callback", data=body, headers=headers)
        self.last_status = response.status_code
        return response.status_code

    def user(
        self,
        name: str = "Somchai",
        language: str = "th",
        follow: bool = True,
        role: Role | None = None,
    ) -> FakeUser:
        """A LINE user on the fake platform; following the shop, and with `role` if given."""
        user = self.fake.add_user(name, language)
        if follow:
            self.fake.follow(user)
        if role is not None:
            self.make(user, role)
        return user

    def _after(self, user: FakeUser, action: Any) -> list[dict[str, Any]]:
        before = len(self.fake.bot_messages(user.user_id))
        action()
        return self.fake.bot_messages(user.user_id)[before:]

    def say(self, user: FakeUser, text: str) -> list[dict[str, Any]]:
        """Send `text` as `user`; returns the messages the bot showed them in answer."""
        return self._after(user, lambda: self.fake.say(user, text))

    def tap(self, user: FakeUser, data: str) -> list[dict[str, Any]]:
        return self._after(user, lambda: self.fake.tap(user, data))

    def ask(self, user: FakeUser, text: str) -> str:
        """Send `text`; returns the bot's text answers joined (for readable assertions)."""
        return "\n".join(texts(self.say(user, text)))

    def ask_tap(self, user: FakeUser, data: str) -> str:
        """Tap a postback with `data`; returns the bot's text answers joined."""
        return "\n".join(texts(self.tap(user, data)))

    def read(self, user: FakeUser, text: str) -> str:
        """Send `text`; returns every word the bot showed: texts, then each Flex text and
        button label, one per line."""
        said = self.say(user, text)
        return "\n".join(texts(said) + flex_words(said))

    def award(self, user: FakeUser, text: str) -> str:
        """Send an award and say yes to each question it asks (a new member, a large
        amount); returns every text answer joined."""
        said = self.say(user, text)
        answers = texts(said)
        for _ in range(3):
            yes = [data for data in postbacks(said).values() if data.startswith("action=award_yes")]
            if not yes:
                break
            said = self.tap(user, yes[0])
            answers += texts(said)
        return "\n".join(answers)

    def register(self, user: FakeUser, phone: str = "0812345678") -> None:
        """Consent to everything and register `phone`."""
        self.tap(user, "action=consent&choice=all")
        self.say(user, phone)

    def make(self, user: FakeUser, role: Role) -> None:
        with transaction(self.engine) as session:
            factories.person(session, user.user_id, role)

    def sms_code(self) -> str:
        """The code in the last SMS the fake gateway received."""
        match = re.search(r"\b(\d{6})\b", self.fake.sms[-1]["text"])
        assert match, self.fake.sms
        return match.group(1)


def texts(messages: list[dict[str, Any]]) -> list[str]:
    return [m["text"] for m in messages if m.get("type") == "text"]


def postbacks(messages: list[dict[str, Any]]) -> dict[str, str]:
    """The label and data of every postback button in `messages` (Flex and quick replies)."""
    found: dict[str, str] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            action = node.get("action")
            if isinstance(action, dict) and action.get("type") == "postback":
                found[action["label"]] = action["data"]
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(messages)
    return found


def flex_words(messages: list[dict[str, Any]]) -> list[str]:
    """Each text and button label in the Flex messages, in order."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "text" and "text" in node:
                found.append(node["text"])
            elif node.get("type") == "button":
                found.append(node["action"]["label"])
            for key, value in node.items():
                if key != "action":
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk([m["contents"] for m in messages if m.get("type") == "flex"])
    return found


def alt_texts(messages: list[dict[str, Any]]) -> list[str]:
    return [m["altText"] for m in messages if m.get("type") == "flex"]
