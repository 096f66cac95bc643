"""The rules of points: append-only entries, balance = sum, never negative, nothing lost."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine

from storage import ledger, members
from storage.db import transaction
from storage.models import EntryKind, Member


def new_member(engine: Engine, phone: str = "+66812345678") -> int:
    with transaction(engine) as session:
        member = members.create_member(session, phone=phone)
        return member.id  # type: ignore[return-value]


def award(engine: Engine, member_id: int, satang: int, key: str) -> None:
    with transaction(engine) as session:
        member = session.get(Member, member_id)
        assert member is not None
        ledger.award_purchase(
            session,
            tz=ZoneInfo("Asia/Bangkok"),
            member=member,
            amount_satang=satang,
            baht_per_point=25,
            staff_user_id="Ustaff",
            idempotency_key=key,
        )


def spend(engine: Engine, member_id: int, points: int, key: str) -> bool:
    try:
        with transaction(engine) as session:
            member = session.get(Member, member_id)
            assert member is not None
            ledger.post_entry(
                session,
                tz=ZoneInfo("Asia/Bangkok"),
                member=member,
                kind=EntryKind.REDEEM,
                points=-points,
                actor="Ucustomer",
                idempotency_key=key,
            )
        return True
    except ledger.NotEnoughPoints:
        return False


def balance_and_sum(engine: Engine, member_id: int) -> tuple[int, int]:
    with transaction(engine) as session:
        member = session.get(Member, member_id)
        assert member is not None
        return member.points, ledger.ledger_sum(session, member_id)


def run_together(n: int, work: Callable[[int], Any]) -> list[Any]:
    """Start `n` threads at the same moment; return their results."""
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n
    errors: list[BaseException] = []

    def go(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except BaseException as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=go, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors[:3]
    return results


def test_fifty_concurrent_awards_lose_nothing(engine: Engine) -> None:
    member_id = new_member(engine)
    run_together(50, lambda i: award(engine, member_id, 10_000, f"award:{i}"))
    assert balance_and_sum(engine, member_id) == (200, 200)


def test_balance_never_negative_when_two_spend_at_once(engine: Engine) -> None:
    member_id = new_member(engine)
    award(engine, member_id, 25 * 100 * 10, "seed")
    results = run_together(8, lambda i: spend(engine, member_id, 4, f"spend:{i}"))
    assert results.count(True) == 2
    assert balance_and_sum(engine, member_id) == (2, 2)


def test_same_idempotency_key_counts_once(engine: Engine) -> None:
    member_id = new_member(engine)
    award(engine, member_id, 10_000, "award:same")
    award(engine, member_id, 10_000, "award:same")
    assert balance_and_sum(engine, member_id) == (4, 4)


def test_spending_more_than_balance_writes_nothing(engine: Engine) -> None:
    member_id = new_member(engine)
    award(engine, member_id, 10_000, "seed")
    assert not spend(engine, member_id, 5, "too-much")
    assert balance_and_sum(engine, member_id) == (4, 4)


def test_void_is_a_new_entry_and_only_once(engine: Engine) -> None:
    member_id = new_member(engine)
    award(engine, member_id, 10_000, "seed")
    with transaction(engine) as session:
        member = session.get(Member, member_id)
        assert member is not None
        entry_id = ledger.points_history(session, member, datetime.min.replace(tzinfo=UTC))[1][0].id
    void = lambda i: _void(engine, entry_id)  # noqa: E731
    outcomes = run_together(5, void)
    assert sorted(outcomes) == ["already_void"] * 4 + ["ok"]
    assert balance_and_sum(engine, member_id) == (0, 0)


def _void(engine: Engine, entry_id: int) -> str:
    try:
        with transaction(engine) as session:
            ledger.void_entry(session, entry_id=entry_id, actor="Uowner", may_void_any=True)
        return "ok"
    except ledger.VoidRefused as refused:
        return refused.reason
    except Exception as error:  # noqa: BLE001  (a unique-key race is also a refusal)
        if "unique" in str(error).lower() or "duplicate" in str(error).lower():
            return "already_void"
        raise


@pytest.mark.parametrize("typed", ["0812345678", "081-234-5678", "+66812345678", "+66 81 234 5678"])
def test_phones_are_stored_as_e164(typed: str) -> None:
    from storage.phones import to_e164

    assert to_e164(typed) == "+66812345678"
