"""Pushes waiting to be delivered, written in the transaction whose change they announce."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlmodel import Session, col, select

from storage import clock
from storage.models import OutboxMessage

MAX_ATTEMPTS = 8


def queue_push(
    session: Session, *, to: str, messages: list[dict[str, Any]], purpose: str = "notice"
) -> OutboxMessage:
    """Store a push with its retry key fixed before the first attempt."""
    row = OutboxMessage(to=to, messages=messages, retry_key=str(uuid.uuid4()), purpose=purpose)
    session.add(row)
    session.flush()
    return row


def claim_for_delivery(session: Session, outbox_id: int) -> OutboxMessage | None:
    """The row if it still needs sending (locked on PostgreSQL), else None."""
    row = session.exec(
        select(OutboxMessage).where(OutboxMessage.id == outbox_id).with_for_update()
    ).first()
    if row is None or row.status != "pending":
        return None
    row.attempts += 1
    session.add(row)
    session.flush()
    return row


def mark_sent(session: Session, row: OutboxMessage) -> None:
    row.status, row.sent_at, row.last_error = "sent", clock.now(), None
    session.add(row)
    session.flush()


def mark_failed(session: Session, row: OutboxMessage, error: str, *, final: bool) -> None:
    row.last_error = error[:300]
    if final or row.attempts >= MAX_ATTEMPTS:
        row.status = "failed"
    session.add(row)
    session.flush()


def stale_pending(session: Session, older_than: timedelta = timedelta(minutes=2)) -> list[int]:
    """Ids of pushes still pending after `older_than` (their job was lost): to re-enqueue."""
    cutoff = clock.now() - older_than
    rows = session.exec(
        select(OutboxMessage.id).where(
            OutboxMessage.status == "pending", col(OutboxMessage.created_at) < cutoff
        )
    ).all()
    return [row for row in rows if row is not None]
