"""Segments and broadcasts in the background: chunked multicast delivery, quota, nightly RFM.

`send_campaign` is the delivery job. It takes a lease on the campaign, fixes the recipients
once, then sends chunk after chunk with each chunk's stored retry key; 429 and 5xx are
retried with backoff (Retry-After honoured), 409 counts as delivered. A worker killed
mid-way loses its job, but the campaign keeps its place: `resume_broadcasts` (every
minute, and when a consumer starts) runs it again once the dead job's lease has run out,
and the chunk that was in flight is resent with the same key, so nobody gets it twice.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from collections.abc import Callable
from datetime import date

from huey import crontab

from bot.jobs.queue import huey
from bot.line.client import LineError
from bot.services import current
from handlers.i18n import t
from storage import campaign_report, campaigns, clock, members, outbox, segments
from storage.campaigns import ChunkToSend
from storage.db import transaction
from storage.models import Campaign

log = logging.getLogger(__name__)

BACKOFF_SECONDS = (1, 2, 5, 15, 30, 60, 120, 300, 900)  # then 900 s, for a day (retry_policy)
LONGEST_WAIT = 900.0
NIGHTLY_HOUR = 2  # shop time


def lease_seconds() -> float:
    """How long a silent job keeps its campaign (BROADCAST_LEASE_SECONDS, default 60)."""
    return float(os.environ.get("BROADCAST_LEASE_SECONDS", "60"))


def _worker_name() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def send_campaign(campaign_id: int, sleep: Callable[[float], None] = time.sleep) -> str:
    """Deliver a campaign; returns 'done', 'busy' (another job has it) or 'lost' (lease gone)."""
    engine, me = current().engine, _worker_name()
    with transaction(engine) as session:
        if not campaigns.take_lease(session, campaign_id, me, lease_seconds()):
            return "busy"
        campaigns.prepare(session, campaign_id)
    while True:
        with transaction(engine) as session:
            if not campaigns.take_lease(session, campaign_id, me, lease_seconds()):
                return "lost"
            campaign = session.get(Campaign, campaign_id)
            assert campaign is not None
            chunk = campaigns.claim_next_chunk(session, campaign)
        if chunk is None:
            break
        wait = _attempt(chunk)
        if wait:
            with transaction(engine) as session:
                campaigns.take_lease(session, campaign_id, me, wait + lease_seconds())
            sleep(wait)
    _finish(campaign_id)
    return "done"


def _why(error: LineError) -> tuple[str, bool]:
    """The reason a chunk failed, and whether trying again is pointless."""
    if error.status == 429 and "monthly limit" in error.body:
        return "quota", True
    if error.retryable:
        return "line_error", False
    return "refused", True


def _attempt(chunk: ChunkToSend) -> float:
    """Send one chunk once; returns how long to wait before trying it again (0: settled)."""
    services = current()
    try:
        services.line.multicast(chunk.to, chunk.messages, chunk.retry_key)
    except LineError as error:
        reason, final = _why(error)
        with transaction(services.engine) as session:
            gave_up = campaigns.mark_chunk_failed(
                session, chunk.chunk_id, str(error), reason=reason, final=final
            )
        if gave_up:
            log.warning("chunk %s failed for good (%s): %s", chunk.chunk_id, reason, error)
            return 0.0
        backoff = BACKOFF_SECONDS[min(chunk.attempts, len(BACKOFF_SECONDS)) - 1]
        return min(error.retry_after or backoff, LONGEST_WAIT)
    with transaction(services.engine) as session:
        campaigns.mark_chunk_sent(session, chunk.chunk_id)
    return 0.0


def _finish(campaign_id: int) -> None:
    """Mark the campaign done (once) and tell its owner how it went."""
    from bot.jobs.tasks import deliver_push

    with transaction(current().engine) as session:
        if not campaigns.finish(session, campaign_id):
            return
        campaign = session.get(Campaign, campaign_id)
        assert campaign is not None
        owner = members.get_line_user(session, campaign.created_by)
        if owner is None or not owner.following:
            return
        text = finished_text(
            owner.language, campaign, campaign_report.outcome(session, campaign_id)
        )  # type: ignore[arg-type]
        row = outbox.queue_push(
            session,
            to=owner.line_user_id,
            messages=[{"type": "text", "text": text}],
            purpose="campaign",
        )
    deliver_push(row.id)


def reasons_text(lang: str, counts: dict[str, int]) -> str:
    parts = [f"{t(lang, 'bc_reason_' + reason)} {n:,}" for reason, n in sorted(counts.items())]
    return ", ".join(parts) or "-"


def finished_text(lang: str, campaign: Campaign, result: campaign_report.Outcome) -> str:
    """The owner's summary when a broadcast has finished."""
    lines = [
        t(lang, "bc_finished", id=campaign.id, sent=result.sent),
        t(
            lang,
            "bc_finished_failed",
            n=sum(result.failed.values()),
            why=reasons_text(lang, result.failed) or "-",
        ),
        t(
            lang,
            "bc_finished_skipped",
            n=sum(result.skipped.values()),
            why=reasons_text(lang, result.skipped) or "-",
        ),
        t(lang, "bc_finished_held_out", n=result.held_out, percent=campaign.holdout_percent),
        t(lang, "bc_finished_report", id=campaign.id),
    ]
    return "\n".join(lines)


@huey.task()
def send_broadcast(campaign_id: int) -> str:
    return send_campaign(campaign_id)


@huey.periodic_task(crontab(minute="*"))
def resume_broadcasts() -> list[int]:
    """Start again every unfinished campaign whose job is gone (a worker died or restarted)."""
    with transaction(current().engine) as session:
        waiting = campaigns.resumable(session)
    for campaign_id in waiting:
        send_broadcast(campaign_id)
    return waiting


@huey.on_startup()
def resume_on_start() -> None:
    """A consumer that starts picks up broadcasts left unfinished (once their lease ran out)."""
    resume_broadcasts()


@huey.task()
def refresh_quota() -> None:
    """Ask LINE for this month's quota and usage, for the broadcast preview."""
    services = current()
    try:
        quota = services.line.quota()
    except LineError as error:
        log.warning("quota unavailable: %s", error)
        return
    with transaction(services.engine) as session:
        campaigns.save_quota(session, limit=quota.limit, used=quota.used)


def score_members(as_of: date | None = None) -> int:
    """Recompute the stored RFM scores (as of today in the shop unless told)."""
    services = current()
    tz = services.settings.tz
    day = as_of or clock.now().astimezone(tz).date()
    with transaction(services.engine) as session:
        return segments.refresh_scores(session, as_of=day, tz=tz)


@huey.task()
def refresh_scores(as_of: str | None = None) -> int:
    return score_members(date.fromisoformat(as_of) if as_of else None)


@huey.periodic_task(crontab(minute="7"))
def nightly_scores() -> int | None:
    """Once a day, after 02:00 shop time, score everyone as of the new day."""
    services = current()
    local = clock.now().astimezone(services.settings.tz)
    with transaction(services.engine) as session:
        run = segments.latest_run(session)
    if local.hour < NIGHTLY_HOUR or (run is not None and run.as_of >= local.date()):
        return None
    return score_members(local.date())


TASKS = {
    "send_broadcast": send_broadcast,
    "refresh_quota": refresh_quota,
    "refresh_scores": refresh_scores,
}
