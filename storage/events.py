"""Webhook events are processed once: the first transaction to claim an id wins."""

from __future__ import annotations

from sqlalchemy import bindparam, text
from sqlmodel import Session

from storage import clock
from storage.models import ProcessedEvent

_COLUMNS = ProcessedEvent.__table__.c  # type: ignore[attr-defined]

# Written out (the same words on SQLite and PostgreSQL): every webhook event runs it, and
# a text statement skips the construct's cache-key walk and its dialect's insert.
_CLAIM = text(
    "INSERT INTO processed_event (webhook_event_id, received_at) VALUES (:id, :at) "
    "ON CONFLICT (webhook_event_id) DO NOTHING RETURNING webhook_event_id"
).bindparams(
    bindparam("id", type_=_COLUMNS.webhook_event_id.type),
    bindparam("at", type_=_COLUMNS.received_at.type),
)


def claim_event(session: Session, webhook_event_id: str) -> bool:
    """Record the event id; False if another delivery already claimed it.

    On PostgreSQL a concurrent claim of the same id waits for the first transaction and
    then finds the row; on SQLite transactions are serialised. Either way one wins.
    """
    found = session.connection().execute(_CLAIM, {"id": webhook_event_id, "at": clock.now()})
    return found.first() is not None
