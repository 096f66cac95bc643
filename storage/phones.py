"""Phone numbers: parsed with phonenumbers (default region TH), kept as E.164.

Parsing is slow (pure Python) and one event may ask about the same text several times
(the command, the guard, the audit line), so the answers for recent texts are kept.
"""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers

_LOOKS_LIKE_PHONE = re.compile(r"^\+?[\d\s().-]{1,24}$")


def looks_like_phone(text: str, min_digits: int = 8) -> bool:
    """True for text shaped like a phone number (valid or not): digits and separators only."""
    return (
        bool(_LOOKS_LIKE_PHONE.match(text.strip())) and sum(c.isdigit() for c in text) >= min_digits
    )


def to_e164(text: str, region: str = "TH") -> str | None:
    """`081-234-5678`, `0812345678`, `+66812345678` -> `+66812345678`; None if invalid."""
    if not looks_like_phone(text):
        return None
    return _e164(text.strip(), region)


@lru_cache(maxsize=4096)
def _e164(text: str, region: str) -> str | None:
    """What phonenumbers makes of phone-shaped text (at most 24 characters: the cache
    stays small whatever people type)."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@lru_cache(maxsize=4096)
def display(e164: str, region: str = "TH") -> str:
    """How a phone is shown to people: national format for the shop's own country."""
    number = phonenumbers.parse(e164, None)
    if phonenumbers.region_code_for_number(number) == region:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def masked(e164: str, region: str = "TH") -> str:
    """The phone with its middle digits hidden, for notices: `081-xxx-5678`."""
    digits = "".join(ch for ch in display(e164, region) if ch.isdigit() or ch == "+")
    if len(digits) < 8:
        return digits
    return f"{digits[:3]}-{'x' * (len(digits) - 7)}-{digits[-4:]}"
