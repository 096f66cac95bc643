"""RFM scores and the ten customer segments, computed in the database with window functions.

For every member with at least one purchase up to the as-of date (voided ones and later
ones do not count): R = days since the last purchase, F = number of purchases, M = total
spend in satang; read from the members' kept summaries (storage/purchase_summary.py)
unless a live purchase lies after the as-of date. From 100 scored members up each score is
`1 + floor(5 * (rank - 1) / N)` where N is the number of scored members and
`rank = 1 + the number of members with a strictly worse value`, which is exactly
`RANK() OVER (ORDER BY value worst-first)`; ties share a score. Below that the scores come
from the thresholds in storage/segment_rules.py (M against twice the median, in whole
numbers: `200 * m >= percent * (2 * median)`). The segment comes from (R score, F score)
(storage/segment_names.py); members without a purchase are `no_purchase`. The statements
are in storage/score_sql.py.

A refresh records its as-of date in `score_run` (one row, the latest run's) and rewrites
only the member_score rows whose figures, scores or segment changed (a row keeps the day of
the last purchase, not R), so a nightly run writes the few members who bought, were erased
or crossed a bound, not every member.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, text
from sqlmodel import Session, col, select

from storage import score_bounds, score_sql, segment_rules
from storage.models import Member, MemberScore, ScoreRun
from storage.segment_names import ALL_SEGMENTS, NO_PURCHASE

log = logging.getLogger(__name__)


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
    params = score_sql.params(as_of, tz)
    chosen = rule or segment_rules.thresholds(session)
    if dialect == "postgresql":
        # a hash aggregate of a row per member and a sort of M: keep them in memory
        session.execute(text("SET LOCAL work_mem = '256MB'"))
        session.execute(text("SET LOCAL jit = off"))
    else:
        session.execute(text(score_sql.SCRATCH))
    kept = session.execute(score_sql.typed(score_sql.LATER), params).first() is None
    session.execute(score_sql.typed(score_sql.aggregate(dialect, kept)), params)
    if not kept:
        session.execute(text(score_sql.NOT_ERASED))
    n = int(session.execute(text("SELECT COUNT(*) FROM rfm_agg")).scalar_one())
    scoring = {"as_of": params["as_of"], **score_bounds.bounds(session, chosen, n)}
    written = [
        session.execute(statement, scoring).rowcount  # type: ignore[attr-defined]
        for statement in (
            score_sql.typed(score_sql.changed(dialect)),
            score_sql.typed(score_sql.added(dialect)),
        )
    ]
    written.append(session.execute(text(score_sql.ERASED)).rowcount)  # type: ignore[attr-defined]
    session.execute(text("DROP TABLE rfm_agg"))
    run = ScoreRun(as_of=as_of)
    session.add(run)
    session.flush()
    session.execute(delete(ScoreRun).where(col(ScoreRun.id) != run.id))
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
