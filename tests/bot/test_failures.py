"""When something breaks inside, the user gets an apology and nothing half-done is kept."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, select

from handlers import staff
from storage.db import transaction
from storage.models import LedgerEntry, ProcessedEvent, Role
from tests.support import factories
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


def test_healthz_checks_the_database(client: Any) -> None:
    assert client.get("/healthz").get_json() == {"status": "ok"}
