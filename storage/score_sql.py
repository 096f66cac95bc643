"""The statements of an RFM refresh (storage/segments.py): every member's R, F and M into a
scratch table, their scores, and the three writes to member_score, for SQLite and
PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Date, TextClause, bindparam, text

from storage import score_bounds
from storage.models import UTCDateTime
from storage.segment_names import NO_PURCHASE, segment_sql


def _recency(dialect: str, last: str) -> str:
    """Whole days from the shop-local date of the `last` purchase to the as-of date."""
    if dialect == "postgresql":
        return f"(CAST(:as_of AS date) - CAST({last} AT TIME ZONE :tz AS date))"
    # julianday(date(x, shift)), without writing out and reading back the date
    return f"CAST(julianday(:as_of) - julianday({last}, :shift, 'start of day') AS INTEGER)"


LATER = "SELECT 1 FROM purchase WHERE occurred_at >= :cutoff AND voided_at IS NULL LIMIT 1"
"""A live purchase after the as-of date, which the members' kept summaries count."""


def aggregate(dialect: str, kept: bool) -> str:
    """R, F and M of every member with a counted purchase, in member order. `kept`: from
    the members' kept summaries (storage/purchase_summary.py), when every live purchase
    counts; else from the purchases before the cutoff, and erased members are deleted
    after (cheaper than looking each member up as it is grouped)."""
    if kept:
        select = f"""
SELECT mb.id AS member_id, {_recency(dialect, "mb.last_purchase_at")} AS r,
       mb.purchases AS f, mb.spent_satang AS m
FROM member mb
WHERE mb.purchases > 0 AND mb.erased_at IS NULL"""
    else:
        select = f"""
SELECT p.member_id AS member_id, {_recency(dialect, "MAX(p.occurred_at)")} AS r,
       COUNT(*) AS f, SUM(p.amount_satang) AS m
FROM purchase p
WHERE p.voided_at IS NULL AND p.occurred_at < :cutoff
GROUP BY p.member_id"""
    if dialect == "postgresql":  # CREATE TABLE AS may scan in parallel, INSERT may not
        return f"CREATE TEMPORARY TABLE rfm_agg AS {select}"
    return f"INSERT INTO rfm_agg (member_id, r, f, m) {select}"


NOT_ERASED = """
DELETE FROM rfm_agg
WHERE member_id IN (SELECT mb.id FROM member mb WHERE mb.erased_at IS NOT NULL)
"""
SCRATCH = (  # SQLite: a rowid table, filled in member order
    "CREATE TEMPORARY TABLE rfm_agg (member_id INTEGER PRIMARY KEY, r INTEGER, f INTEGER, m BIGINT)"
)


def _score(value: str, op: str) -> str:
    """CASE giving 5..2 to the first `value op :value{n}` that holds, else 1."""
    whens = " ".join(f"WHEN {value} {op} :{value}{n} THEN {n}" for n in score_bounds.SCORES)
    return f"CASE {whens} ELSE 1 END"


_COLUMNS = (
    "last_purchase_on", "frequency", "monetary_satang", "r_score", "f_score", "m_score", "segment",
)  # fmt: skip


def _last_purchase(dialect: str) -> str:
    """The shop-local day of the last purchase: the as-of date minus R days."""
    if dialect == "postgresql":
        return "CAST(:as_of AS date) - s.r"
    return "date(:as_of, -s.r || ' days')"


def _scored(dialect: str) -> str:
    """Every member not erased with the columns of their member_score row."""
    return f"""
SELECT mb.id AS member_id, {_last_purchase(dialect)} AS last_purchase_on,
       s.f AS frequency, s.m AS monetary_satang, s.rs AS r_score, s.fs AS f_score,
       s.ms AS m_score,
       CASE WHEN s.member_id IS NULL THEN '{NO_PURCHASE}'
            ELSE {segment_sql("s.rs", "s.fs")} END AS segment
FROM member mb LEFT JOIN (
    SELECT member_id, r, f, m, {_score("r", "<=")} AS rs, {_score("f", ">=")} AS fs,
           {_score("m", ">=")} AS ms
    FROM rfm_agg
) s ON s.member_id = mb.id
WHERE mb.erased_at IS NULL"""


def changed(dialect: str) -> str:
    """Rewrite only the rows whose figures, scores or segment differ from last time: after
    a night most members' rows are the same, and an unchanged row costs no write."""
    return f"""
UPDATE member_score SET {", ".join(f"{c} = n.{c}" for c in _COLUMNS)}
FROM ({_scored(dialect)}) n
WHERE member_score.member_id = n.member_id
  AND ({", ".join(f"member_score.{c}" for c in _COLUMNS)})
      IS DISTINCT FROM ({", ".join(f"n.{c}" for c in _COLUMNS)})
"""


def added(dialect: str) -> str:
    """Rows for members without one yet, in member order (SQLite appends instead of
    inserting at random)."""
    columns = ", ".join(_COLUMNS)
    return f"""
INSERT INTO member_score (member_id, {columns})
SELECT n.member_id, {", ".join(f"n.{c}" for c in _COLUMNS)}
FROM ({_scored(dialect)}) n
WHERE NOT EXISTS (SELECT 1 FROM member_score t WHERE t.member_id = n.member_id)
ORDER BY n.member_id
"""


ERASED = """
DELETE FROM member_score
WHERE member_id IN (SELECT mb.id FROM member mb WHERE mb.erased_at IS NOT NULL)
"""


def params(as_of: date, tz: ZoneInfo) -> dict[str, object]:
    cutoff = datetime.combine(as_of + timedelta(days=1), time(), tzinfo=tz)
    offset = int((cutoff.utcoffset() or timedelta(0)).total_seconds())
    return {
        "as_of": as_of,
        "cutoff": cutoff.astimezone(UTC),
        "tz": tz.key,
        "shift": f"{offset:+d} seconds",
    }


def typed(sql: str) -> TextClause:
    types: dict[str, Any] = {"as_of": Date, "cutoff": UTCDateTime}
    named = [bindparam(name, type_=kind) for name, kind in types.items() if f":{name}" in sql]
    return text(sql).bindparams(*named)
