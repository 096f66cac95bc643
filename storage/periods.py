"""Periods the shop's figures are counted over: half-open [start, end) in UTC, made from
days and months in the shop's time zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo


@dataclass(frozen=True)
class Period:
    """[start, end) in UTC; `previous` is the period of the same length just before."""

    start: datetime
    end: datetime
    label: str
    previous_start: datetime

    @property
    def length(self) -> timedelta:
        return self.end - self.start

    @property
    def previous(self) -> Period:
        return Period(self.previous_start, self.start, "", self.previous_start - self.length)


def _midnight(day: date, tz: tzinfo) -> datetime:
    return datetime.combine(day, time(0), tz)


def month_period(year: int, month: int, tz: tzinfo) -> Period:
    """A calendar month in the shop's time zone; the previous period is the month before."""
    first = date(year, month, 1)
    after = date(year + month // 12, month % 12 + 1, 1)
    before = date(year - (month == 1), (month - 2) % 12 + 1, 1)
    return Period(
        _midnight(first, tz), _midnight(after, tz), f"{year:04d}-{month:02d}", _midnight(before, tz)
    )


def days_period(first: date, last: date, tz: tzinfo, label: str | None = None) -> Period:
    """From the start of `first` to the end of `last` (both included), shop time."""
    start, end = _midnight(first, tz), _midnight(last + timedelta(days=1), tz)
    return Period(
        start, end, label or f"{first.isoformat()}..{last.isoformat()}", start - (end - start)
    )


def last_days(days: int, today: date, tz: tzinfo) -> Period:
    """The last `days` days, today included."""
    return days_period(today - timedelta(days=days - 1), today, tz, f"{days}d")


def month_of(moment: datetime, tz: tzinfo) -> Period:
    local = moment.astimezone(tz)
    return month_period(local.year, local.month, tz)


def months_up_to(period: Period, tz: tzinfo, count: int = 12) -> list[Period]:
    """The `count` calendar months ending with the one the period ends in."""
    last = month_of(period.end - timedelta(microseconds=1), tz)
    months = [last]
    while len(months) < count:
        months.append(month_of(months[-1].start - timedelta(microseconds=1), tz))
    return months[::-1]
