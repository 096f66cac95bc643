"""Webhook events are processed once: the first transaction to claim an id wins."""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from storage import clock
from storage.models import ProcessedEvent


def claim_event(session: Session, webhook_event_id: str) -> bool:
    """Record the event id; False if another delivery already claimed it.

    On PostgreSQL a concurrent claim of the same id waits for the first transaction and
    then finds the row; on SQLite transactions are serialised. Either way one wins.
    """
    statement = _claim(session.get_bind().dialect.name)
    found = session.connection().execute(statement, {"id": webhook_event_id, "at": clock.now()})
    return found.first() is not None


@cache
def _claim(dialect: str) -> Any:
    """The claim's statement, built once per dialect (every webhook event runs it)."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return (
        insert(ProcessedEvent)
        .values(webhook_event_id=bindparam("id"), received_at=bindparam("at"))
        .on_conflict_do_nothing(index_elements=["webhook_event_id"])
        .returning(col(ProcessedEvent.webhook_event_id))
    )
