"""The ten customer segments and the (R score, F score) pairs that make each, in Python
and in SQL alike."""

from __future__ import annotations

NO_PURCHASE = "no_purchase"

# (segment, R scores, F scores): the table, the single source of the SQL CASE.
RULES: tuple[tuple[str, tuple[int, ...], tuple[int, ...]], ...] = (
    ("champions", (5,), (4, 5)),
    ("loyal", (3, 4), (4, 5)),
    ("potential_loyalist", (4, 5), (2, 3)),
    ("new", (5,), (1,)),
    ("promising", (4,), (1,)),
    ("need_attention", (3,), (3,)),
    ("about_to_sleep", (3,), (1, 2)),
    ("cant_lose", (1, 2), (5,)),
    ("at_risk", (1, 2), (3, 4)),
    ("hibernating", (1, 2), (1, 2)),
)
SEGMENTS: tuple[str, ...] = tuple(name for name, _, _ in RULES)
ALL_SEGMENTS: tuple[str, ...] = (*SEGMENTS, NO_PURCHASE)


def segment_for(r_score: int, f_score: int) -> str:
    """The segment of an (R, F) pair of scores."""
    for name, rs, fs in RULES:
        if r_score in rs and f_score in fs:
            return name
    raise ValueError(f"scores out of range: R={r_score} F={f_score}")


def segment_sql(r: str, f: str) -> str:
    """The same mapping as a SQL CASE over the expressions `r` and `f`: a simple CASE on
    `10 r + f`, so each is evaluated once however long the list of pairs."""
    whens = " ".join(
        f"WHEN {10 * r_score + f_score} THEN '{name}'"
        for name, rs, fs in RULES
        for r_score in rs
        for f_score in fs
    )
    return f"CASE 10 * {r} + {f} {whens} END"
