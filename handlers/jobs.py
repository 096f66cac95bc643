"""Work a handler asks for, done after the event's transaction commits (a push, an SMS).

Each kind of job is a dataclass here, so a misspelt one fails at import; `bot.jobs` maps
every type in `JOB_TYPES` to its task (and checks, when imported, that none is missing).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, ClassVar

from sqlmodel import Session

from storage import queued_jobs


@dataclass(frozen=True)
class Job:
    """Work to do after the transaction commits; `kind` names it in the queued_job row."""

    kind: ClassVar[str]

    def args(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class DeliverPush(Job):
    """A push already written to the outbox (its row is its record)."""

    kind: ClassVar[str] = "deliver_push"
    outbox_id: int


@dataclass(frozen=True)
class SendSms(Job):
    kind: ClassVar[str] = "send_sms"
    phone: str
    body: str


@dataclass(frozen=True)
class RefreshProfile(Job):
    kind: ClassVar[str] = "refresh_profile"
    line_user_id: str


@dataclass(frozen=True)
class LinkRichMenu(Job):
    kind: ClassVar[str] = "link_richmenu"
    line_user_id: str
    role: str


@dataclass(frozen=True)
class SendBroadcast(Job):
    kind: ClassVar[str] = "send_broadcast"
    campaign_id: int


@dataclass(frozen=True)
class RefreshQuota(Job):
    kind: ClassVar[str] = "refresh_quota"


@dataclass(frozen=True)
class RefreshScores(Job):
    """Score every member again; with `tell`, push `show` ("segments": the chart,
    "broadcast": the broadcast's group picker) to that owner when it is done."""

    kind: ClassVar[str] = "refresh_scores"
    as_of: str | None = None  # ISO date; today in the shop if None
    tell: str | None = None  # the LINE user id of the owner waiting for the answer
    show: str = "segments"


@dataclass(frozen=True)
class SendWinbackOffers(Job):
    kind: ClassVar[str] = "send_winback_offers"


JOB_TYPES: dict[str, type[Job]] = {
    job.kind: job
    for job in (
        DeliverPush,
        SendSms,
        RefreshProfile,
        LinkRichMenu,
        SendBroadcast,
        RefreshQuota,
        RefreshScores,
        SendWinbackOffers,
    )
}


@dataclass(frozen=True)
class Recorded:
    """A job written in the event's transaction: its queued_job row (None for a push, whose
    record is its outbox row)."""

    job: Job
    ticket: int | None = None


def record_jobs(session: Session, jobs: list[Job]) -> list[Recorded]:
    """Write each job (but pushes, already in the outbox) in the event's transaction, so a
    queue that is down when it commits loses none of them: the sweep runs them later.

    A job of a type `JOB_TYPES` does not know fails here, inside the transaction."""
    recorded = []
    for job in jobs:
        if JOB_TYPES.get(job.kind) is not type(job):
            raise ValueError(f"unknown job type {type(job).__name__}")
        ticket = (
            None
            if isinstance(job, DeliverPush)
            else queued_jobs.record(session, job.kind, job.args())
        )
        recorded.append(Recorded(job, ticket))
    return recorded
