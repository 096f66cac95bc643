"""Flex layouts for the reward catalogue and for coupons (built into messages by `flex`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from linebot.v3.messaging import FlexMessage

from bot.messages import SHOP_COLOR, Choice, flex

MAX_BUBBLES = 12
MUTED = "#888888"


@dataclass(frozen=True)
class Button:
    """A Flex button: a postback when `data` is set, else it sends `text`."""

    label: str
    data: str | None = None
    text: str | None = None
    primary: bool = True

    def as_flex(self) -> dict[str, Any]:
        label = self.label[:40]
        if self.data is not None:
            action = {"type": "postback", "label": label, "data": self.data, "displayText": label}
        else:
            action = {"type": "message", "label": label, "text": self.text or label}
        return {
            "type": "button",
            "style": "primary" if self.primary else "secondary",
            "color": SHOP_COLOR if self.primary else "#EEEEEE",
            "height": "sm",
            "action": action,
        }


@dataclass(frozen=True)
class RewardCard:
    """One reward as a customer sees it."""

    name: str
    cost: str
    facts: list[str] = field(default_factory=list)
    picture_url: str | None = None
    button: Button | None = None
    note: str | None = None


@dataclass(frozen=True)
class CouponCard:
    """One coupon: what it is for, the QR a cashier scans, the code and its dates."""

    shop_name: str
    title: str
    reward_name: str
    qr_url: str
    code: str
    rows: list[tuple[str, str]]
    hint: str


def _text(value: str, **style: Any) -> dict[str, Any]:
    return {"type": "text", "text": value, "wrap": True, **style}


def _box(contents: list[dict[str, Any]], **style: Any) -> dict[str, Any]:
    return {"type": "box", "layout": "vertical", "contents": contents, **style}


def reward_bubble(card: RewardCard) -> dict[str, Any]:
    body = [
        _text(card.name, weight="bold", size="lg"),
        _text(card.cost, weight="bold", size="xl", color=SHOP_COLOR),
        *[_text(fact, size="sm", color=MUTED) for fact in card.facts],
    ]
    footer: list[dict[str, Any]] = []
    if card.button is not None:
        footer.append(card.button.as_flex())
    if card.note:
        footer.append(_text(card.note, size="sm", color=MUTED, align="center"))
    bubble: dict[str, Any] = {
        "type": "bubble",
        "size": "kilo",
        "body": _box(body, spacing="sm"),
    }
    if footer:
        bubble["footer"] = _box(footer, spacing="sm")
    if card.picture_url:
        bubble["hero"] = {
            "type": "image",
            "url": card.picture_url,
            "size": "full",
            "aspectRatio": "20:13",
            "aspectMode": "cover",
        }
    return bubble


def more_bubble(label: str, button: Button) -> dict[str, Any]:
    """The last bubble of a full carousel: a button that shows the next page."""
    return {
        "type": "bubble",
        "size": "kilo",
        "body": _box(
            [_text(label, align="center", color=MUTED), button.as_flex()],
            spacing="lg",
            justifyContent="center",
        ),
    }


def coupon_bubble(card: CouponCard) -> dict[str, Any]:
    rows = [
        {
            "type": "box",
            "layout": "horizontal",
            "contents": [
                _text(label, size="sm", color=MUTED, flex=2),
                _text(value, size="sm", weight="bold", align="end", flex=3),
            ],
        }
        for label, value in card.rows
    ]
    return {
        "type": "bubble",
        "header": _box(
            [
                _text(card.shop_name, color="#FFFFFF", weight="bold", size="sm"),
                _text(card.title, color="#FFFFFF", weight="bold", size="lg"),
            ],
            backgroundColor=SHOP_COLOR,
        ),
        "hero": {
            "type": "image",
            "url": card.qr_url,
            "size": "full",
            "aspectRatio": "1:1",
            "aspectMode": "fit",
        },
        "body": _box(
            [
                _text(card.reward_name, weight="bold", size="lg", align="center"),
                _text(card.code, weight="bold", size="xl", align="center"),
                {"type": "separator", "margin": "md"},
                *rows,
                _text(card.hint, size="xs", color=MUTED, margin="md"),
            ],
            spacing="sm",
        ),
    }


def carousel(
    alt_text: str, bubbles: list[dict[str, Any]], choices: list[Choice] | None = None
) -> FlexMessage:
    """One bubble alone, or a carousel of at most 12."""
    if len(bubbles) == 1:
        return flex(alt_text, bubbles[0], choices)
    contents = {"type": "carousel", "contents": bubbles[:MAX_BUBBLES]}
    return flex(alt_text, contents, choices)
