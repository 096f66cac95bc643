"""Webhook events are processed once: the first transaction to claim an id wins."""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from storage import clock
from storage.models import ProcessedEvent


def claim_event(session: Session, webhook_event_id: str) -> bool:
    """Record the event id; False if another delivery already claimed it.

    On PostgreSQL a concurrent claim of the same id waits for the first transaction and
    then finds the row; on SQLite transactions are serialised. Either way one wins.
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(ProcessedEvent)
        .values(webhook_event_id=webhook_event_id, received_at=clock.now())
        .on_conflict_do_nothing(index_elements=["webhook_event_id"])
        .returning(col(ProcessedEvent.webhook_event_id))
    )
    return session.connection().execute(statement).first() is not None
