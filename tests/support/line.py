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
