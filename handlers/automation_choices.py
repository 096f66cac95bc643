"""The values offered as quick replies when the owner taps one of an automation's settings.

Numbers are a few sensible steps for each setting (the current value among them, marked);
a coupon offers the active rewards and "none"; a choice offers its words. Anything else
can still be typed: `automation winback days 75`.
"""

from __future__ import annotations

from typing import Any

from storage.automation_settings import Knob

STEPS: dict[str, tuple[int, ...]] = {
    "points": (0, 10, 20, 50, 100, 200),
    "hours": (1, 2, 4, 12, 24),
    "coupon_days": (7, 14, 30, 60, 90),
    "days": (30, 45, 60, 90, 120, 180),
    "again": (30, 60, 90, 180),
    "months": (0, 6, 12, 18, 24),
    "remind": (7, 14, 30),
    "silver": (2_000, 5_000, 10_000, 20_000),
    "gold": (10_000, 20_000, 30_000, 50_000),
    "silver_x": (110, 125, 150, 200),
    "gold_x": (125, 150, 200, 300),
    "hour": (8, 9, 10, 12, 15, 18),
    "gap": (0, 1, 2, 3, 7, 14),
    "quiet_from": (19, 20, 21, 22, 23),
    "quiet_until": (7, 8, 9, 10),
}


def steps(knob: Knob, current: Any) -> list[Any]:
    """The values to offer for a number or a choice, in order, the current one included."""
    if knob.kind == "choice":
        return list(knob.choices)
    offered = [v for v in STEPS.get(knob.key, ()) if knob.low <= v <= knob.high]
    if isinstance(current, int) and current not in offered:
        offered.append(current)
    return sorted(offered)


def as_typed(knob: Knob, value: Any) -> str:
    """`value` as the owner would type it (`150%` for one and a half times, `none`)."""
    if value is None:
        return "none"
    return f"{value}%" if knob.kind == "percent" else str(value)
