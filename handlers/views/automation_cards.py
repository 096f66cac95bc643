"""The owner's automations carousel: one bubble per automation, and a last one for the month.

Each bubble shows the automation's state, a button per setting (its current value on it;
tapping it offers new values), what it did in the last 30 days, and an on/off button.
Built from plain values already in the owner's language, so it knows nothing of the chat or
the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from handlers.views.messages import MUTED, Button, FlexColors, flex_box, flex_text

OFF_BAND = "#8A8F98"  # an automation switched off: its header greys out


@dataclass(frozen=True)
class AutomationCard:
    title: str
    on: bool
    state: str  # "on" or "off", in the owner's language
    settings: list[Button]  # one per setting, labelled with its current value
    activity: list[str]  # the last 30 days, one line each
    switch: Button | None  # None for an automation that always applies
    note: str = ""


@dataclass(frozen=True)
class MonthCard:
    title: str
    lines: list[str]


def _header(
    title: str, subtitle: str | None, colors: FlexColors, on: bool = True
) -> dict[str, Any]:
    ink = colors.on_band if on else "#FFFFFF"
    lines = [flex_text(title, color=ink, weight="bold", size="lg")]
    if subtitle:
        lines.append(flex_text(subtitle, color=ink, size="sm", weight="bold"))
    return flex_box(lines, backgroundColor=colors.band if on else OFF_BAND)


def automation_bubble(card: AutomationCard, colors: FlexColors) -> dict[str, Any]:
    """One automation; its buttons stay within a bubble's few kilobytes."""
    body: list[dict[str, Any]] = [button.as_flex(colors) for button in card.settings]
    if card.note:
        body.append(flex_text(card.note, size="xs", color=MUTED))
    body.append({"type": "separator", "margin": "md"})
    body += [flex_text(line, size="sm", color=MUTED) for line in card.activity]
    bubble: dict[str, Any] = {
        "type": "bubble",
        "size": "kilo",
        "header": _header(card.title, card.state, colors, card.on),
        "body": flex_box(body, spacing="sm"),
    }
    if card.switch is not None:
        bubble["footer"] = flex_box([card.switch.as_flex(colors)])
    return bubble


def month_bubble(card: MonthCard, colors: FlexColors) -> dict[str, Any]:
    """The messages automations used this month, and the typed shortcuts."""
    lines = [flex_text(line, size="sm") for line in card.lines[:1]]
    lines += [flex_text(line, size="xs", color=MUTED) for line in card.lines[1:]]
    return {
        "type": "bubble",
        "size": "kilo",
        "header": _header(card.title, None, colors),
        "body": flex_box(lines, spacing="md"),
    }
