"""Flex layouts for the reward catalogue (coupons use `handlers.views.messages.qr_bubble`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from handlers.views.messages import MUTED, Button, FlexColors, flex_box, flex_text


@dataclass(frozen=True)
class RewardCard:
    """One reward as a customer sees it (the owner's list adds edit and pause buttons)."""

    name: str
    cost: str
    facts: list[str] = field(default_factory=list)
    picture_url: str | None = None
    buttons: list[Button] = field(default_factory=list)
    note: str | None = None


def reward_bubble(card: RewardCard, colors: FlexColors) -> dict[str, Any]:
    body = [
        flex_text(card.name, weight="bold", size="lg"),
        flex_text(card.cost, weight="bold", size="xl", color=colors.accent),
        *[flex_text(fact, size="sm", color=MUTED) for fact in card.facts],
    ]
    footer: list[dict[str, Any]] = []
    footer += [button.as_flex(colors) for button in card.buttons]
    if card.note:
        footer.append(flex_text(card.note, size="sm", color=MUTED, align="center"))
    bubble: dict[str, Any] = {
        "type": "bubble",
        "size": "kilo",
        "body": flex_box(body, spacing="sm"),
    }
    if footer:
        bubble["footer"] = flex_box(footer, spacing="sm")
    if card.picture_url:
        bubble["hero"] = {
            "type": "image",
            "url": card.picture_url,
            "size": "full",
            "aspectRatio": "20:13",
            "aspectMode": "cover",
        }
    return bubble


def more_bubble(label: str, button: Button, colors: FlexColors) -> dict[str, Any]:
    """The last bubble of a full carousel: a button that shows the next page."""
    return {
        "type": "bubble",
        "size": "kilo",
        "body": flex_box(
            [flex_text(label, align="center", color=MUTED), button.as_flex(colors)],
            spacing="lg",
            justifyContent="center",
        ),
    }
