"""Every date the bot shows, one style per language, in the shop's time zone.

Thai: `2 ธ.ค. 2569` (Buddhist year); English: `2 Dec 2026`. The month names and the year
offset (543 in Thai, 0 in English) are the catalogs' `months` and `year_offset`.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo

from handlers.i18n import t


def _local_day(when: date | datetime, tz: tzinfo | None) -> date:
    if isinstance(when, datetime):
        return when.astimezone(tz).date() if tz is not None else when.date()
    return when


def shown_year(lang: str, year: int) -> int:
    """2026 → 2569 in Thai, 2026 in English."""
    return year + int(t(lang, "year_offset"))


def month_name(lang: str, month: int) -> str:
    """`ธ.ค.` / `Dec`."""
    return t(lang, "months").split()[month - 1]


def show_date(lang: str, when: date | datetime, tz: tzinfo | None = None) -> str:
    """`2 ธ.ค. 2569` / `2 Dec 2026`; a moment is shown on the shop's day (`tz`)."""
    day = _local_day(when, tz)
    return f"{day.day} {month_name(lang, day.month)} {shown_year(lang, day.year)}"


def show_time(lang: str, when: datetime, tz: tzinfo) -> str:
    """`2 ธ.ค. 2569 14:05` / `2 Dec 2026 14:05`, shop time."""
    return f"{show_date(lang, when, tz)} {when.astimezone(tz):%H:%M}"


def show_month(lang: str, year: int, month: int) -> str:
    """`ธ.ค. 2569` / `Dec 2026`."""
    return f"{month_name(lang, month)} {shown_year(lang, year)}"
