"""Builders for the LINE messages the bot sends, and the one postback codec.

A message is the JSON the Messaging API takes (`Message`), built only here: handlers
compose replies from these builders, and the LINE client sends them as they are, so no
SDK model is built per message only to be serialised again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

from handlers.views.colors import Palette, hex_of
from handlers.views.thai_words import shortened

MAX_POSTBACK = 300
MAX_TEXT = 5000
MAX_QUICK_REPLIES = 13
MAX_QUICK_LABEL = 20
MAX_BUBBLES = 12
MUTED = "#888888"
QUIET_BUTTON = "#EEEEEE"
MAX_BUTTON_LABEL = 40

Message = dict[str, Any]
"""One LINE message as the Messaging API's JSON (camelCase keys, no null values)."""


def cut_label(label: str, limit: int) -> str:
    """`label` within LINE's `limit` characters: cut between words, or at least between
    clusters, with `…`, so a long Thai reward name never loses half a letter."""
    return shortened(label, lambda start: len(start) <= limit)


def postback_data(action: str, **params: str | int) -> str:
    """Encode a postback (`action=redeem&reward=12`); at most 300 characters."""
    data = urlencode({"action": action, **{k: str(v) for k, v in params.items()}})
    if len(data) > MAX_POSTBACK:
        raise ValueError(f"postback data over {MAX_POSTBACK} characters: {data[:40]}...")
    return data


def parse_postback(data: str) -> dict[str, str]:
    """Decode postback data; unknown shapes (or control characters, which no button of
    ours sends and a database may refuse) decode to an empty dict."""
    try:
        fields = dict(parse_qsl(data, strict_parsing=True, max_num_fields=20))
    except ValueError:
        return {}
    if any(ch < " " or ch == "\x7f" for pair in fields.items() for part in pair for ch in part):
        return {}
    return fields


@dataclass(frozen=True)
class Choice:
    """A quick-reply button: sends `text` when tapped, or a postback when `data` is set."""

    label: str
    text: str | None = None
    data: str | None = None

    def action(self) -> dict[str, str]:
        label = cut_label(self.label, MAX_QUICK_LABEL)
        if self.data is not None:
            return {
                "type": "postback",
                "label": label,
                "data": self.data,
                "displayText": self.text or label,
            }
        return {"type": "message", "label": label, "text": self.text or self.label}


def with_choices(message: Message, choices: list[Choice] | None) -> Message:
    """`message` with quick replies (at most LINE's 13) when there are any."""
    if choices:
        items = [{"type": "action", "action": c.action()} for c in choices[:MAX_QUICK_REPLIES]]
        message["quickReply"] = {"items": items}
    return message


def choices_last(messages: list[Message]) -> list[Message]:
    """LINE shows only the last message's quick replies: when an answer put them on an
    earlier message (a text before its charts), the last message without any takes them."""
    if not messages or "quickReply" in messages[-1]:
        return messages
    given = next((m["quickReply"] for m in reversed(messages) if "quickReply" in m), None)
    if given is not None:
        messages[-1]["quickReply"] = given
    return messages


def text(body: str, choices: list[Choice] | None = None) -> Message:
    """A text message (cut to LINE's 5000 characters) with optional quick replies."""
    if len(body) > MAX_TEXT:
        body = body[: MAX_TEXT - 1] + "…"
    return with_choices({"type": "text", "text": body}, choices)


def image(url: str, preview_url: str | None = None) -> Message:
    return {"type": "image", "originalContentUrl": url, "previewImageUrl": preview_url or url}


def flex(alt_text: str, contents: dict[str, Any], choices: list[Choice] | None = None) -> Message:
    """A Flex message; `alt_text` is what shows in notifications (at most 400 characters)."""
    return with_choices({"type": "flex", "altText": alt_text[:400], "contents": contents}, choices)


@dataclass(frozen=True)
class FlexColors:
    """The shop colour on Flex messages: the header band, text on it, accents, buttons."""

    band: str
    on_band: str
    accent: str
    button_style: str  # "primary" draws a white label, "secondary" a dark one

    @classmethod
    def of(cls, shop_color: str) -> FlexColors:
        palette = Palette.of(shop_color)
        return cls(
            band=hex_of(palette.strong),
            on_band=hex_of(palette.on_strong),
            accent=hex_of(palette.on_wash),
            button_style="secondary" if palette.light else "primary",
        )


def flex_text(value: str, **style: Any) -> dict[str, Any]:
    """A Flex text that wraps (Thai has no spaces between words: LINE breaks it itself)."""
    return {"type": "text", "text": value, "wrap": True, **style}


def flex_box(contents: list[dict[str, Any]], **style: Any) -> dict[str, Any]:
    return {"type": "box", "layout": "vertical", "contents": contents, **style}


def flex_row(label: str, value: str) -> dict[str, Any]:
    """A fact: the label muted on the left, the value bold on the right."""
    return {
        "type": "box",
        "layout": "horizontal",
        "contents": [
            flex_text(label, size="sm", color=MUTED, flex=2),
            flex_text(value, size="sm", weight="bold", align="end", flex=3),
        ],
    }


@dataclass(frozen=True)
class Button:
    """A Flex button: a postback when `data` is set, else it sends `text`."""

    label: str
    data: str | None = None
    text: str | None = None
    primary: bool = True

    def as_flex(self, colors: FlexColors) -> dict[str, Any]:
        label = cut_label(self.label, MAX_BUTTON_LABEL)
        if self.data is not None:
            action = {"type": "postback", "label": label, "data": self.data, "displayText": label}
        else:
            action = {"type": "message", "label": label, "text": self.text or label}
        return {
            "type": "button",
            "style": colors.button_style if self.primary else "secondary",
            "color": colors.band if self.primary else QUIET_BUTTON,
            "height": "sm",
            "action": action,
        }


@dataclass(frozen=True)
class QrCard:
    """A card to show at the counter: the shop's band, a QR to scan, a code and facts."""

    shop_name: str
    title: str
    qr_url: str
    headline: list[str]  # the last line is the code, shown largest
    rows: list[tuple[str, str]]
    hint: str


def shop_header(shop_name: str, title: str, colors: FlexColors) -> dict[str, Any]:
    """The band every card of the shop starts with: its name small, the card's title large."""
    return flex_box(
        [
            flex_text(shop_name, color=colors.on_band, weight="bold", size="sm"),
            flex_text(title, color=colors.on_band, weight="bold", size="lg"),
        ],
        backgroundColor=colors.band,
    )


def qr_bubble(card: QrCard, colors: FlexColors) -> dict[str, Any]:
    """The member card and the coupon share this shape, so the cashier knows both at a glance."""
    *above, code = card.headline
    return {
        "type": "bubble",
        "header": shop_header(card.shop_name, card.title, colors),
        "hero": {
            "type": "image",
            "url": card.qr_url,
            "size": "full",
            "aspectRatio": "1:1",
            "aspectMode": "fit",
        },
        "body": flex_box(
            [
                *[flex_text(line, weight="bold", size="lg", align="center") for line in above],
                flex_text(code, weight="bold", size="xl", align="center"),
                {"type": "separator", "margin": "md"},
                *[flex_row(label, value) for label, value in card.rows],
                flex_text(card.hint, size="xs", color=MUTED, margin="md"),
            ],
            spacing="sm",
        ),
    }


def member_card(alt_text: str, card: QrCard, colors: FlexColors) -> Message:
    """The member card: the shop's band, the QR a cashier scans, the code and a few facts."""
    return flex(alt_text, qr_bubble(card, colors))


def carousel(
    alt_text: str, bubbles: list[dict[str, Any]], choices: list[Choice] | None = None
) -> Message:
    """One bubble alone, or a carousel of at most 12."""
    if len(bubbles) == 1:
        return flex(alt_text, bubbles[0], choices)
    contents = {"type": "carousel", "contents": bubbles[:MAX_BUBBLES]}
    return flex(alt_text, contents, choices)

