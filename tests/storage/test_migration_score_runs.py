"""Migration 0010: stored RFM scores survive the move of as_of and computed_at to score_run
and of recency_days to the day of the last purchase, both ways."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from storage import migrations, segments
from storage.models import MemberScore
from tests.storage.migration_rows import at_revision, old_member

AT = datetime(2026, 5, 1, 19, 5, tzinfo=UTC)


@pytest.fixture
def before_score_runs(engine: Engine) -> Engine:
    return at_revision(engine, "0009")


def _scored_shop(engine: Engine) -> None:
    """Two members scored as of 2026-05-01: one bought 12 days before, one never."""
    with engine.begin() as connection:
        for member_id in (1, 2):
            old_member(connection, member_id, AT)
        connection.execute(
            text(
                "INSERT INTO member_score (member_id, as_of, recency_days, frequency,"
                " monetary_satang, r_score, f_score, m_score, segment, computed_at) VALUES"
                " (1, :day, 12, 3, 45000, 5, 3, 4, 'potential_loyalist', :at),"
                " (2, :day, NULL, NULL, NULL, NULL, NULL, NULL, 'no_purchase', :at)"
            ),
            {"day": date(2026, 5, 1), "at": AT},
        )


def test_stored_scores_keep_their_figures_both_ways(before_score_runs: Engine) -> None:
    engine = before_score_runs
    _scored_shop(engine)
    migrations.upgrade(engine)
    with Session(engine) as session:
        run = segments.latest_run(session)
        assert run is not None and (run.as_of, run.computed_at) == (date(2026, 5, 1), AT)
        rows = session.exec(select(MemberScore).order_by(MemberScore.member_id)).all()
        assert [(r.last_purchase_on, r.frequency, r.segment) for r in rows] == [
            (date(2026, 4, 19), 3, "potential_loyalist"),
            (None, None, "no_purchase"),
        ]
        assert [row[2] for row in segments.scored_members(session)] == [12]
    migrations.downgrade(engine, "0009")
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT member_id, recency_days, segment FROM member_score ORDER BY member_id")
        )
        assert list(rows) == [(1, 12, "potential_loyalist"), (2, None, "no_purchase")]
