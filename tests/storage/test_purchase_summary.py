"""A member's kept purchase summary (first, last, how many, how much of their live purchases)
moves with every write of a purchase: awards, backdated awards, voids and imports. Every test
of the suite also checks it against the purchases when it ends (tests/conftest.py)."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session

from storage import ledger, members, purchase_summary, purchases_import
from storage.db import transaction
from storage.models import Member
from tests.support.factories import sale
from tests.support.threads import run_together

BANGKOK = ZoneInfo("Asia/Bangkok")
MAY_1, MAY_9, JUNE_3 = (datetime(2026, m, d, 5, tzinfo=UTC) for m, d in ((5, 1), (5, 9), (6, 3)))


def summary(engine: Engine, member_id: int) -> tuple[Any, ...]:
    with Session(engine) as session:
        member = session.get(Member, member_id)
        assert member is not None
        assert purchase_summary.drifted(session) == []
        return tuple(getattr(member, name) for name in purchase_summary.FIELDS)


def test_awards_voids_and_imports_keep_the_summary(engine: Engine) -> None:
    with transaction(engine) as session:
        member_id = members.create_member(session, phone="+66812345678").id
        assert member_id is not None
    assert summary(engine, member_id) == (None, None, 0, 0)
    latest = sale(engine, member_id, 35_000, "award:1", MAY_9)
    sale(engine, member_id, 10_000, "award:2", MAY_1)  # backdated, as the POS API may
    sale(engine, member_id, 10_000, "award:2", MAY_1)  # the same key again counts once
    assert summary(engine, member_id) == (MAY_1, MAY_9, 2, 45_000)
    with transaction(engine) as session:
        ledger.void_entry(session, entry_id=latest, actor="Ustaff", may_void_any=True)
    assert summary(engine, member_id) == (MAY_1, MAY_1, 1, 10_000)
    body = "phone,customer_ref,occurred_at,amount,ref\n0812345678,,2026-06-03T12:00:00,5.50,X-1\n"
    options = purchases_import.Options(tz=BANGKOK, file_key="f", award_points=True)
    purchases_import.import_purchases(engine, io.StringIO(body), options)
    assert summary(engine, member_id) == (MAY_1, JUNE_3, 2, 10_550)
    purchases_import.import_purchases(engine, io.StringIO(body), options)  # skipped: known ref
    assert summary(engine, member_id) == (MAY_1, JUNE_3, 2, 10_550)


def test_an_import_without_points_counts_its_purchases_too(engine: Engine) -> None:
    body = "phone,customer_ref,occurred_at,amount,ref\n"
    body += "0812345678,,2026-05-09,20,A-1\n0812345678,,2026-05-01,10,A-2\n"
    body += ",POS-7,2026-06-03,1,A-3\n"
    options = purchases_import.Options(tz=BANGKOK, file_key="f", batch_size=2)
    purchases_import.import_purchases(engine, io.StringIO(body), options)
    with Session(engine) as session:
        rows = {
            m.phone or m.customer_ref: (m.first_purchase_at, m.last_purchase_at, m.purchases)
            for m in (session.get_one(Member, 1), session.get_one(Member, 2))
        }
    day = {n: datetime(2026, 5, n, tzinfo=BANGKOK) for n in (1, 9)}
    assert rows == {
        "+66812345678": (day[1], day[9], 2),
        "POS-7": (datetime(2026, 6, 3, tzinfo=BANGKOK),) * 2 + (1,),
    }


def test_awards_a_void_and_an_import_at_once_keep_the_summary(engine: Engine) -> None:
    """Eight awards, a void of an earlier award and an import batch for the same member, all
    at the same moment: each moves the summary under the member's lock, none is lost."""
    with transaction(engine) as session:
        member_id = members.create_member(session, phone="+66812345678").id
        assert member_id is not None
    voided = sale(engine, member_id, 5_000, "award:first", MAY_1)
    body = "phone,customer_ref,occurred_at,amount,ref\n0812345678,,2026-06-03T12:00:00,1,X-1\n"
    options = purchases_import.Options(tz=BANGKOK, file_key="f", award_points=True)

    def void() -> None:
        with transaction(engine) as session:
            ledger.void_entry(session, entry_id=voided, actor="Ustaff", may_void_any=True)

    jobs: list[Callable[[], object]] = [
        lambda n=n: sale(engine, member_id, 10_000, f"award:{n}", MAY_9) for n in range(8)
    ]
    jobs += [void, lambda: purchases_import.import_purchases(engine, io.StringIO(body), options)]
    results = run_together(jobs)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert summary(engine, member_id) == (MAY_9, JUNE_3, 9, 80_100)
