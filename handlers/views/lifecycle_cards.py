"""Flex layouts for the automations: the invite-a-friend card."""

from __future__ import annotations

from handlers.views.messages import (
    MAX_BUTTON_LABEL,
    MUTED,
    Choice,
    FlexColors,
    Message,
    cut_label,
    flex,
    flex_box,
    flex_text,
)


def invite_card(
    *,
    alt_text: str,
    title: str,
    body: str,
    button: str,
    uri: str,
    colors: FlexColors,
    choices: list[Choice],
) -> Message:
    """A card with one button that opens LINE's share sheet with the invite typed in."""
    share = {
        "type": "button",
        "style": colors.button_style,
        "color": colors.band,
        "action": {"type": "uri", "label": cut_label(button, MAX_BUTTON_LABEL), "uri": uri},
    }
    bubble = {
        "type": "bubble",
        "body": flex_box(
            [
                flex_text(title, weight="bold", size="lg", color=colors.accent),
                flex_text(body, size="sm", color=MUTED),
            ],
            spacing="md",
        ),
        "footer": flex_box([share]),
    }
    return flex(alt_text, bubble, choices)
