"""The bounds that turn R, F and M into scores, found before any member is scored.

storage/segments.py scores every member with one CASE per value: 5 for `r <= r5`, else 4
for `r <= r4`, ... else 1 (F and M likewise with `>=`). By thresholds the R and F bounds
are the owner's, and M's bound is the smallest whole m with `200 * m >= percent * twice`
(twice the median). By ranks, `1 + floor(5 * worse / n)` (worse = the members with a
strictly worse value) is at least s exactly when worse >= c = ceil((s - 1) * n / 5), that
is when the value is better than the c-th worst: F and M are at least 1 + the c-th
smallest value, R at most the c-th largest - 1. So ranks need no sort of every member by
each value: the counts per (R, F) pair (few distinct days and purchase counts) and a few
order statistics of M give the same scores as `RANK()` would.

Every query reads the temporary table `rfm_agg (member_id, r, f, m)` of scored members.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from sqlalchemy import text
from sqlmodel import Session

from storage import segment_rules

SCORES = (5, 4, 3, 2)
Bounds = dict[str, int | None]  # "r5".."r2", "f5".."f2", "m5".."m2"; None: never reached


def bounds(session: Session, rule: segment_rules.Thresholds, n: int) -> Bounds:
    """The twelve bounds for `n` scored members: by ranks or by `rule`'s thresholds."""
    if n == 0:
        return {f"{kind}{s}": None for kind in "rfm" for s in SCORES}
    if rule.uses_ranks(n):
        return _by_ranks(session, n)
    return _by_thresholds(session, rule, n)


def _worse_than(n: int) -> dict[int, int]:
    """For each score s, how many members must be worse: ceil((s - 1) * n / 5)."""
    return {s: -(-(s - 1) * n // 5) for s in SCORES}


def _by_ranks(session: Session, n: int) -> Bounds:
    r_counts: Counter[int] = Counter()
    f_counts: Counter[int] = Counter()
    pairs = session.execute(text("SELECT r, f, COUNT(*) FROM rfm_agg GROUP BY r, f"))
    for r, f, count in pairs:
        r_counts[int(r)] += int(count)
        f_counts[int(f)] += int(count)
    worse = _worse_than(n)
    m_at = _m_at(session, worse.values())
    found: Bounds = {}
    for s, c in worse.items():
        found[f"r{s}"] = _nth(r_counts, n + 1 - c) - 1  # the c-th largest
        found[f"f{s}"] = _nth(f_counts, c) + 1
        found[f"m{s}"] = m_at[c] + 1
    return found


def _by_thresholds(session: Session, rule: segment_rules.Thresholds, n: int) -> Bounds:
    m_at = _m_at(session, ((n + 1) // 2, (n + 2) // 2))
    twice = m_at[(n + 1) // 2] + m_at[(n + 2) // 2]
    found: Bounds = {}
    for s, r, f, percent in zip(
        SCORES, rule.recency_days, rule.purchases, rule.spend_percent, strict=True
    ):
        found[f"r{s}"], found[f"f{s}"] = r, f
        found[f"m{s}"] = -(-percent * twice // 200)  # the least m with 200 m >= percent twice
    return found


def _nth(counts: Counter[int], position: int) -> int:
    """The position-th smallest value (from 1) of the values counted."""
    seen = 0
    for value in sorted(counts):
        seen += counts[value]
        if seen >= position:
            return value
    raise ValueError(f"position {position} beyond {seen} values")


def _m_at(session: Session, positions: Iterable[int]) -> dict[int, int]:
    """M's position-th smallest values (from 1), in one sort."""
    wanted = sorted(set(positions))
    listed = ", ".join(str(int(p)) for p in wanted)
    rows = session.execute(
        text(
            "SELECT i, m FROM (SELECT m, ROW_NUMBER() OVER (ORDER BY m) AS i FROM rfm_agg) o"
            f" WHERE i IN ({listed})"
        )
    )
    found = {int(i): int(m) for i, m in rows}
    if len(found) != len(wanted):
        raise ValueError(f"positions {wanted} not all among the scored members")
    return found
