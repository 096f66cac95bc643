"""The faster refresh gives exactly the scores of the query it replaced (kept here verbatim
as the reference, as it stood on 2026-12-03), on random shops: ties, voided purchases,
purchases after the as-of day, members without a purchase, by ranks and by thresholds; and
over the scores of a previous run, with members erased and purchases voided since, and
over the previous night's scores, with a day's new members and purchases since."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Date, text
from sqlmodel import Session, select

from storage import members, purchase_summary, score_sql, segment_names, segment_rules, segments
from storage.db import transaction
from storage.models import MemberScore, Purchase
from tests.storage.test_segments import AS_OF, BANGKOK, local


def _recency_sql(dialect: str) -> str:
    if dialect == "postgresql":
        return "(CAST(:as_of AS date) - CAST(MAX(p.occurred_at) AT TIME ZONE :tz AS date))"
    return "CAST(julianday(:as_of) - julianday(date(MAX(p.occurred_at), :shift)) AS INTEGER)"


def _ranked(value: str, order: str) -> str:
    return f"1 + (5 * (RANK() OVER (ORDER BY {value} {order}) - 1)) / (SELECT n FROM counted)"


def _banded(value: str, op: str, bound: str) -> str:
    whens = " ".join(
        f"WHEN {value} {op} {bound.format(n=score)} THEN {score}" for score in (5, 4, 3, 2)
    )
    return f"CASE {whens} ELSE 1 END"


def _either(ranked: str, banded: str) -> str:
    return f"CASE WHEN (SELECT n FROM counted) >= :rank_from THEN {ranked} ELSE {banded} END"


def reference_sql(dialect: str) -> str:
    r_score = _either(_ranked("r", "DESC"), _banded("r", "<=", ":r{n}"))
    f_score = _either(_ranked("f", "ASC"), _banded("f", ">=", ":f{n}"))
    twice_median = "(SELECT twice FROM median)"
    m_score = _either(_ranked("m", "ASC"), _banded("200 * m", ">=", f":m{{n}} * {twice_median}"))
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
ordered AS (SELECT m, ROW_NUMBER() OVER (ORDER BY m) AS i FROM agg),
median AS MATERIALIZED (
    SELECT COALESCE(SUM(o.m), 0) * (1 + MAX(c.n) % 2) AS twice
    FROM ordered o, counted c WHERE o.i IN ((c.n + 1) / 2, (c.n + 2) / 2)
),
scored AS (
    SELECT member_id, r, f, m,
           {r_score} AS rs, {f_score} AS fs,
           {m_score} AS ms
    FROM agg
)
INSERT INTO reference_score (member_id, as_of, recency_days, frequency, monetary_satang,
                             r_score, f_score, m_score, segment, computed_at)
SELECT member_id, :as_of, r, f, m, rs, fs, ms, {segment_names.segment_sql("rs", "fs")}, :now
FROM scored
"""


REFERENCE_NO_PURCHASE = f"""
INSERT INTO reference_score (member_id, as_of, segment, computed_at)
SELECT mb.id, :as_of, '{segment_names.NO_PURCHASE}', :now FROM member mb
WHERE mb.erased_at IS NULL
  AND NOT EXISTS (SELECT 1 FROM reference_score s WHERE s.member_id = mb.id)
"""
# member_score as it was laid out when the reference query wrote it
REFERENCE_TABLE = """
CREATE TEMPORARY TABLE reference_score (
    member_id INTEGER PRIMARY KEY, as_of DATE NOT NULL, recency_days INTEGER,
    frequency INTEGER, monetary_satang BIGINT, r_score INTEGER, f_score INTEGER,
    m_score INTEGER, segment VARCHAR(24) NOT NULL, computed_at TIMESTAMP NOT NULL
)"""


def reference_bounds(rule: segment_rules.Thresholds) -> dict[str, int]:
    """`rule` as the parameters of the reference query."""
    fours = {"r": rule.recency_days, "f": rule.purchases, "m": rule.spend_percent}
    bounds = {
        f"{name}{score}": bound
        for name, four in fours.items()
        for score, bound in zip((5, 4, 3, 2), four, strict=True)
    }
    return {**bounds, "rank_from": rule.rank_from}


def reference_scores(session: Session, rule: segment_rules.Thresholds) -> list[tuple[Any, ...]]:
    """What the reference query stores, row by row in member order."""
    params = {**score_sql.params(AS_OF, BANGKOK), "now": datetime(2024, 7, 1, tzinfo=UTC)}
    dialect = session.get_bind().dialect.name
    session.execute(text(REFERENCE_TABLE))
    statement = score_sql.typed(reference_sql(dialect))
    session.execute(statement, {**params, **reference_bounds(rule)})
    no_purchase = score_sql.typed(REFERENCE_NO_PURCHASE)
    session.execute(no_purchase, {"as_of": params["as_of"], "now": params["now"]})  # type: ignore[call-overload]
    rows = session.execute(
        text(
            "SELECT member_id, as_of, recency_days, frequency, monetary_satang, r_score,"
            " f_score, m_score, segment FROM reference_score ORDER BY member_id"
        ).columns(as_of=Date)
    )
    return [tuple(row) for row in rows]


def stored(session: Session) -> list[tuple[Any, ...]]:
    """The stored scores in the reference query's layout (R from the run's as-of date)."""
    session.expire_all()
    run = segments.latest_run(session)
    rows = session.exec(select(MemberScore).order_by(MemberScore.member_id)).all()
    if run is None:
        return []
    return [
        (r.member_id, run.as_of,
         None if r.last_purchase_on is None else (run.as_of - r.last_purchase_on).days,
         r.frequency, r.monetary_satang, r.r_score, r.f_score, r.m_score, r.segment)
        for r in rows
    ]  # fmt: skip


def assert_as_the_reference(session: Session, rule: segment_rules.Thresholds) -> None:
    """The stored scores are the reference query's, one row per member not erased."""
    faster = stored(session)
    assert faster == reference_scores(session, rule)
    assert (
        len(faster)
        == session.execute(text("SELECT COUNT(*) FROM member WHERE erased_at IS NULL")).scalar()
    )


def random_shop(session: Session, rng: random.Random, size: int) -> None:
    """`size` members; few distinct days and amounts, so values tie often."""
    amounts = [rng.choice((100, 2500, 9900, 12000, 50000)) for _ in range(8)]
    for _ in range(size):
        member = members.create_member(session, phone=None)
        session.flush()
        for _ in range(rng.choice((0, 1, 1, 2, 3, 5, 12))):
            day = AS_OF - timedelta(days=rng.choice((0, 0, 1, 5, 30, 31, 61, 90, 200, 400)))
            if rng.random() < 0.05:
                day = AS_OF + timedelta(days=1)  # after the as-of day: does not count
            at = local(day, rng.choice((0, 6, 12, 23)), rng.choice((0, 1, 59)))
            voided = local(AS_OF) if rng.random() < 0.08 else None
            amount = rng.choice(amounts) + rng.choice((0, 0, 1))
            purchase = Purchase(member_id=member.id, amount_satang=amount, occurred_at=at)
            purchase.voided_at = voided
            session.add(purchase)
    purchase_summary.recount(session)


def the_next_day(session: Session, rng: random.Random, new_members: int) -> None:
    """A day later: purchases on the as-of day by some members, a few new members, an
    erasure or two and a voided purchase."""
    known = session.exec(select(members.Member)).all()
    for member in known:
        if rng.random() < 0.1:
            at = local(AS_OF, rng.choice((0, 9, 23)))
            session.add(Purchase(member_id=member.id, amount_satang=9900, occurred_at=at))
        if rng.random() < 0.02:
            member.erased_at = local(AS_OF)
    for purchase in session.exec(select(Purchase)).all():
        if rng.random() < 0.01:
            purchase.voided_at = local(AS_OF)
    for _ in range(new_members):
        member = members.create_member(session, phone=None)
        session.flush()
        if rng.random() < 0.7:
            at = local(AS_OF, 15)
            session.add(Purchase(member_id=member.id, amount_satang=2500, occurred_at=at))
    purchase_summary.recount(session)


def since_the_last_run(session: Session, rng: random.Random) -> None:
    """Some members are erased and some purchases voided after the previous scores."""
    for member in session.exec(select(members.Member)).all():
        if rng.random() < 0.05:
            member.erased_at = local(AS_OF)
    for purchase in session.exec(select(Purchase)).all():
        if rng.random() < 0.15:
            purchase.voided_at = local(AS_OF)
    purchase_summary.recount(session)


@pytest.mark.parametrize(
    ("seed", "size", "rule"),
    [
        (1, 0, segment_rules.DEFAULT),
        (2, 1, segment_rules.DEFAULT),
        (3, 40, segment_rules.DEFAULT),
        (4, 99, segment_rules.DEFAULT),
        (5, 130, segment_rules.DEFAULT),
        (6, 260, segment_rules.DEFAULT),
        (7, 3, segment_rules.ALWAYS_RANKS),
        (8, 57, segment_rules.ALWAYS_RANKS),
        (9, 120, segment_rules.Thresholds(recency_days=(7, 14, 30, 60), rank_from=1000)),
        (10, 6, segment_rules.ALWAYS_RANKS),
        (11, 12, segment_rules.ALWAYS_RANKS),
        (12, 400, segment_rules.DEFAULT),
        (
            13,
            150,
            segment_rules.Thresholds(purchases=(5, 4, 3, 2), spend_percent=(300, 150, 80, 10)),
        ),
    ],
)
def test_refresh_gives_what_the_reference_query_gives(
    engine: Any, seed: int, size: int, rule: segment_rules.Thresholds
) -> None:
    with transaction(engine) as session:
        rng = random.Random(seed)
        random_shop(session, rng, size)
        segments.refresh_scores(session, as_of=AS_OF - timedelta(days=30), tz=BANGKOK, rule=rule)
        since_the_last_run(session, rng)
        segments.refresh_scores(session, as_of=AS_OF, tz=BANGKOK, rule=rule)
        assert_as_the_reference(session, rule)


@pytest.mark.parametrize(
    ("seed", "size", "rule"),
    [
        (21, 30, segment_rules.DEFAULT),
        (22, 240, segment_rules.DEFAULT),
        (23, 60, segment_rules.ALWAYS_RANKS),
        (24, 150, segment_rules.Thresholds(recency_days=(1, 2, 3, 60), rank_from=1000)),
    ],
)
def test_next_night_gives_what_the_reference_query_gives(
    engine: Any, seed: int, size: int, rule: segment_rules.Thresholds
) -> None:
    """Most rows stay as they were the night before: those that must change do."""
    with transaction(engine) as session:
        rng = random.Random(seed)
        random_shop(session, rng, size)
        segments.refresh_scores(session, as_of=AS_OF - timedelta(days=1), tz=BANGKOK, rule=rule)
        the_next_day(session, rng, new_members=size // 10 + 1)
        segments.refresh_scores(session, as_of=AS_OF, tz=BANGKOK, rule=rule)
        assert_as_the_reference(session, rule)
