"""Awards to one member at once, as the member crosses tiers: each earns its tier's points.

The tier is read after the member is locked, so an award that waited for others sees the
tier they left: the points add up to what the awards earn one after another, in the order
the ledger applied them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from handlers.dispatch import handle_event
from handlers.router import Event
from storage import automation_settings, clock, ledger
from storage.db import transaction
from storage.models import EntryKind, LedgerEntry, Member, Purchase
from storage.tiers import ladder
from tests.bot.once_worker import SHOP
from tests.support import factories
from tests.support.threads import run_together

CASHIERS = [f"U{n:032x}" for n in range(1, 31)]
BAHT = 100  # 4 points at 25 baht a point; silver x1.5 = 6, gold x2 = 8


@pytest.fixture(autouse=True)
def wednesday_morning() -> Iterator[None]:
    clock.freeze(datetime(2026, 6, 10, 4, 0, tzinfo=UTC))
    yield
    clock.reset()


def setup_shop(engine: Engine) -> None:
    """Thirty cashiers; silver from 1,000 baht (x1.5), gold from 2,000 baht (x2)."""
    with transaction(engine) as session:
        for user_id in CASHIERS:
            factories.staff(session, user_id)
        factories.member(session, phone="0812345678")  # the counter member exists before the rush
        for key, value in (("silver", 1000), ("gold", 2000), ("silver_x", 150), ("gold_x", 200)):
            automation_settings.tune(session, "tiers", key, value, by="test")


def award(engine: Engine, cashier: str, n: int) -> None:
    """One cashier's `award 0812345678 100`, as one webhook event."""
    text = f"award 0812345678 {BAHT}"
    handle_event(engine, SHOP, Event(kind="text", event_id=f"01TIERS{n:019d}", user_id=cashier,
                                     text=text))  # fmt: skip


def expected_points(session: Session, entries: list[LedgerEntry]) -> list[int]:
    """What each award earns when applied one after another, in ledger order."""
    found = ladder(session)
    assert found is not None
    spend, tier, due = 0, "member", []
    for entry in entries:
        purchase = session.get(Purchase, entry.purchase_id)
        assert purchase is not None
        due.append(ledger.points_for(purchase.amount_satang, SHOP.baht_per_point,
                                     found.percents[tier]))  # fmt: skip
        spend += purchase.amount_satang
        tier = max(tier, found.tier_for(spend), key=("member", "silver", "gold").index)
    return due


def test_awards_at_once_as_the_member_crosses_tiers_each_earn_their_tier(engine: Engine) -> None:
    setup_shop(engine)
    award(engine, CASHIERS[0], 0)
    rush = [lambda n=n: award(engine, CASHIERS[n], n + 1) for n in range(len(CASHIERS))]
    results = run_together(rush)  # type: ignore[arg-type]
    assert all(r is None for r in results), results
    with Session(engine) as session:
        member = session.exec(select(Member)).one()
        entries = list(
            session.exec(
                select(LedgerEntry)
                .where(LedgerEntry.kind == EntryKind.EARN)
                .order_by(col(LedgerEntry.id))
            ).all()
        )
        assert len(entries) == len(CASHIERS) + 1
        due = expected_points(session, entries)
        assert [e.points for e in entries] == due
        assert member.points == ledger.ledger_sum(session, member.id) == sum(due)  # type: ignore[arg-type]
        assert sum(due) == 10 * 4 + 10 * 6 + 11 * 8
