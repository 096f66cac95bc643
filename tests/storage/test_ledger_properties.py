"""The rules of points hold whatever cashiers, customers, tills and jobs do, in any order.

A hypothesis state machine (tests/storage/ledger_machine.py) awards, voids, redeems,
uses and cancels coupons, sells and refunds through the POS API's storage calls, moves
time, expires points, changes tiers and erases members, on SQLite and on PostgreSQL;
tests/storage/ledger_rules.py says what must hold after every step. CI runs a bounded
number of runs (the `ci` profile); `HYPOTHESIS_PROFILE=soak` runs a long soak.
"""

from __future__ import annotations

from hypothesis import settings
from hypothesis.stateful import run_state_machine_as_test
from sqlalchemy.engine import Engine

from storage import clock
from tests.storage.ledger_machine import LedgerMachine


def test_ledger_rules_hold_in_any_interleaving(engine: Engine) -> None:
    try:
        run_state_machine_as_test(lambda: LedgerMachine(engine), settings=settings())
    finally:
        clock.reset()
