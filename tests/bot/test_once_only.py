"""A webhook event is processed once: redelivered, or received by two processes at once."""

from __future__ import annotations

import multiprocessing
import threading
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from handlers.dispatch import handle_event
from handlers.router import Event
from storage.db import transaction
from storage.models import LedgerEntry
from tests.bot.once_worker import SHOP, handle_in_process
from tests.support import factories

STAFF = "U" + "5" * 32


def award_event(event_id: str) -> Event:
    return Event(kind="text", event_id=event_id, user_id=STAFF, text="award 0812345678 100")


def make_staff(engine: Engine) -> None:
    """The cashier, and the member the awards are for (a new phone would be asked about)."""
    with transaction(engine) as session:
        factories.staff(session, STAFF)
        factories.member(session, phone="0812345678")


def entries(engine: Engine) -> int:
    with Session(engine) as session:
        return len(session.exec(select(LedgerEntry)).all())


def test_same_event_twice_in_a_row_is_handled_once(engine: Engine) -> None:
    make_staff(engine)
    first = handle_event(engine, SHOP, award_event("01EVENT0000000000000000001"))
    second = handle_event(engine, SHOP, award_event("01EVENT0000000000000000001"))
    assert (first.duplicate, second.duplicate) == (False, True)
    assert second.messages == [] and second.jobs == []
    assert entries(engine) == 1


def test_same_event_in_four_threads_at_once_is_handled_once(engine: Engine) -> None:
    make_staff(engine)
    barrier = threading.Barrier(4)
    outcomes: list[bool] = []

    def go() -> None:
        barrier.wait()
        outcomes.append(
            handle_event(engine, SHOP, award_event("01EVENT0000000000000000002")).duplicate
        )

    threads = [threading.Thread(target=go) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [False, True, True, True]
    assert entries(engine) == 1


def test_same_event_in_two_processes_at_once_is_handled_once(engine: Engine) -> None:
    make_staff(engine)
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(2), context.Queue()
    url = engine.url.render_as_string(hide_password=False)
    connect_args: dict[str, Any] = engine.test_connect_args  # type: ignore[attr-defined]
    event = award_event("01EVENT0000000000000000003")
    workers = [
        context.Process(target=handle_in_process, args=(url, connect_args, event, barrier, results))
        for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    assert sorted(results.get(timeout=5) for _ in range(2)) == ["duplicate", "handled"]
    assert entries(engine) == 1


def test_cashiers_awarding_one_member_at_once_all_succeed(engine: Engine) -> None:
    """Every award locks the member first (FOR NO KEY UPDATE): no deadlock, nothing lost."""
    make_staff(engine)
    handle_event(engine, SHOP, award_event("01EVENT0000000000000000010"))
    errors: list[BaseException] = []

    def go(barrier: threading.Barrier, n: int) -> None:
        barrier.wait()
        try:
            for k in range(2):
                handle_event(engine, SHOP, award_event(f"01EVENT0000000000000001{n:02d}{k}"))
        except BaseException as error:  # noqa: BLE001
            errors.append(error)

    barrier = threading.Barrier(8)
    threads = [threading.Thread(target=go, args=(barrier, n)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert entries(engine) == 17  # under the 20-a-minute limit
    with Session(engine) as session:
        from storage.ledger import ledger_sum
        from storage.models import Member

        member = session.exec(select(Member)).one()
        assert member.points == ledger_sum(session, member.id) == 68
