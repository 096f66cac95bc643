"""Sales and refunds from tills: one member per phone, retries change nothing, a refund
never takes a balance below zero (the rest is a debt that later earnings pay first)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from storage import ledger, pos
from storage.db import transaction
from storage.models import EntryKind, LedgerEntry, Member, PointsDebt

PHONE = "+66812345678"
WHEN = datetime(2026, 10, 5, 5, tzinfo=UTC)


def sale(engine: Engine, baht: int, order: str | None = None, **who: Any) -> pos.Recorded:
    who = who or {"phone": PHONE, "customer_ref": None}
    with transaction(engine) as session:
        return pos.record_purchase(
            session,
            tz=ZoneInfo("Asia/Bangkok"),
            key_name="till-1",
            phone=who.get("phone"),
            customer_ref=who.get("customer_ref"),
            amount_satang=baht * 100,
            occurred_at=WHEN,
            order_ref=order,
            retry_key=None,
            baht_per_point=25,
        )


def refund(engine: Engine, order: str, baht: int | None = None, ref: str | None = None) -> Any:
    with transaction(engine) as session:
        done = pos.refund_order(
            session,
            key_name="till-1",
            order_ref=order,
            amount_satang=None if baht is None else baht * 100,
            refund_ref=ref,
        )
        return done.refund, done.member.points, pos.debt_of(session, done.member.id)  # type: ignore[arg-type]


def spend(engine: Engine, points: int) -> None:
    with transaction(engine) as session:
        member = session.exec(select(Member).where(Member.phone == PHONE)).one()
        ledger.post_entry(
            session,
            tz=ZoneInfo("Asia/Bangkok"),
            member=member,
            kind=EntryKind.REDEEM,
            points=-points,
            actor="test",
            idempotency_key=f"spend:{points}:{member.points}",
        )


def balance(engine: Engine) -> int:
    with transaction(engine) as session:
        member = session.exec(select(Member).where(Member.phone == PHONE)).one()
        assert member.points == ledger.ledger_sum(session, member.id)  # type: ignore[arg-type]
        assert member.points >= 0
        return member.points


def test_a_sale_makes_a_counter_member_and_earns_points(engine: Engine) -> None:
    done = sale(engine, 350, "A-1")
    assert done.points_earned == 14 and done.member.phone == PHONE
    assert done.purchase.channel == "api" and done.purchase.staff_user_id == "api:till-1"
    assert done.purchase.occurred_at == WHEN


def test_the_same_order_twice_changes_nothing(engine: Engine) -> None:
    first = sale(engine, 350, "A-1")
    again = sale(engine, 350, "A-1")
    assert again.already_recorded and again.purchase.id == first.purchase.id
    assert again.points_earned == 14 and balance(engine) == 14
    with pytest.raises(pos.Invalid) as refused:
        sale(engine, 999, "A-1")
    assert refused.value.field == "order_ref"
    assert balance(engine) == 14


def test_order_refs_belong_to_their_key(engine: Engine) -> None:
    sale(engine, 100, "1")
    with transaction(engine) as session:
        other = pos.record_purchase(
            session,
            tz=ZoneInfo("Asia/Bangkok"),
            key_name="webshop",
            phone=PHONE,
            customer_ref=None,
            amount_satang=10000,
            occurred_at=WHEN,
            order_ref="1",
            retry_key=None,
            baht_per_point=25,
        )
    assert not other.already_recorded and balance(engine) == 8


def test_customer_ref_finds_the_same_member_and_learns_the_phone(engine: Engine) -> None:
    first = sale(engine, 100, "1", customer_ref="C-77")
    assert first.member.phone is None
    second = sale(engine, 100, "2", phone=PHONE, customer_ref="C-77")
    assert second.member.id == first.member.id and second.member.phone == PHONE
    with pytest.raises(pos.Invalid) as refused:
        sale(engine, 100, "3", phone="+66899999999", customer_ref="C-77")
    assert refused.value.field == "customer_ref"


def test_a_full_refund_takes_back_the_points(engine: Engine) -> None:
    sale(engine, 500, "A-1")
    assert balance(engine) == 20
    done, points, debt = refund(engine, "A-1")
    assert (done.amount_satang, done.points_reversed, done.points_owed) == (50000, 20, 0)
    assert (points, debt) == (0, 0)
    with pytest.raises(pos.Invalid) as refused:
        refund(engine, "A-1")
    assert refused.value.field == "order_ref"


def test_spent_points_become_a_debt_that_later_earnings_pay_first(engine: Engine) -> None:
    sale(engine, 500, "A-1")
    spend(engine, 15)
    done, points, debt = refund(engine, "A-1")
    assert (done.points_reversed, done.points_owed, points, debt) == (5, 15, 0, 15)
    later = sale(engine, 250, "A-2")  # earns 10, all of it to the debt
    assert (later.points_earned, later.debt_paid) == (10, 10) and balance(engine) == 0
    last = sale(engine, 300, "A-3")  # earns 12: 5 to the debt, 7 kept
    assert last.debt_paid == 5 and balance(engine) == 7
    with transaction(engine) as session:
        debts = session.exec(select(PointsDebt)).all()
        assert [(d.points, d.paid, d.settled_at is not None) for d in debts] == [(15, 15, True)]
        kinds = [e.kind for e in session.exec(select(LedgerEntry).order_by(LedgerEntry.id))]
    assert kinds.count(EntryKind.REFUND) == 3


def test_partial_refunds_keep_points_in_proportion(engine: Engine) -> None:
    sale(engine, 1000, "A-1")  # 40 points
    first, points, _ = refund(engine, "A-1", 300)  # keeps floor(40 x 700 / 1000) = 28
    assert first.points_reversed == 12 and points == 28
    second, points, _ = refund(engine, "A-1", 690)  # keeps floor(40 x 10 / 1000) = 0
    assert second.points_reversed == 28 and points == 0
    with pytest.raises(pos.Invalid) as refused:
        refund(engine, "A-1", 20)
    assert refused.value.field == "amount" and "10.00" in refused.value.message


def test_a_refund_ref_makes_a_retried_refund_change_nothing(engine: Engine) -> None:
    sale(engine, 1000, "A-1")
    first, _, _ = refund(engine, "A-1", 300, ref="R-1")
    again, points, _ = refund(engine, "A-1", 300, ref="R-1")
    assert again.id == first.id and points == 28


def test_unknown_order_is_not_found(engine: Engine) -> None:
    with pytest.raises(pos.NotFound) as missing:
        refund(engine, "nope")
    assert missing.value.field == "order_ref"


def test_summary_for_a_till(engine: Engine) -> None:
    sale(engine, 500, "A-1")
    with transaction(engine) as session:
        summary = pos.member_summary(session, PHONE)
        assert summary is not None and summary.member.points == 20
        assert summary.debt == 0 and summary.coupons == []
        assert pos.member_summary(session, "+66899999999") is None
