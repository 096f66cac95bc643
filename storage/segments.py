"""RFM scores and the ten customer segments, computed in the database with window functions.

For every member with at least one purchase up to the as-of date (voided ones and later
ones do not count): R = days since the last purchase, F = number of purchases, M = total
spend in satang. From 100 scored members up each score is `1 + floor(5 * (rank - 1) / N)`
where N is the number of scored members and `rank = 1 + the number of members with a
strictly worse value`, which is exactly `RANK() OVER (ORDER BY value worst-first)`; ties
share a score. Below that the scores come from the thresholds in storage/segment_rules.py
(M against twice the median, in whole numbers: `200 * m >= percent * (2 * median)`). The
segment comes from (R score, F score); members without a purchase are `no_purchase`.

A refresh records its as-of date in `score_run` and rewrites only the member_score rows
whose figures, scores or segment changed (a row keeps the day of the last purchase, not R),
so a nightly run writes the few members who bought, were erased or crossed a bound, not
every member.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Date, TextClause, bindparam, func, text
from sqlmodel import Session, col, select

from storage import clock, score_bounds, segment_rules
from storage.models import Member, MemberScore, ScoreRun, UTCDateTime

log = logging.getLogger(__name__)

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


def _recency_sql(dialect: str) -> str:
    """Whole days from the shop-local date of the last purchase to the as-of date."""
    if dialect == "postgresql":
        return "(CAST(:as_of AS date) - CAST(MAX(p.occurred_at) AT TIME ZONE :tz AS date))"
    # julianday(date(x, shift)), without writing out and reading back the date
    return (
        "CAST(julianday(:as_of) - julianday(MAX(p.occurred_at), :shift, 'start of day') AS INTEGER)"
    )


def _aggregate_sql(dialect: str) -> str:
    """R, F and M of every member with a counted purchase, in member order (erased members
    are deleted after: cheaper than looking each member up as it is grouped)."""
    select = f"""
SELECT p.member_id AS member_id, {_recency_sql(dialect)} AS r,
       COUNT(*) AS f, SUM(p.amount_satang) AS m
FROM purchase p
WHERE p.voided_at IS NULL AND p.occurred_at < :cutoff
GROUP BY p.member_id"""
    if dialect == "postgresql":  # CREATE TABLE AS may scan in parallel, INSERT may not
        return f"CREATE TEMPORARY TABLE rfm_agg AS {select}"
    return f"INSERT INTO rfm_agg (member_id, r, f, m) {select}"


_NOT_ERASED_SQL = """
DELETE FROM rfm_agg
WHERE member_id IN (SELECT mb.id FROM member mb WHERE mb.erased_at IS NOT NULL)
"""
_SCRATCH = (  # SQLite: a rowid table, filled in member order
    "CREATE TEMPORARY TABLE rfm_agg (member_id INTEGER PRIMARY KEY, r INTEGER, f INTEGER, m BIGINT)"
)


def _score(value: str, op: str) -> str:
    """CASE giving 5..2 to the first `value op :value{n}` that holds, else 1."""
    whens = " ".join(f"WHEN {value} {op} :{value}{n} THEN {n}" for n in score_bounds.SCORES)
    return f"CASE {whens} ELSE 1 END"


_COLUMNS = (
    "last_purchase_on", "frequency", "monetary_satang", "r_score", "f_score", "m_score", "segment",
)  # fmt: skip


def _last_purchase_sql(dialect: str) -> str:
    """The shop-local day of the last purchase: the as-of date minus R days."""
    if dialect == "postgresql":
        return "CAST(:as_of AS date) - s.r"
    return "date(:as_of, -s.r || ' days')"


def _scored_sql(dialect: str) -> str:
    """Every member not erased with the columns of their member_score row."""
    return f"""
SELECT mb.id AS member_id, {_last_purchase_sql(dialect)} AS last_purchase_on,
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


def _changed_sql(dialect: str) -> str:
    """Rewrite only the rows whose figures, scores or segment differ from last time: after
    a night most members' rows are the same, and an unchanged row costs no write."""
    return f"""
UPDATE member_score SET {", ".join(f"{c} = n.{c}" for c in _COLUMNS)}
FROM ({_scored_sql(dialect)}) n
WHERE member_score.member_id = n.member_id
  AND ({", ".join(f"member_score.{c}" for c in _COLUMNS)})
      IS DISTINCT FROM ({", ".join(f"n.{c}" for c in _COLUMNS)})
"""


def _added_sql(dialect: str) -> str:
    """Rows for members without one yet, in member order (SQLite appends instead of
    inserting at random)."""
    columns = ", ".join(_COLUMNS)
    return f"""
INSERT INTO member_score (member_id, {columns})
SELECT n.member_id, {", ".join(f"n.{c}" for c in _COLUMNS)}
FROM ({_scored_sql(dialect)}) n
WHERE NOT EXISTS (SELECT 1 FROM member_score t WHERE t.member_id = n.member_id)
ORDER BY n.member_id
"""


_ERASED_SQL = """
DELETE FROM member_score
WHERE member_id IN (SELECT mb.id FROM member mb WHERE mb.erased_at IS NOT NULL)
"""


def _params(as_of: date, tz: ZoneInfo) -> dict[str, object]:
    cutoff = datetime.combine(as_of + timedelta(days=1), time(), tzinfo=tz)
    offset = int((cutoff.utcoffset() or timedelta(0)).total_seconds())
    return {
        "as_of": as_of,
        "cutoff": cutoff.astimezone(UTC),
        "tz": tz.key,
        "shift": f"{offset:+d} seconds",
    }


def _typed(sql: str) -> TextClause:
    types: dict[str, Any] = {"as_of": Date, "cutoff": UTCDateTime}
    named = [bindparam(name, type_=kind) for name, kind in types.items() if f":{name}" in sql]
    return text(sql).bindparams(*named)


def refresh_scores(
    session: Session,
    *,
    as_of: date,
    tz: ZoneInfo,
    rule: segment_rules.Thresholds | None = None,
) -> int:
    """Recompute every member's scores and segment as of `as_of`; returns members scored.

    `rule` defaults to the owner's thresholds (storage/segment_rules.py).
    """
    dialect = session.get_bind().dialect.name
    params = _params(as_of, tz)
    chosen = rule or segment_rules.thresholds(session)
    if dialect == "postgresql":
        # a hash aggregate of a row per member and a sort of M: keep them in memory
        session.execute(text("SET LOCAL work_mem = '256MB'"))
        session.execute(text("SET LOCAL jit = off"))
    else:
        session.execute(text(_SCRATCH))
    session.execute(_typed(_aggregate_sql(dialect)), params)
    session.execute(text(_NOT_ERASED_SQL))
    n = int(session.execute(text("SELECT COUNT(*) FROM rfm_agg")).scalar_one())
    scoring = {"as_of": params["as_of"], **score_bounds.bounds(session, chosen, n)}
    written = [
        session.execute(statement, scoring).rowcount  # type: ignore[attr-defined]
        for statement in (_typed(_changed_sql(dialect)), _typed(_added_sql(dialect)))
    ]
    written.append(session.execute(text(_ERASED_SQL)).rowcount)  # type: ignore[attr-defined]
    session.execute(text("DROP TABLE rfm_agg"))
    session.add(ScoreRun(as_of=as_of, computed_at=clock.now()))
    session.flush()
    log.info("scores as of %s: %d rows changed, %d added, %d removed", as_of, *written)
    return _scored_count(session)


@dataclass(frozen=True)
class Run:
    """When the stored scores were computed, for which date, and by ranks or thresholds."""

    as_of: date
    computed_at: datetime
    scored: int = 0
    by_ranks: bool = False


def _scored_count(session: Session) -> int:
    query = select(func.count()).select_from(MemberScore).where(MemberScore.segment != NO_PURCHASE)
    return int(session.exec(query).one())


def member_count(session: Session) -> int:
    """Members a refresh would score (everyone not erased): what decides how it is run."""
    query = select(func.count()).select_from(Member).where(col(Member.erased_at).is_(None))
    return int(session.exec(query).one())


def latest_run(session: Session) -> Run | None:
    """The run the stored scores come from; None while no member has a stored score."""
    if session.exec(select(MemberScore.member_id).limit(1)).first() is None:
        return None
    query = select(ScoreRun).order_by(col(ScoreRun.id).desc()).limit(1)
    run = session.exec(query).one()
    scored = _scored_count(session)
    by_ranks = segment_rules.thresholds(session).uses_ranks(scored)
    return Run(as_of=run.as_of, computed_at=run.computed_at, scored=scored, by_ranks=by_ranks)


@dataclass(frozen=True)
class SegmentSize:
    segment: str
    members: int
    spend_satang: int


def segment_sizes(session: Session) -> list[SegmentSize]:
    """Members and total spend per segment (every segment listed, empty ones with 0)."""
    rows = session.exec(
        select(
            MemberScore.segment,
            func.count(),
            func.coalesce(func.sum(MemberScore.monetary_satang), 0),
        ).group_by(MemberScore.segment)
    ).all()
    found = {segment: (int(n or 0), int(spend or 0)) for segment, n, spend in rows}
    return [SegmentSize(s, *found.get(s, (0, 0))) for s in ALL_SEGMENTS]


def scored_members(session: Session, batch: int = 5000) -> Iterator[tuple[object, ...]]:
    """(customer_ref, phone, R, F, M, segment, R score, F score, M score), streamed."""
    run = latest_run(session)
    if run is None:
        return
    query = (
        select(  # type: ignore[call-overload, misc]
            Member.customer_ref,
            Member.phone,
            MemberScore.last_purchase_on,
            MemberScore.frequency,
            MemberScore.monetary_satang,
            MemberScore.segment,
            MemberScore.r_score,
            MemberScore.f_score,
            MemberScore.m_score,
        )
        .join(Member, col(Member.id) == MemberScore.member_id)
        .where(MemberScore.segment != NO_PURCHASE)
        .order_by(col(MemberScore.member_id))
    )
    for ref, phone, last, *rest in session.execute(query.execution_options(yield_per=batch)):  # type: ignore[call-overload]
        yield (ref, phone, (run.as_of - last).days, *rest)
