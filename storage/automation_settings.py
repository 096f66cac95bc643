"""The automations the owner switches on and off, their settings and the defaults.

Each automation has a row in `automation_setting` once the owner changed something; until
then the defaults below apply. Values are whole numbers (baht, days, hours, percent), a
reward number, or one of a few words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from sqlmodel import Session, select

from storage import clock
from storage.db import KNOWN, get_once, remember
from storage.models import AutomationSetting, Reward


@dataclass(frozen=True)
class Knob:
    """One setting of an automation: its kind says how the owner types it."""

    key: str
    default: Any
    kind: str = "whole"  # whole | percent | reward | choice
    low: int = 0
    high: int = 1_000_000
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Automation:
    name: str
    on: bool
    knobs: tuple[Knob, ...]
    switchable: bool = True

    def knob(self, key: str) -> Knob | None:
        return next((k for k in self.knobs if k.key == key), None)


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
COUPON = Knob("coupon", None, "reward")

AUTOMATIONS: tuple[Automation, ...] = (
    Automation("welcome", True, (Knob("points", 0, high=100_000), COUPON)),
    Automation(
        "thankyou",
        True,
        (Knob("hours", 2, high=72), COUPON, Knob("coupon_days", 14, low=1, high=365)),
    ),
    Automation(
        "winback",
        True,
        (Knob("days", 45, low=7, high=730), Knob("again", 60, low=1, high=730), COUPON),
    ),
    Automation(
        "birthday",
        True,
        (Knob("when", "month", "choice", choices=("month", "day")), Knob("points", 50), COUPON),
    ),
    Automation("expiry", True, (Knob("months", 12, high=120), Knob("remind", 14, low=1, high=60))),
    Automation(
        "tiers",
        True,
        (
            Knob("silver", 5_000, low=1, high=10_000_000),
            Knob("silver_x", 125, "percent", low=100, high=1000),
            Knob("gold", 20_000, low=1, high=10_000_000),
            Knob("gold_x", 150, "percent", low=100, high=1000),
        ),
    ),
    Automation("referral", True, (Knob("points", 50, high=100_000),)),
    Automation(
        "alert",
        True,
        (Knob("day", "mon", "choice", choices=WEEKDAYS), Knob("hour", 10, high=23)),
    ),
    Automation(
        "limits",
        True,
        (
            Knob("gap", 3, high=30),
            Knob("quiet_from", 21, high=23),
            Knob("quiet_until", 9, high=23),
        ),
        switchable=False,
    ),
)
BY_NAME = {a.name: a for a in AUTOMATIONS}
ALL_READ = "automation_settings_read"  # in `session.info`: every row was read once


class BadSetting(ValueError):
    """The value does not fit the setting; `knob` says which (for the reply)."""

    def __init__(self, knob: Knob) -> None:
        super().__init__(f"bad value for {knob.key}")
        self.knob = knob


@dataclass(frozen=True)
class Config:
    """An automation's state as the jobs read it."""

    name: str
    enabled: bool
    values: dict[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.values[key]


def config(session: Session, name: str) -> Config:
    """The automation's switch and settings: the owner's choices over the defaults."""
    automation = BY_NAME[name]
    _read_all_once(session)
    row: AutomationSetting | None = get_once(session, AutomationSetting, name)
    values = {k.key: k.default for k in automation.knobs}
    if row is None:
        return Config(name, automation.on, values)
    values.update({k: v for k, v in row.values.items() if k in values})
    return Config(name, row.enabled or not automation.switchable, values)


def _read_all_once(session: Session) -> None:
    """Every automation's row (or its absence) in one query, the first time a session
    needs one: an award reads several (points expiry, tiers ...)."""
    if session.info.get(ALL_READ):
        return
    rows = {row.name: row for row in session.exec(select(AutomationSetting))}
    for name in BY_NAME:
        if (AutomationSetting, name) not in session.info.get(KNOWN, {}):
            remember(session, AutomationSetting, name, rows.get(name))
    session.info[ALL_READ] = True


def _row(session: Session, name: str) -> AutomationSetting:
    row = session.get(AutomationSetting, name, with_for_update=True)
    if row is None:
        row = AutomationSetting(name=name, enabled=BY_NAME[name].on)
        session.add(row)
    remember(session, AutomationSetting, name, row)
    return row


def switch(session: Session, name: str, on: bool, *, by: str) -> bool:
    """Turn an automation on or off; returns whether it was on before."""
    row = _row(session, name)
    was = row.enabled
    row.enabled, row.updated_by, row.updated_at = on, by, clock.now()
    session.flush()
    return was


def read_value(session: Session, knob: Knob, typed: str) -> Any:
    """What the owner typed as the knob's value (a number or a choice); raises BadSetting."""
    cleaned = typed.strip().lower().replace(",", "").removeprefix("#").removeprefix("x")
    if knob.kind == "choice":
        if cleaned not in knob.choices:
            raise BadSetting(knob)
        return cleaned
    if knob.kind == "reward":
        return _reward(session, knob, cleaned)
    if knob.kind == "percent":
        return _percent(knob, cleaned)
    if not cleaned.isdecimal() or not knob.low <= int(cleaned) <= knob.high:
        raise BadSetting(knob)
    return int(cleaned)


def _reward(session: Session, knob: Knob, cleaned: str) -> int:
    """A reward's number; the words for "no coupon" are read by the conversation."""
    if not cleaned.isdecimal() or session.get(Reward, int(cleaned)) is None:
        raise BadSetting(knob)
    return int(cleaned)


def _percent(knob: Knob, cleaned: str) -> int:
    """`1.5`, `x1.5` and `150%` are all 150 (percent of the usual points)."""
    try:
        value = float(cleaned.removesuffix("%"))
    except ValueError:
        raise BadSetting(knob) from None
    percent = round(value if cleaned.endswith("%") else value * 100)
    if not knob.low <= percent <= knob.high:
        raise BadSetting(knob)
    return percent


def tune(session: Session, name: str, key: str, value: Any, *, by: str) -> None:
    """Store one setting (already read with `read_value`); Gold must need more than Silver."""
    values = {**config(session, name).values, key: value}
    if name == "tiers" and values["silver"] >= values["gold"]:
        raise BadSetting(BY_NAME[name].knob(key))  # type: ignore[arg-type]
    row = _row(session, name)
    row.values = {**row.values, key: value}
    row.updated_by, row.updated_at = by, clock.now()
    session.flush()


def in_quiet_hours(session: Session, now: datetime, tz: tzinfo) -> bool:
    """Between the owner's quiet-from and quiet-until hours (shop time); equal hours: never."""
    limits = config(session, "limits")
    start, end, hour = limits["quiet_from"], limits["quiet_until"], now.astimezone(tz).hour
    if start == end:
        return False
    return start <= hour or hour < end if start > end else start <= hour < end
