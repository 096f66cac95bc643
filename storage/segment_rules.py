"""How RFM scores are given: ranks from 100 scored members up, fixed thresholds below.

Ranks of a handful of members mean nothing (one customer who bought minutes ago would be
"hibernating", and when everyone ties everyone gets the worst score), so a small shop
scores against thresholds the owner can change:
- R by days since the last purchase: at most 30 → 5, 60 → 4, 90 → 3, 180 → 2, else 1;
- F by purchases: at least 10 → 5, 6 → 4, 3 → 3, 2 → 2, else 1;
- M by total spend against the median member's: at least 4× → 5, 2× → 4, 1× → 3,
  0.5× → 2, else 1 (kept as percent: 400, 200, 100, 50).

The owner's thresholds live in the `automation_setting` row named `rfm` (a small JSON of
three lists), so no table of its own is needed.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from storage import clock
from storage.models import AutomationSetting

ROW = "rfm"
RANK_FROM = 100

Four = tuple[int, int, int, int]


@dataclass(frozen=True)
class Thresholds:
    """The bounds for the scores 5, 4, 3 and 2 of R, F and M (1 is what is left)."""

    recency_days: Four = (30, 60, 90, 180)
    purchases: Four = (10, 6, 3, 2)
    spend_percent: Four = (400, 200, 100, 50)
    rank_from: int = RANK_FROM

    def uses_ranks(self, scored: int) -> bool:
        return scored >= self.rank_from


DEFAULT = Thresholds()
ALWAYS_RANKS = Thresholds(rank_from=0)
KINDS = ("recency_days", "purchases", "spend_percent")
LIMITS = {"recency_days": 3650, "purchases": 10_000, "spend_percent": 100_000}


class BadThresholds(ValueError):
    """Four whole numbers in order (R rising, F and M falling), each within its limit."""


def check(kind: str, values: tuple[int, ...]) -> Four:
    """The four bounds if they fit `kind`; raises BadThresholds."""
    if kind not in KINDS or len(values) != 4:
        raise BadThresholds(kind)
    if not all(1 <= v <= LIMITS[kind] for v in values):
        raise BadThresholds(kind)
    rising = all(a < b for a, b in zip(values, values[1:], strict=False))
    falling = all(a > b for a, b in zip(values, values[1:], strict=False))
    if not (rising if kind == "recency_days" else falling):
        raise BadThresholds(kind)
    return values[0], values[1], values[2], values[3]


def thresholds(session: Session) -> Thresholds:
    """The owner's thresholds over the defaults; a damaged row falls back to the defaults."""
    row = session.get(AutomationSetting, ROW)
    if row is None:
        return DEFAULT
    chosen: dict[str, Four] = {}
    for kind in KINDS:
        stored = row.values.get(kind) or ()
        try:
            chosen[kind] = check(kind, tuple(int(v) for v in stored))
        except (BadThresholds, TypeError, ValueError):
            continue
    return Thresholds(**chosen)  # type: ignore[arg-type]


def set_thresholds(session: Session, kind: str, values: tuple[int, ...], *, by: str) -> Thresholds:
    """Store one kind's four bounds (checked); returns the thresholds now in force."""
    values = check(kind, values)
    row = session.get(AutomationSetting, ROW, with_for_update=True)
    if row is None:
        row = AutomationSetting(name=ROW, enabled=True)
        session.add(row)
    row.values = {**row.values, kind: list(values)}
    row.updated_by, row.updated_at = by, clock.now()
    session.flush()
    return thresholds(session)


def reset_thresholds(session: Session) -> Thresholds:
    """Back to the documented defaults."""
    row = session.get(AutomationSetting, ROW)
    if row is not None:
        session.delete(row)
        session.flush()
    return DEFAULT
