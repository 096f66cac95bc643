"""Migration 0013: each member's purchase summary is counted from the purchases already
there (voided ones aside), and the columns go again on the way down."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from storage import migrations, purchase_summary
from storage.models import Member
from tests.storage.migration_rows import at_revision, old_member

EARLY, LATE = datetime(2026, 3, 1, 9, tzinfo=UTC), datetime(2026, 4, 2, 18, tzinfo=UTC)


@pytest.fixture
def before_summaries(engine: Engine) -> Engine:
    return at_revision(engine, "0012")


def _shop(engine: Engine) -> None:
    """Member 1 with two live purchases and a voided one after them; member 2 with none."""
    with engine.begin() as connection:
        for member_id in (1, 2):
            old_member(connection, member_id, EARLY)
        for at, satang, voided in ((LATE, 700, None), (EARLY, 300, None), (LATE, 5, LATE)):
            connection.execute(
                text(
                    "INSERT INTO purchase (member_id, amount_satang, occurred_at, channel,"
                    " voided_at, created_at) VALUES (1, :satang, :at, 'counter', :voided, :at)"
                ),
                {"satang": satang, "at": at, "voided": voided},
            )


def test_summaries_are_counted_from_the_purchases_and_go_on_the_way_down(
    before_summaries: Engine,
) -> None:
    engine = before_summaries
    _shop(engine)
    migrations.upgrade(engine)
    with Session(engine) as session:
        assert purchase_summary.drifted(session) == []
        kept = [
            tuple(getattr(session.get_one(Member, n), name) for name in purchase_summary.FIELDS)
            for n in (1, 2)
        ]
    assert kept == [(EARLY, LATE, 2, 1000), (None, None, 0, 0)]
    migrations.downgrade(engine, "0012")
    columns = {column["name"] for column in inspect(engine).get_columns("member")}
    assert not columns & set(purchase_summary.FIELDS)
