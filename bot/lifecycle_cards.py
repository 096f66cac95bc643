"""Flex layouts for the automations: the invite-a-friend card."""

from __future__ import annotations

from typing import Any

from linebot.v3.messaging import FlexMessage

from bot.messages import SHOP_COLOR, Choice, flex

MUTED = "#888888"


def _text(value: str, **style: Any) -> dict[str, Any]:
    return {"type": "text", "text": value, "wrap": True, **style}


def invite_card(
    *, alt_text: str, title: str, body: str, button: str, uri: str, choices: list[Choice]
) -> FlexMessage:
    """A card with one button that opens LINE's share sheet with the invite typed in."""
    bubble = {
        "type": "bubble",
        "body": {
            "type": "box",
            "layout": "vertical",
            "spacing": "md",
            "contents": [
                _text(title, weight="bold", size="lg", color=SHOP_COLOR),
                _text(body, size="sm", color=MUTED),
            ],
        },
        "footer": {
            "type": "box",
            "layout": "vertical",
            "contents": [
                {
                    "type": "button",
                    "style": "primary",
                    "color": SHOP_COLOR,
                    "action": {"type": "uri", "label": button[:40], "uri": uri},
                }
            ],
        },
    }
    return flex(alt_text, bubble, choices)
