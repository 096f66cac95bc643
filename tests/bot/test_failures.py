"""When something breaks inside, the user gets an apology and nothing half-done is kept."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool
from sqlmodel import Session, select

from handlers import dispatch, staff
from handlers.i18n import t
from storage import api_keys
from storage.db import make_engine, transaction
from storage.models import LedgerEntry, ProcessedEvent, Role
from tests.support import factories
from tests.support.databases import POSTGRES_URL
from tests.support.line import Line


@pytest.mark.allow_errors
def test_a_crashing_handler_rolls_back_and_apologises(
    line: Line, engine: Any, monkeypatch: Any
) -> None:
    cashier = line.user("Bee", role=Role.STAFF)
    with transaction(engine) as session:
        factories.member(session, phone="0812345678")

    real_award = staff.ledger.award_purchase

    def award_then_crash(*args: Any, **kwargs: Any) -> Any:
        real_award(*args, **kwargs)
        raise RuntimeError("a bug after the points were written")

    monkeypatch.setattr(staff.ledger, "award_purchase", award_then_crash)
    answer = line.ask(cashier, "award 0812345678 100")
    assert "ขออภัย" in answer
    assert line.last_status == 200
    with Session(engine) as session:
        assert session.exec(select(LedgerEntry)).all() == []
        assert len(session.exec(select(ProcessedEvent)).all()) == 1  # only the follow


@pytest.mark.allow_errors
def test_database_outage_answers_503_so_line_redelivers(line: Line, monkeypatch: Any) -> None:
    user = line.fake.add_user("Nok")

    def down(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr("bot.web.webhook.handle_event", down)
    line.fake.say(user, "แต้ม")
    assert line.last_status == 503


def closed_by_the_server(pids: list[int]) -> None:
    """The backends `pids` closed by PostgreSQL, as a restart would."""
    with make_engine(POSTGRES_URL, poolclass=NullPool).connect() as admin:
        for pid in pids:
            admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})


def pooled_backends(engine: Engine) -> list[int]:
    idle = [engine.connect() for _ in range(engine.pool.checkedin())]  # type: ignore[attr-defined]
    pids = [c.execute(text("SELECT pg_backend_pid()")).scalar_one() for c in idle]
    for connection in idle:
        connection.close()
    return pids


@pytest.mark.allow_errors
def test_an_event_that_waited_out_sqlites_write_lock_answers_503(
    line: Line, engine: Engine
) -> None:
    """Another writer held SQLite's lock past the busy timeout: "database is locked" is an
    outage, so LINE is told 503 and delivers the event again (it once got an apology and
    200, and the event was lost)."""
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's write lock")
    user = line.user("Nok")
    with engine.connect() as pooled:  # the connection the next event will take
        pooled.connection.driver_connection.execute("PRAGMA busy_timeout=100")
    holder = sqlite3.connect(engine.url.database or "", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        line.fake.say(user, "แต้ม")
    finally:
        holder.rollback()
        holder.close()
    assert line.last_status == 503


def test_an_event_whose_connection_breaks_is_run_again_on_a_new_one(
    line: Line, engine: Engine, monkeypatch: Any
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("a server that closes a connection is PostgreSQL's (SQLite has none)")
    user = line.user("Nok")
    line.register(user, "0812345678")
    claimed = event_count(engine)
    real_claim, broken = dispatch.events.claim_event, []

    def claim_on_a_broken_connection(session: Session, event_id: str) -> bool:
        if not broken:  # after the pool's ping: the connection breaks under the event
            pid = session.connection().execute(text("SELECT pg_backend_pid()")).scalar_one()
            closed_by_the_server([pid])
            broken.append(pid)
        return real_claim(session, event_id)

    monkeypatch.setattr(dispatch.events, "claim_event", claim_on_a_broken_connection)
    answer = line.ask(user, "แต้ม")
    assert broken and line.last_status == 200
    assert answer.startswith(t("th", "points_balance", points=0))
    assert event_count(engine) == claimed + 1


def event_count(engine: Engine) -> int:
    with Session(engine) as session:
        return len(session.exec(select(ProcessedEvent)).all())


def test_healthz_checks_the_database(client: Any, engine: Engine) -> None:
    assert client.get("/healthz").get_json() == {"status": "ok"}
    if engine.dialect.name == "postgresql":  # after a restart: the pool's ping replaces them
        closed_by_the_server(pooled_backends(engine))
        assert client.get("/healthz").get_json() == {"status": "ok"}


@pytest.mark.allow_errors
def test_the_pos_api_answers_503_while_the_database_is_down(
    client: Any, engine: Engine, monkeypatch: Any
) -> None:
    with transaction(engine) as session:
        key, _ = api_keys.create_key(session, "till")

    def down(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr("bot.web.pos_api._answer", down)
    answer = client.post(
        "/api/v1/purchases",
        json={"phone": "0812345678", "amount": 100},
        headers={"Authorization": f"Bearer {key}"},
    )
    assert answer.status_code == 503
    assert answer.get_json()["detail"] == "the database is unavailable: try again"
