"""The owner's home card: today and this month side by side, the points customers hold,
and a button for each area of the shop. Built from plain values (words already in the
owner's language), so it knows nothing of the chat or the database."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from handlers.views.messages import MUTED, Button, FlexColors, flex_box, flex_text, shop_header


@dataclass(frozen=True)
class HomeRow:
    """One figure: its label, today's value and this month's."""

    label: str
    today: str
    month: str


@dataclass(frozen=True)
class HomeCard:
    shop_name: str
    title: str  # e.g. "Owner home · 10 Jun 2026"
    today: str  # column heading
    month: str  # column heading
    rows: list[HomeRow]
    held_label: str  # points customers hold
    held: str  # "1,234 points ≈ ฿617.00", or "—" and a reason
    buttons: list[Button]


def _cells(label: str, today: str, month: str, **style: Any) -> dict[str, Any]:
    return {
        "type": "box",
        "layout": "horizontal",
        "contents": [
            flex_text(label, size="sm", color=MUTED, flex=5),
            flex_text(today, size="sm", align="end", flex=3, **style),
            flex_text(month, size="sm", align="end", flex=4, **style),
        ],
    }


def _button_rows(buttons: list[Button], colors: FlexColors) -> list[dict[str, Any]]:
    """Buttons two by two (the last alone if the count is odd)."""
    rows = []
    for i in range(0, len(buttons), 2):
        pair = [{**b.as_flex(colors), "flex": 1} for b in buttons[i : i + 2]]
        rows.append({"type": "box", "layout": "horizontal", "spacing": "sm", "contents": pair})
    return rows


def home_bubble(card: HomeCard, colors: FlexColors) -> dict[str, Any]:
    """The card as a Flex bubble (well under LINE's 30 KB)."""
    heading = _cells("", card.today, card.month, weight="bold", color=MUTED)
    rows = [_cells(r.label, r.today, r.month, weight="bold") for r in card.rows]
    return {
        "type": "bubble",
        "size": "mega",
        "header": shop_header(card.shop_name, card.title, colors),
        "body": flex_box(
            [
                heading,
                {"type": "separator"},
                *rows,
                {"type": "separator", "margin": "md"},
                flex_text(card.held_label, size="sm", color=MUTED, margin="md"),
                flex_text(card.held, size="md", weight="bold"),
            ],
            spacing="sm",
        ),
        "footer": flex_box(_button_rows(card.buttons, colors), spacing="sm"),
    }
