"""Migration 0005 gives the points members already hold their lots, oldest points used first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from storage import clock, migrations
from storage.models import PointLot
from tests.storage.migration_rows import at_revision, old_member


@pytest.fixture
def before_lots(engine: Engine) -> Engine:
    return at_revision(engine, "0004")


def _entry(
    engine: Engine, entry_id: int, points: int, when: datetime, voids: int | None = None
) -> None:
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO ledger_entry (id, member_id, kind, points, actor,"
                " idempotency_key, voids_entry_id, created_at)"
                " VALUES (:id, 1, 'earn', :points, 't', :key, :voids, :at)"
            ),
            {"id": entry_id, "points": points, "key": f"k{entry_id}", "voids": voids, "at": when},
        )


def test_opening_lots_replay_the_ledger(before_lots: Engine) -> None:
    engine = before_lots
    with engine.begin() as connection:
        old_member(connection, 1, datetime(2023, 1, 1, tzinfo=UTC), points=45)
    old = datetime(2023, 1, 10, 5, tzinfo=UTC)  # long past its 12 months
    recent = clock.now() - timedelta(days=10)
    _entry(engine, 1, 30, old)
    _entry(engine, 2, 20, recent)
    _entry(engine, 3, 10, recent)
    _entry(engine, 4, -10, recent, voids=3)  # a void takes its own award's points
    _entry(engine, 5, -5, recent)  # a redemption takes the oldest
    migrations.upgrade(engine)
    with Session(engine) as session:
        lots = session.exec(select(PointLot).order_by(col(PointLot.entry_id))).all()
        shown = [(lot.entry_id, lot.points, lot.remaining) for lot in lots]
        ends = [lot.expires_at for lot in lots]
    assert shown == [(1, 30, 25), (2, 20, 20)]
    assert ends[0] is not None and ends[0] > clock.now() + timedelta(days=29)
    assert ends[1] is not None and ends[1] > clock.now() + timedelta(days=300)
