"""The owner's staff card: everyone by name and role, a remove button under each cashier,
then the invites (open ones, and who used the latest). Built from plain values (words
already in the owner's language), so it knows nothing of the chat or the database."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from handlers.views.messages import MUTED, Button, FlexColors, flex_box, flex_text, shop_header


@dataclass(frozen=True)
class StaffRow:
    name: str
    role: str  # in the owner's language
    remove: Button | None  # None for an owner


@dataclass(frozen=True)
class StaffCard:
    shop_name: str
    title: str
    rows: list[StaffRow]
    invites_title: str
    invites: list[str]  # one line each: open invites, then who used the latest
    invite: Button


def _person(row: StaffRow, colors: FlexColors) -> list[dict[str, Any]]:
    line = {
        "type": "box",
        "layout": "horizontal",
        "contents": [
            flex_text(row.name, weight="bold", flex=3),
            flex_text(row.role, size="sm", color=MUTED, align="end", flex=2),
        ],
    }
    return [line] if row.remove is None else [line, row.remove.as_flex(colors)]


def staff_bubble(card: StaffCard, colors: FlexColors) -> dict[str, Any]:
    """The card as a Flex bubble; a shop's handful of staff stays well under LINE's 30 KB."""
    people = [part for row in card.rows for part in _person(row, colors)]
    return {
        "type": "bubble",
        "size": "mega",
        "header": shop_header(card.shop_name, card.title, colors),
        "body": flex_box(
            [
                *people,
                {"type": "separator", "margin": "md"},
                flex_text(card.invites_title, weight="bold", size="sm", margin="md"),
                *[flex_text(line, size="sm", color=MUTED) for line in card.invites],
            ],
            spacing="sm",
        ),
        "footer": flex_box([card.invite.as_flex(colors)]),
    }
