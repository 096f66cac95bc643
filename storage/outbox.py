"""Pushes waiting to be delivered, written in the transaction whose change they announce.

A row is claimed before each try with one conditional write that counts the attempt and
keeps other senders (a retry, the stale-push sweep) away while the try is in flight. A
failed try sets when the next one may happen; the row fails for good only after a day of
retryable errors (storage.retry_policy), or at once when LINE refuses it outright.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from storage import clock, retry_policy
from storage.models import OutboxMessage

IN_FLIGHT = timedelta(minutes=2)  # a claimed row is left to its sender this long
STALE_AFTER = timedelta(minutes=2)  # a pending row never tried this long: its job was lost


def queue_push(
    session: Session, *, to: str, messages: list[dict[str, Any]], purpose: str = "notice"
) -> OutboxMessage:
    """Store a push with its retry key fixed before the first attempt."""
    row = OutboxMessage(to=to, messages=messages, retry_key=str(uuid.uuid4()), purpose=purpose)
    session.add(row)
    session.flush()
    return row


def claim_for_delivery(session: Session, outbox_id: int) -> OutboxMessage | None:
    """The row, with this try counted, if it is pending and due now; else None."""
    now = clock.now()
    claimed = session.execute(
        update(OutboxMessage)
        .where(
            col(OutboxMessage.id) == outbox_id,
            col(OutboxMessage.status) == "pending",
            or_(
                col(OutboxMessage.next_attempt_at).is_(None),
                col(OutboxMessage.next_attempt_at) <= now,
            ),
        )
        .values(attempts=col(OutboxMessage.attempts) + 1, next_attempt_at=now + IN_FLIGHT)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return session.get(OutboxMessage, outbox_id, populate_existing=True)


def mark_sent(session: Session, row: OutboxMessage) -> None:
    row.status, row.sent_at, row.last_error = "sent", clock.now(), None
    row.next_attempt_at = None
    session.add(row)
    session.flush()


def mark_failed(
    session: Session,
    row: OutboxMessage,
    error: str,
    *,
    final: bool,
    retry_after: float | None = None,
) -> float | None:
    """Record a failed try; returns the seconds until the next one, or None: failed for good."""
    now = clock.now()
    row.last_error = error[:300]
    if final or retry_policy.given_up(row.created_at, now):
        row.status, row.next_attempt_at = "failed", None
        delay = None
    else:
        delay = retry_policy.backoff(row.attempts, retry_after)
        row.next_attempt_at = now + timedelta(seconds=delay)
    session.add(row)
    session.flush()
    return delay


def stale_pending(session: Session, older_than: timedelta = STALE_AFTER) -> list[int]:
    """Ids of pushes still pending whose job was lost and whose next try is due: to re-enqueue.

    A row waiting out its backoff (or being sent right now) is not picked."""
    now = clock.now()
    rows = session.exec(
        select(OutboxMessage.id).where(
            OutboxMessage.status == "pending",
            col(OutboxMessage.created_at) < now - older_than,
            or_(
                col(OutboxMessage.next_attempt_at).is_(None),
                col(OutboxMessage.next_attempt_at) <= now,
            ),
        )
    ).all()
    return [row for row in rows if row is not None]
