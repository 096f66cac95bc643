"""Migration 0008: old gift coupons let go of their 0-point GIFT entries; balances hold."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from storage import ledger, migrations
from storage.models import Coupon, LedgerEntry, Member
from tests.storage.migration_rows import at_revision, old_member

AT = datetime(2026, 5, 1, 5, tzinfo=UTC)


@pytest.fixture
def before_gifts(engine: Engine) -> Engine:
    return at_revision(engine, "0007")


def _sql(engine: Engine, statement: str, **values: object) -> None:
    with engine.begin() as connection:
        connection.execute(text(statement), {"at": AT, **values})


def _old_shop(engine: Engine) -> None:
    """Nok earned 50, redeemed a coffee for 30 and was given a cake (a 0-point GIFT entry)."""
    with engine.begin() as connection:
        old_member(connection, 1, AT, points=20)
    _sql(
        engine,
        "INSERT INTO reward (id, name_th, points_cost, issued, valid_days, active,"
        " created_at, updated_at) VALUES (1, 'เค้ก', 30, 2, 30, true, :at, :at)",
    )
    for entry_id, kind, points in ((1, "earn", 50), (2, "redeem", -30), (3, "gift", 0)):
        _sql(
            engine,
            "INSERT INTO ledger_entry (id, member_id, kind, points, actor, idempotency_key,"
            " created_at) VALUES (:id, 1, :kind, :points, 't', :key, :at)",
            id=entry_id,
            kind=kind,
            points=points,
            key="campaign:1:1" if kind == "gift" else f"k{entry_id}",
        )
    for coupon_id, points, entry_id in ((1, 30, 2), (2, 0, 3)):
        _sql(
            engine,
            "INSERT INTO coupon (id, code, image_token, reward_id, member_id, points,"
            " ledger_entry_id, status, issued_at, expires_at)"
            " VALUES (:id, :code, :token, 1, 1, :points, :entry, 'active', :at, :at)",
            id=coupon_id,
            code=f"C-{coupon_id}",
            token=f"t{coupon_id}",
            points=points,
            entry=entry_id,
        )


def test_old_gifts_get_their_key_and_the_ledger_stays_whole(before_gifts: Engine) -> None:
    engine = before_gifts
    _old_shop(engine)
    migrations.upgrade(engine)
    with Session(engine) as session:
        paid, gift = session.exec(select(Coupon).order_by(Coupon.id)).all()  # type: ignore[arg-type]
        assert (paid.ledger_entry_id, paid.gift_key) == (2, None)
        assert (gift.ledger_entry_id, gift.gift_key) == (None, "campaign:1:1")
        # append-only: the old 0-point entry stays; it changes no balance
        assert len(session.exec(select(LedgerEntry)).all()) == 3
        member = session.get(Member, 1)
        assert member is not None and member.points == ledger.ledger_sum(session, 1) == 20
        _, entries = ledger.points_history(session, member, datetime.min.replace(tzinfo=UTC))
        assert [e.kind for e in entries] == ["redeem", "earn"]
    migrations.downgrade(engine, "0007")
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, ledger_entry_id FROM coupon ORDER BY id"))
        assert list(rows) == [(1, 2), (2, 3)]
