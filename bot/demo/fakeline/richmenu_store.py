"""The rich menus the fake platform keeps: menus and their images, the default, per-user links,
aliases, and the tab each user's LINE app shows."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any


@dataclass
class StoredMenu:
    rich_menu_id: str
    body: dict[str, Any]
    image: bytes | None = None
    content_type: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {"richMenuId": self.rich_menu_id, **self.body}

    @property
    def size(self) -> tuple[int, int]:
        return self.body["size"]["width"], self.body["size"]["height"]


@dataclass
class RichMenus:
    """What the platform keeps: menus, the default, links per user, aliases, tabs shown."""

    menus: dict[str, StoredMenu] = field(default_factory=dict)
    default: str | None = None
    links: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    shown: dict[str, str] = field(default_factory=dict)

    def linked(self, user_id: str) -> StoredMenu | None:
        """The menu linked to the user alone (not the default)."""
        menu_id = self.links.get(user_id)
        return self.menus.get(menu_id) if menu_id else None

    def showing(self, user_id: str) -> StoredMenu | None:
        """The menu the user's LINE app shows now: a switched-to tab, their own, or the default."""
        for menu_id in (self.shown.get(user_id), self.links.get(user_id), self.default):
            if menu_id and menu_id in self.menus:
                return self.menus[menu_id]
        return None

    def forget(self, menu_id: str) -> None:
        self.menus.pop(menu_id, None)
        if self.default == menu_id:
            self.default = None
        for table in (self.links, self.shown):
            for user_id in [u for u, m in table.items() if m == menu_id]:
                del table[user_id]


def new_menu_id() -> str:
    return "richmenu-" + uuid.uuid4().hex
