"""Whole numbers people type or tap (ids, page starts, counts), read strictly.

`str.isdigit` is not enough: `²` is a digit that `int` refuses, and `99…9` (400 digits) is
a number no database column keeps. Every id column is a PostgreSQL INTEGER.
"""

from __future__ import annotations

MAX_ID = 2**31 - 1


def whole_number(typed: str, most: int = MAX_ID) -> int | None:
    """`12`, `๑๒` (Thai digits) -> 12; None for anything else or more than `most`."""
    if not typed or len(typed) > len(str(most)) or not typed.isdecimal():
        return None
    value = int(typed)
    return value if value <= most else None
