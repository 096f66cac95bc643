"""Builders for the LINE messages the bot sends, and the one postback codec.

Handlers compose replies from these; nothing else constructs SDK message objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

from linebot.v3.messaging import (
    FlexContainer,
    FlexMessage,
    ImageMessage,
    Message,
    MessageAction,
    PostbackAction,
    QuickReply,
    QuickReplyItem,
    TextMessage,
    URIAction,
)

MAX_POSTBACK = 300
MAX_TEXT = 5000
MAX_QUICK_REPLIES = 13
MAX_QUICK_LABEL = 20
SHOP_COLOR = "#06C755"


def postback_data(action: str, **params: str | int) -> str:
    """Encode a postback (`action=redeem&reward=12`); at most 300 characters."""
    data = urlencode({"action": action, **{k: str(v) for k, v in params.items()}})
    if len(data) > MAX_POSTBACK:
        raise ValueError(f"postback data over {MAX_POSTBACK} characters: {data[:40]}...")
    return data


def parse_postback(data: str) -> dict[str, str]:
    """Decode postback data; unknown shapes decode to an empty dict."""
    try:
        return dict(parse_qsl(data, strict_parsing=True, max_num_fields=20))
    except ValueError:
        return {}


@dataclass(frozen=True)
class Choice:
    """A quick-reply button: sends `text` when tapped, or a postback when `data` is set."""

    label: str
    text: str | None = None
    data: str | None = None

    def action(self) -> MessageAction | PostbackAction:
        label = self.label[:MAX_QUICK_LABEL]
        if self.data is not None:
            return PostbackAction(label=label, data=self.data, displayText=self.text or label)
        return MessageAction(label=label, text=self.text or self.label)


def quick_reply(choices: list[Choice]) -> QuickReply | None:
    if not choices:
        return None
    items = [QuickReplyItem(action=c.action()) for c in choices[:MAX_QUICK_REPLIES]]
    return QuickReply(items=items)


def text(body: str, choices: list[Choice] | None = None) -> TextMessage:
    """A text message (cut to LINE's 5000 characters) with optional quick replies."""
    if len(body) > MAX_TEXT:
        body = body[: MAX_TEXT - 1] + "…"
    return TextMessage(text=body, quickReply=quick_reply(choices or []))


def image(url: str, preview_url: str | None = None) -> ImageMessage:
    return ImageMessage(originalContentUrl=url, previewImageUrl=preview_url or url)


def flex(
    alt_text: str, contents: dict[str, Any], choices: list[Choice] | None = None
) -> FlexMessage:
    """A Flex message; `alt_text` is what shows in notifications (at most 400 characters)."""
    return FlexMessage(
        altText=alt_text[:400],
        contents=FlexContainer.from_dict(contents),
        quickReply=quick_reply(choices or []),
    )


def _text(value: str, **style: Any) -> dict[str, Any]:
    return {"type": "text", "text": value, "wrap": True, **style}


def _row(label: str, value: str) -> dict[str, Any]:
    return {
        "type": "box",
        "layout": "horizontal",
        "contents": [
            _text(label, size="sm", color="#888888", flex=2),
            _text(value, size="sm", weight="bold", align="end", flex=3),
        ],
    }


def member_card(
    *,
    alt_text: str,
    shop_name: str,
    title: str,
    qr_url: str,
    code: str,
    rows: list[tuple[str, str]],
    hint: str,
) -> FlexMessage:
    """The member card: shop name, the QR a cashier scans, the code and a few facts."""
    bubble = {
        "type": "bubble",
        "header": {
            "type": "box",
            "layout": "vertical",
            "backgroundColor": SHOP_COLOR,
            "contents": [
                _text(shop_name, color="#FFFFFF", weight="bold", size="lg"),
                _text(title, color="#FFFFFF", size="sm"),
            ],
        },
        "hero": {
            "type": "image",
            "url": qr_url,
            "size": "full",
            "aspectRatio": "1:1",
            "aspectMode": "fit",
        },
        "body": {
            "type": "box",
            "layout": "vertical",
            "spacing": "sm",
            "contents": [
                _text(code, weight="bold", size="xl", align="center"),
                {"type": "separator", "margin": "md"},
                *[_row(label, value) for label, value in rows],
                _text(hint, size="xs", color="#888888", margin="md"),
            ],
        },
    }
    return flex(alt_text, bubble)


def link_button(label: str, uri: str) -> URIAction:
    return URIAction(label=label[:40], uri=uri)


def as_json(messages: list[Message]) -> list[dict[str, Any]]:
    """Messages as the JSON LINE receives (for the outbox)."""
    return [m.to_dict() for m in messages]
