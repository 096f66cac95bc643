"""Broadcasts in the background: chunked multicast delivery and the quota.

`send_campaign` is the delivery job. It takes a lease on the campaign, fixes the recipients
once, then sends the chunks, a few multicasts in flight (`broadcast_delivery`), each with
its stored retry key; 429 and 5xx are retried with backoff (Retry-After honoured), 409
counts as delivered. A worker killed
mid-way loses its job, but the campaign keeps its place: `resume_broadcasts` (every
minute, and when a consumer starts) runs it again once the dead job's lease has run out,
and the chunks that were in flight are resent with their keys, so nobody gets it twice.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from collections.abc import Callable

from bot.jobs import broadcast_delivery
from bot.jobs.queue import Jobs
from bot.line.client import LineError
from handlers.i18n import t
from handlers.jobs import DeliverPush, SendBroadcast
from storage import (
    campaign_leases,
    campaign_report,
    campaigns,
    line_quota,
    members,
    outbox,
)
from storage.db import transaction
from storage.models import Campaign

log = logging.getLogger(__name__)


def _worker_name() -> str:
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def send_campaign(jobs: Jobs, campaign_id: int, sleep: Callable[[float], None] = time.sleep) -> str:
    """Deliver a campaign; returns 'done', 'busy' (another job has it) or 'lost' (lease gone).

    A silent job keeps its campaign for BROADCAST_LEASE_SECONDS."""
    services, me = jobs.services, _worker_name()
    with transaction(services.engine) as session:
        if not campaign_leases.take_lease(
            session, campaign_id, me, services.settings.broadcast_lease_seconds
        ):
            return "busy"
        campaigns.prepare(session, campaign_id)
    if not broadcast_delivery.deliver(jobs, campaign_id, me, sleep):
        return "lost"
    _finish(jobs, campaign_id)
    return "done"


def _finish(jobs: Jobs, campaign_id: int) -> None:
    """Mark the campaign done (once) and tell its owner how it went."""
    with transaction(jobs.services.engine) as session:
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
    jobs.send(DeliverPush(row.id))  # type: ignore[arg-type]


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


def send_broadcast(jobs: Jobs, campaign_id: int) -> str:
    return send_campaign(jobs, campaign_id)


def resume_broadcasts(jobs: Jobs) -> list[int]:
    """Start again every unfinished campaign whose job is gone (a worker died or restarted)."""
    with transaction(jobs.services.engine) as session:
        waiting = campaign_leases.resumable(session)
    for campaign_id in waiting:
        jobs.send(SendBroadcast(campaign_id))
    return waiting


def resume_on_start(jobs: Jobs) -> None:
    """A consumer that starts picks up broadcasts left unfinished (once their lease ran out)."""
    resume_broadcasts(jobs)


def refresh_quota(jobs: Jobs) -> None:
    """Ask LINE for this month's quota and usage, for the broadcast preview."""
    services = jobs.services
    try:
        quota = services.line.quota()
    except LineError as error:
        log.warning("quota unavailable: %s", error)
        return
    with transaction(services.engine) as session:
        line_quota.save_quota(session, limit=quota.limit, used=quota.used)
