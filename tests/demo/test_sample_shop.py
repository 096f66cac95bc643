"""The demo's sample shop: the same year every build, a living shop in every RFM group, and
data that keeps the ledger's rules (balances are the sums of the entries and of the lots)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.demo.runner import demo_user_id
from bot.demo.sample_shop import Built, build_sample
from bot.services import build
from bot.settings import Settings
from storage import clock, segment_names, segments
from storage.models import (
    AutomationSend,
    Campaign,
    Coupon,
    LedgerEntry,
    LineUser,
    Member,
    MemberLifecycle,
    OutboxMessage,
    PointLot,
    Purchase,
    Reward,
)
from tests.support.databases import sqlite_database
from tests.support.pinned_clock import PINNED


@dataclass
class Shop:
    engine: Engine
    built: Built
    clock_after: object


def _settings(folder: Path) -> Settings:
    return Settings(
        channel_secret="sample-secret",
        channel_access_token="sample-token",
        basic_id="@sample",
        base_url="https://sample.test",
        database_url="unused: the engine is given",
        api_endpoint="http://127.0.0.1:9",
        api_data_endpoint="http://127.0.0.1:9",
        shop_name="Kafe Dee",
        instance_dir=folder,
    )


def _build(folder: Path) -> Iterator[Shop]:
    folder.mkdir()
    with sqlite_database(folder) as engine:
        services = build(_settings(folder), engine)
        clock.freeze(PINNED)
        try:
            built = build_sample(services, cashier=demo_user_id("bee"), owner=demo_user_id("dang"))
            yield Shop(engine, built, clock.now())
        finally:
            clock.reset()
            services.line.close()


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shop]:
    yield from _build(tmp_path_factory.mktemp("sample") / "first")


@pytest.fixture(scope="module")
def again(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shop]:
    yield from _build(tmp_path_factory.mktemp("sample") / "second")


def _summary(engine: Engine) -> dict[str, object]:
    """Everything the plan decides, counted (codes and the hold-out's draw are random)."""
    with Session(engine) as session:
        return {
            "members": session.exec(select(func.count()).select_from(Member)).one(),
            "line": session.exec(select(func.count()).select_from(LineUser)).one(),
            "purchases": session.exec(
                select(
                    func.count(), func.sum(Purchase.amount_satang), func.min(Purchase.occurred_at)
                )
            ).one(),
            "points": session.exec(
                select(LedgerEntry.kind, func.count(), func.sum(LedgerEntry.points))
                .group_by(col(LedgerEntry.kind))
                .order_by(col(LedgerEntry.kind))
            ).all(),
            "segments": [(s.segment, s.members) for s in segments.segment_sizes(session)],
            "campaigns": session.exec(
                select(
                    Campaign.audience, Campaign.recipients, Campaign.held_out, Campaign.status
                ).order_by(col(Campaign.id))
            ).all(),
        }


def test_two_builds_are_the_same_shop(shop: Shop, again: Shop) -> None:
    assert shop.built == again.built
    assert _summary(shop.engine) == _summary(again.engine)


def test_the_clock_is_put_back(shop: Shop) -> None:
    assert shop.clock_after == PINNED


def test_about_300_members_with_a_year_of_purchases(shop: Shop) -> None:
    assert shop.built.members == 300
    with Session(shop.engine) as session:
        first, last, count = session.exec(
            select(func.min(Purchase.occurred_at), func.max(Purchase.occurred_at), func.count())
        ).one()
        in_line = session.exec(
            select(func.count()).where(col(LineUser.member_id).is_not(None))
        ).one()
    assert PINNED - timedelta(days=366) <= first < PINNED - timedelta(days=330)
    assert PINNED - timedelta(days=1) < last <= PINNED
    assert count == shop.built.purchases > 2000
    assert 150 < in_line < 300  # most are in LINE, some only at the counter


def test_every_rfm_group_has_members(shop: Shop) -> None:
    with Session(shop.engine) as session:
        sizes = {s.segment: s.members for s in segments.segment_sizes(session)}
    assert all(sizes[name] > 0 for name in segment_names.SEGMENTS), sizes
    assert sizes[segment_names.NO_PURCHASE] == 0


def test_balances_are_the_ledger_and_the_lots(shop: Shop) -> None:
    with Session(shop.engine) as session:
        balances = dict(session.exec(select(Member.id, Member.points)).all())
        entries = dict(
            session.exec(
                select(LedgerEntry.member_id, func.sum(LedgerEntry.points)).group_by(
                    col(LedgerEntry.member_id)
                )
            ).all()
        )
        lots = dict(
            session.exec(
                select(PointLot.member_id, func.sum(PointLot.remaining)).group_by(
                    col(PointLot.member_id)
                )
            ).all()
        )
    assert sum(balances.values()) > 1000
    assert all(points >= 0 for points in balances.values())
    assert {m: p for m, p in balances.items() if p} == {m: p for m, p in entries.items() if p}
    assert {m: p for m, p in balances.items() if p} == {m: p for m, p in lots.items() if p}


def test_rewards_and_coupons_used_and_not(shop: Shop) -> None:
    with Session(shop.engine) as session:
        names = session.exec(select(Reward.name_th)).all()
        used = session.exec(select(func.count()).where(col(Coupon.used_at).is_not(None))).one()
        unused = session.exec(select(func.count()).where(col(Coupon.used_at).is_(None))).one()
        redeemed = session.exec(
            select(func.count()).where(col(Coupon.ledger_entry_id).is_not(None))
        ).one()
    assert any("กาแฟ" in n or "อเมริกาโน่" in n for n in names) and any("เค้ก" in n for n in names)
    assert used > 50 and unused > 10 and redeemed > 50


def test_past_broadcasts_have_hold_outs(shop: Shop) -> None:
    with Session(shop.engine) as session:
        done = session.exec(select(Campaign).order_by(col(Campaign.id))).all()
        gifts = session.exec(
            select(func.count()).where(col(Coupon.gift_key).startswith("campaign:"))
        ).one()
    assert len(done) == 3
    assert all(c.status == "done" and c.recipients > 0 and c.held_out > 0 for c in done)
    assert all(c.finished_at is not None and c.finished_at < PINNED for c in done)
    assert gifts > 0


def test_regulars_moved_up_a_tier_and_were_told_long_ago(shop: Shop) -> None:
    with Session(shop.engine) as session:
        silver = session.exec(
            select(func.count()).where(col(MemberLifecycle.tier) != "member")
        ).one()
        runs = session.exec(select(func.count()).where(AutomationSend.automation == "tiers")).one()
        pushes = session.exec(select(OutboxMessage.status, OutboxMessage.sent_at)).all()
    assert silver > 10 and runs > 10
    assert pushes and all(status == "sent" and at < PINNED for status, at in pushes)
