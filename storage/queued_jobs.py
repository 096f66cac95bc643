"""Jobs written in the transaction of the event that asks for them, run once after it.

The web process hands each new job to the queue after the commit, as a hint; if the queue
is down nothing is lost, because `due` finds the row and the sweep runs it. Running claims
the row with one conditional write (counting the attempt and keeping other runners away
while it is in flight); `mark_done` clears its arguments. Retryable failures are tried
again with the same backoff and one-day horizon as pushes (storage.retry_policy).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import delete, or_, update
from sqlmodel import Session, col, select

from storage import clock, retry_policy
from storage.models import QueuedJob

IN_FLIGHT = timedelta(minutes=10)  # a claimed job is left to its runner this long
STALE_AFTER = timedelta(minutes=1)  # a job never run this long: its hand-off was lost
KEEP_DONE = timedelta(days=30)


def record(session: Session, kind: str, args: dict[str, Any]) -> int:
    """Write a job to run after this transaction commits; returns its id."""
    row = QueuedJob(kind=kind, args=args)
    session.add(row)
    session.flush()
    assert row.id is not None
    return row.id


def claim(session: Session, job_id: int) -> QueuedJob | None:
    """The job, with this run counted, if it is pending and due now; else None."""
    now = clock.now()
    claimed = session.execute(
        update(QueuedJob)
        .where(col(QueuedJob.id) == job_id, col(QueuedJob.status) == "pending", _due(now))
        .values(attempts=col(QueuedJob.attempts) + 1, next_attempt_at=now + IN_FLIGHT)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return session.get(QueuedJob, job_id, populate_existing=True)


def mark_done(session: Session, job_id: int) -> None:
    _settle(session, job_id, "done", None)


def mark_failed(
    session: Session, job_id: int, error: str, *, retry_after: float | None = None
) -> float | None:
    """Record a failed run; returns the seconds until the next one, or None: failed for good."""
    row = session.get(QueuedJob, job_id)
    assert row is not None
    now = clock.now()
    if retry_policy.given_up(row.created_at, now):
        _settle(session, job_id, "failed", error)
        return None
    delay = retry_policy.backoff(row.attempts, retry_after)
    row.next_attempt_at, row.last_error = now + timedelta(seconds=delay), error[:300]
    session.add(row)
    session.flush()
    return delay


def cancel_naming(session: Session, value: str) -> int:
    """Cancel the pending jobs whose arguments hold `value` (an erased person's phone), so
    they neither run nor keep it; returns how many."""
    pending = session.exec(select(QueuedJob).where(col(QueuedJob.status) == "pending")).all()
    named = [row.id for row in pending if value in row.args.values() and row.id is not None]
    for job_id in named:
        _settle(session, job_id, "cancelled", "the person's data was erased")
    return len(named)


def _settle(session: Session, job_id: int, status: str, error: str | None) -> None:
    row = session.get(QueuedJob, job_id)
    assert row is not None
    row.status, row.done_at, row.next_attempt_at = status, clock.now(), None
    row.args = {}  # an SMS's phone and code, a LINE id: not kept once the job has run
    row.last_error = error[:300] if error else None
    session.add(row)
    session.flush()


def due(session: Session, older_than: timedelta = STALE_AFTER) -> list[int]:
    """Ids of pending jobs whose hand-off was lost and whose next run is due: to run."""
    now = clock.now()
    rows = session.exec(
        select(QueuedJob.id)
        .where(
            QueuedJob.status == "pending",
            col(QueuedJob.created_at) < now - older_than,
            _due(now),
        )
        .order_by(col(QueuedJob.id))
    ).all()
    return [row for row in rows if row is not None]


def purge(session: Session) -> int:
    """Forget jobs that finished more than 30 days ago."""
    gone = session.execute(
        delete(QueuedJob).where(
            col(QueuedJob.status).in_(["done", "failed"]),
            col(QueuedJob.done_at) < clock.now() - KEEP_DONE,
        )
    )
    return int(gone.rowcount)  # type: ignore[attr-defined]


def _due(now: Any) -> Any:
    return or_(col(QueuedJob.next_attempt_at).is_(None), col(QueuedJob.next_attempt_at) <= now)
