"""The POS API keeps order refs and Idempotency-Keys apart, and never answers 2xx for points
it did not record."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from storage import api_keys, clock, ledger, pos
from storage.db import transaction
from storage.models import EntryKind, LedgerEntry, Member, Purchase
from tests.bot.test_api import counts, post
from tests.support import factories

BKK = ZoneInfo("Asia/Bangkok")


@pytest.fixture(autouse=True)
def wednesday_morning() -> Iterator[None]:
    clock.freeze(datetime(2026, 6, 10, 4, 0, tzinfo=UTC))
    yield
    clock.reset()


@pytest.fixture
def key(engine: Engine) -> str:
    with transaction(engine) as session:
        secret, _ = api_keys.create_key(session, "till-1")
    return secret


def every_sale_has_its_points(engine: Engine) -> dict[str, int]:
    """phone -> balance, after checking each purchase has its own earn entry on its member."""
    with Session(engine) as session:
        for purchase in session.exec(select(Purchase)).all():
            earned = session.exec(
                select(LedgerEntry).where(
                    LedgerEntry.purchase_id == purchase.id, LedgerEntry.kind == EntryKind.EARN
                )
            ).one()
            assert earned.member_id == purchase.member_id
        found = session.exec(select(Member)).all()
        for member in found:
            assert member.points == ledger.ledger_sum(session, member.id)  # type: ignore[arg-type]
        return {m.phone or "": m.points for m in found}


def test_an_order_ref_and_an_idempotency_key_with_one_text_are_two_sales(
    client: Any, key: str, engine: Engine
) -> None:
    first = post(client, key, "purchases", {"phone": "0812345678", "amount": 1000,
                                            "order_ref": "X"})  # fmt: skip
    second = post(client, key, "purchases", {"phone": "0899999999", "amount": 250},
                  **{"Idempotency-Key": "X"})  # fmt: skip
    assert (first.status_code, second.status_code) == (201, 201)
    assert (first.get_json()["points_earned"], second.get_json()["points_earned"]) == (40, 10)
    assert second.get_json()["balance"] == 10
    assert every_sale_has_its_points(engine) == {"+66812345678": 40, "+66899999999": 10}


def test_an_idempotency_key_and_a_later_order_ref_with_one_text_are_two_sales(
    client: Any, key: str, engine: Engine
) -> None:
    first = post(client, key, "purchases", {"phone": "0812345678", "amount": 1000},
                 **{"Idempotency-Key": "X"})  # fmt: skip
    second = post(client, key, "purchases", {"phone": "0899999999", "amount": 250,
                                             "order_ref": "X"})  # fmt: skip
    assert (first.status_code, second.status_code) == (201, 201)
    assert every_sale_has_its_points(engine) == {"+66812345678": 40, "+66899999999": 10}


def test_a_key_used_again_after_30_days_for_another_sale_is_refused(
    client: Any, key: str, engine: Engine
) -> None:
    """The answers are forgotten after 30 days; the ledger still knows the key."""
    body = {"phone": "0812345678", "amount": 1000}
    assert post(client, key, "purchases", body, **{"Idempotency-Key": "k-7"}).status_code == 201
    clock.advance(timedelta(days=31))
    with transaction(engine) as session:
        assert api_keys.purge_calls(session) == 1
    before = counts(engine)
    other = post(client, key, "purchases", {"phone": "0899999999", "amount": 250},
                 **{"Idempotency-Key": "k-7"})  # fmt: skip
    assert other.status_code == 422
    assert other.get_json()["errors"][0]["field"] == "Idempotency-Key"
    assert counts(engine) == before
    again = post(client, key, "purchases", body, **{"Idempotency-Key": "k-7"})
    assert again.status_code == 200 and again.get_json()["already_recorded"] is True
    assert again.get_json()["points_earned"] == 40
    assert counts(engine) == before
    assert every_sale_has_its_points(engine) == {"+66812345678": 40}


def test_ledger_keys_have_a_namespace_per_till_and_kind() -> None:
    keys = {
        pos.ledger_key("till-1", order_ref="X", retry_key=None),
        pos.ledger_key("till-1", order_ref=None, retry_key="X"),
        pos.ledger_key("till-2", order_ref="X", retry_key=None),
        pos.ledger_key("till-2", order_ref=None, retry_key="X"),
    }
    assert len(keys) == 4
    assert pos.ledger_key("t", order_ref=None, retry_key=None) != pos.ledger_key(
        "t", order_ref=None, retry_key=None
    )


def test_a_repeated_key_with_other_content_is_refused_not_replayed(engine: Engine) -> None:
    with transaction(engine) as session:
        nok = factories.member(session, phone="0812345678")
        anna = factories.member(session, phone="0899999999")
        first = ledger.post_entry(session, tz=BKK, member=nok, kind=EntryKind.EARN, points=40,
                                  actor="staff", idempotency_key="k")  # fmt: skip
        same = ledger.post_entry(session, tz=BKK, member=nok, kind=EntryKind.EARN, points=40,
                                 actor="staff", idempotency_key="k")  # fmt: skip
        assert same.id == first.id
        for member, kind, points in ((anna, EntryKind.EARN, 40), (nok, EntryKind.EARN, 41),
                                     (nok, EntryKind.ADJUST, 40)):  # fmt: skip
            with pytest.raises(ledger.KeyConflict):
                ledger.post_entry(session, tz=BKK, member=member, kind=kind, points=points,
                                  actor="staff", idempotency_key="k")  # fmt: skip
        assert (nok.points, anna.points) == (40, 0)


def test_an_award_with_a_key_used_before_writes_no_second_purchase(engine: Engine) -> None:
    with transaction(engine) as session:
        nok = factories.member(session, phone="0812345678")
        anna = factories.member(session, phone="0899999999")
        award = dict(amount_satang=100_000, baht_per_point=25, staff_user_id="U1",
                     idempotency_key="award:1")  # fmt: skip
        first = ledger.award_purchase(session, tz=BKK, member=nok, **award)  # type: ignore[arg-type]
        again = ledger.award_purchase(session, tz=BKK, member=nok, **award)  # type: ignore[arg-type]
        assert again.again and again.purchase.id == first.purchase.id
        with pytest.raises(ledger.KeyConflict):
            ledger.award_purchase(session, tz=BKK, member=anna, **award)  # type: ignore[arg-type]
        with pytest.raises(ledger.KeyConflict):
            ledger.award_purchase(session, tz=BKK, member=nok, **{**award, "amount_satang": 5})  # type: ignore[arg-type]
        assert len(session.exec(select(Purchase)).all()) == 1
        assert (nok.points, anna.points) == (40, 0)
