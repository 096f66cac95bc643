"""Work a handler asks for, done after the event's transaction commits (a push, an SMS).

`bot.jobs` holds the task of each kind; it checks, when imported, that every kind here has
one and no other.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlmodel import Session

from storage import queued_jobs

JOB_KINDS = frozenset(
    {
        "deliver_push",
        "send_sms",
        "refresh_profile",
        "link_richmenu",
        "send_broadcast",
        "refresh_quota",
        "refresh_scores",
        "send_winback_offers",
    }
)  # bot.jobs.tasks has a task of each name (checked when it is imported)


@dataclass(frozen=True)
class Job:
    """Work to do after the transaction commits (a push, an SMS); an unknown kind fails here,
    inside the transaction, not after the commit."""

    name: str
    kwargs: dict[str, Any]
    ticket: int | None = None  # its queued_job row (a push's record is its outbox row)

    def __post_init__(self) -> None:
        if self.name not in JOB_KINDS:
            raise ValueError(f"unknown job kind {self.name!r}")


def record_jobs(session: Session, jobs: list[Job]) -> list[Job]:
    """Write each job (but pushes, already in the outbox) in the event's transaction, so a
    queue that is down when it commits loses none of them: the sweep runs them later."""
    return [
        job
        if job.name == "deliver_push"
        else replace(job, ticket=queued_jobs.record(session, job.name, job.kwargs))
        for job in jobs
    ]
