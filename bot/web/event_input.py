"""What a webhook event may carry into the conversation: ids of a sane shape, text the
database can keep.

A signed body comes from LINE, but its fields are still typed by people (text, postback
data a client could forge, a QR's content). PostgreSQL refuses NUL characters and lone
surrogates cannot be encoded, so both are taken out here, once, at the edge.
"""

from __future__ import annotations

import re

from linebot.v3.webhooks import EventMode

MAX_TEXT = 5000  # LINE's own limit for a text message
_ID = re.compile(r"[!-~]{1,64}")  # webhook event, user and message ids: visible ASCII


def clean_id(value: object) -> str | None:
    """An id LINE could have sent (1-64 visible ASCII characters), else None."""
    return value if isinstance(value, str) and _ID.fullmatch(value) else None


def clean_text(value: object, longest: int = MAX_TEXT) -> str:
    """Text without NUL characters or lone surrogates, at most `longest` characters."""
    if not isinstance(value, str):
        return ""
    kept = value.replace("\x00", "")[:longest]
    return kept.encode("utf-8", "replace").decode("utf-8")


def is_standby(raw: object) -> bool:
    """An event for a channel in standby mode (another bot answers): LINE says ignore it."""
    return getattr(raw, "mode", None) == EventMode.STANDBY
