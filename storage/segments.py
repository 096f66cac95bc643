"""RFM scores and the ten customer segments, computed in the database with window functions.

For every member with at least one purchase up to the as-of date (voided ones and later
ones do not count): R = days since the last purchase, F = number of purchases, M = total
spend in satang. Each score is `1 + floor(5 * (rank - 1) / N)` where N is the number of
scored members and `rank = 1 + the number of members with a strictly worse value`, which
is exactly `RANK() OVER (ORDER BY value worst-first)`; ties share a score. The segment
comes from (R score, F score); members without a purchase are `no_purchase`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Date, TextClause, bindparam, delete, func, text
from sqlmodel import Session, col, select

from storage import clock
from storage.models import Member, MemberScore, UTCDateTime

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
    """The same mapping as a SQL CASE over the expressions `r` and `f`."""
    whens = " ".join(
        f"WHEN {r} IN ({', '.join(map(str, rs))}) AND {f} IN ({', '.join(map(str, fs))}) "
        f"THEN '{name}'"
        for name, rs, fs in RULES
    )
    return f"CASE {whens} END"


def _recency_sql(dialect: str) -> str:
    """Whole days from the shop-local date of the last purchase to the as-of date."""
    if dialect == "postgresql":
        return "(CAST(:as_of AS date) - CAST(MAX(p.occurred_at) AT TIME ZONE :tz AS date))"
    return "CAST(julianday(:as_of) - julianday(date(MAX(p.occurred_at), :shift)) AS INTEGER)"


def _score_sql(dialect: str) -> str:
    def score(value: str, order: str) -> str:
        return f"1 + (5 * (RANK() OVER (ORDER BY {value} {order}) - 1)) / (SELECT n FROM counted)"

    return f"""
WITH agg AS MATERIALIZED (
    SELECT p.member_id AS member_id, {_recency_sql(dialect)} AS r,
           COUNT(*) AS f, SUM(p.amount_satang) AS m
    FROM purchase p
    WHERE p.voided_at IS NULL AND p.occurred_at < :cutoff
    GROUP BY p.member_id
    HAVING NOT EXISTS (
        SELECT 1 FROM member mb WHERE mb.id = p.member_id AND mb.erased_at IS NOT NULL
    )
),
counted AS MATERIALIZED (SELECT COUNT(*) AS n FROM agg),
scored AS (
    SELECT member_id, r, f, m,
           {score("r", "DESC")} AS rs, {score("f", "ASC")} AS fs, {score("m", "ASC")} AS ms
    FROM agg
)
INSERT INTO member_score (member_id, as_of, recency_days, frequency, monetary_satang,
                          r_score, f_score, m_score, segment, computed_at)
SELECT member_id, :as_of, r, f, m, rs, fs, ms, {segment_sql("rs", "fs")}, :now
FROM scored
"""


_NO_PURCHASE_SQL = f"""
INSERT INTO member_score (member_id, as_of, segment, computed_at)
SELECT mb.id, :as_of, '{NO_PURCHASE}', :now FROM member mb
WHERE mb.erased_at IS NULL
  AND NOT EXISTS (SELECT 1 FROM member_score s WHERE s.member_id = mb.id)
"""


def _params(as_of: date, tz: ZoneInfo) -> dict[str, object]:
    cutoff = datetime.combine(as_of + timedelta(days=1), time(), tzinfo=tz)
    offset = int((cutoff.utcoffset() or timedelta(0)).total_seconds())
    return {
        "as_of": as_of,
        "cutoff": cutoff.astimezone(UTC),
        "now": clock.now(),
        "tz": tz.key,
        "shift": f"{offset:+d} seconds",
    }


def _typed(sql: str) -> TextClause:
    statement = text(sql).bindparams(
        bindparam("as_of", type_=Date), bindparam("now", type_=UTCDateTime)
    )
    if ":cutoff" in sql:
        statement = statement.bindparams(bindparam("cutoff", type_=UTCDateTime))
    return statement


def refresh_scores(session: Session, *, as_of: date, tz: ZoneInfo) -> int:
    """Recompute every member's scores and segment as of `as_of`; returns members scored."""
    dialect = session.get_bind().dialect.name
    params = _params(as_of, tz)
    if dialect == "postgresql":
        # one hash aggregate and three sorts of a row per member: keep them in memory
        session.execute(text("SET LOCAL work_mem = '256MB'"))
        session.execute(text("SET LOCAL jit = off"))
    session.execute(delete(MemberScore))
    session.execute(_typed(_score_sql(dialect)), params)
    session.execute(  # type: ignore[call-overload]
        _typed(_NO_PURCHASE_SQL), {"as_of": params["as_of"], "now": params["now"]}
    )
    session.flush()
    return int(
        session.exec(
            select(func.count()).select_from(MemberScore).where(MemberScore.segment != NO_PURCHASE)
        ).one()
    )


@dataclass(frozen=True)
class Run:
    """When the stored scores were computed, and for which date."""

    as_of: date
    computed_at: datetime


def latest_run(session: Session) -> Run | None:
    query = select(col(MemberScore.as_of), col(MemberScore.computed_at)).limit(1)
    row = session.exec(query).first()
    return Run(as_of=row[0], computed_at=row[1]) if row else None


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
    """(customer_ref, phone, R, F, M, segment) of every scored member, streamed."""
    query = (
        select(  # type: ignore[call-overload, misc]
            Member.customer_ref,
            Member.phone,
            MemberScore.recency_days,
            MemberScore.frequency,
            MemberScore.monetary_satang,
            MemberScore.segment,
        )
        .join(Member, col(Member.id) == MemberScore.member_id)
        .where(MemberScore.segment != NO_PURCHASE)
        .order_by(col(MemberScore.member_id))
    )
    for row in session.execute(query.execution_options(yield_per=batch)):  # type: ignore[call-overload]
        yield tuple(row)
