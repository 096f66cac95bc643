"""Background jobs: deliver queued pushes, send SMS, refresh profiles, link rich menus.

No Flask here."""

from __future__ import annotations

import logging

from huey import crontab
from huey.exceptions import RetryTask

from bot.jobs.queue import huey
from bot.line.client import LineError
from bot.services import current
from handlers.i18n import language_for
from handlers.insights import weekly_summary
from handlers.jobs import JOB_KINDS, Job
from handlers.views.messages import as_json
from richmenus.api import RichMenuError
from richmenus.linking import link_for_role
from storage import (
    api_keys,
    audit,
    clock,
    coupons,
    insight_series,
    members,
    outbox,
    privacy,
    queued_jobs,
    weekly,
)
from storage.db import transaction

log = logging.getLogger(__name__)


def deliver(outbox_id: int) -> str:
    """Send one queued push; returns 'sent', 'duplicate', 'skipped' or 'failed' (or raises
    RetryTask with the delay before the next try).

    The claim and the result are two short transactions, so no database lock is held while
    LINE is being called. The claim counts the attempt and keeps other senders away while
    it is in flight; a row waiting out its backoff is 'skipped'. Two workers sending the
    same row use the same retry key, and LINE answers the second with 409: delivered.
    """
    services = current()
    with transaction(services.engine) as session:
        row = outbox.claim_for_delivery(session, outbox_id)
        if row is None:
            return "skipped"
        to, messages, retry_key = row.to, row.messages, row.retry_key
    try:
        fresh = services.line.push(to, messages, retry_key)
    except LineError as error:
        with transaction(services.engine) as session:
            row = session.get(outbox.OutboxMessage, outbox_id)
            assert row is not None
            delay = outbox.mark_failed(
                session, row, str(error), final=not error.retryable, retry_after=error.retry_after
            )
        if delay is None:
            log.error("push %s failed for good: %s", outbox_id, error)
            return "failed"
        raise RetryTask(delay=delay) from None
    with transaction(services.engine) as session:
        row = session.get(outbox.OutboxMessage, outbox_id)
        assert row is not None
        outbox.mark_sent(session, row)
    return "sent" if fresh else "duplicate"


@huey.task()
def deliver_push(outbox_id: int) -> str:
    return deliver(outbox_id)


@huey.task()
def send_sms(phone: str, body: str) -> None:
    current().sms.send(phone, body)


@huey.task()
def refresh_profile(line_user_id: str) -> None:
    """Learn a user's name and language from LINE (for users we first met mid-chat)."""
    services = current()
    profile = services.line.profile(line_user_id)
    if profile is None:
        return
    with transaction(services.engine) as session:
        members.upsert_line_user(
            session,
            line_user_id=line_user_id,
            display_name=profile.display_name,
            language=language_for(profile.language),
        )


@huey.periodic_task(crontab(minute="*"))
def resend_stale_pushes() -> None:
    """Re-enqueue pushes whose job was lost (a worker died, a queue was flushed)."""
    with transaction(current().engine) as session:
        stale = outbox.stale_pending(session)
    for outbox_id in stale:
        deliver_push(outbox_id)


# rewards and coupons


@huey.periodic_task(crontab(hour="17", minute="5"))
def mark_expired_coupons() -> int:
    """Daily bookkeeping (00:05 in Bangkok): live coupons past their end become `expired`.

    Nothing waits for this: using a coupon checks its end time itself.
    """
    with transaction(current().engine) as session:
        return coupons.mark_expired(session)


# rich menus


@huey.task()
def link_richmenu(line_user_id: str, role: str) -> str:
    """Show a person the rich menu of their new role (nothing until menus are deployed)."""
    services = current()
    try:
        return link_for_role(services.line, services.engine, line_user_id, role)
    except RichMenuError as error:
        if error.retryable:
            raise RetryTask(delay=error.retry_after or 30) from None
        log.warning("rich menu of %s not changed: %s", line_user_id, error)
        return "failed"


# insights and privacy


@huey.periodic_task(crontab(minute="*/15"))
def send_weekly_summaries() -> int:
    """Mondays from 09:00 shop time: last week's summary to each owner who has not switched
    it off. Each owner's week is claimed in the database first, so it goes out once."""
    services = current()
    now = clock.now()
    queued = []
    with transaction(services.engine) as session:
        for owner in weekly.claim_due(session, now, services.shop.tz):
            messages = weekly_summary(session, services.shop, owner.language, now)
            row = outbox.queue_push(
                session, to=owner.line_user_id, messages=as_json(messages), purpose="weekly_summary"
            )
            queued.append(row.id)
    for outbox_id in queued:
        deliver_push(outbox_id)
    return len(queued)


@huey.periodic_task(crontab(hour="20", minute="15"))
def forget_old_records() -> dict[str, int]:
    """Daily (03:15 in Bangkok): audit lines after 400 days, used or expired data links,
    charts after 30 days, idempotency keys after 30 days."""
    with transaction(current().engine) as session:
        return {
            "audit": audit.purge(session),
            "exports": privacy.purge_exports(session),
            "charts": insight_series.purge_charts(session),
            "api_calls": api_keys.purge_calls(session),
            "jobs": queued_jobs.purge(session),
        }


# jobs written with the event that asked for them (storage.queued_jobs)


def run_queued(job_id: int) -> str:
    """Run one queued job once; returns 'done', 'skipped' (not due, or done already) or
    'failed' (tried for a day), or raises RetryTask with the delay before the next run."""
    engine = current().engine
    with transaction(engine) as session:
        row = queued_jobs.claim(session, job_id)
        if row is None:
            return "skipped"
        kind, args = row.kind, dict(row.args)
    hint: float | None = None
    try:
        TASKS[kind].call_local(**args)
    except RetryTask as retry:
        hint, problem = retry.delay, "asked to be retried"
    except Exception as error:  # noqa: BLE001  (any failure: try again later, a day at most)
        log.warning("job %s (%s) failed: %r", job_id, kind, error)
        problem = repr(error)
    else:
        with transaction(engine) as session:
            queued_jobs.mark_done(session, job_id)
        return "done"
    with transaction(engine) as session:
        delay = queued_jobs.mark_failed(session, job_id, problem, retry_after=hint)
    if delay is None:
        log.error("job %s (%s) failed for good: %s", job_id, kind, problem)
        return "failed"
    raise RetryTask(delay=delay)


@huey.task()
def run_job(job_id: int) -> str:
    return run_queued(job_id)


@huey.periodic_task(crontab(minute="*"))
def run_lost_jobs() -> list[int]:
    """Run queued jobs whose hand-off to the queue was lost (it was down at the commit)."""
    with transaction(current().engine) as session:
        lost = queued_jobs.due(session)
    for job_id in lost:
        run_job(job_id)
    return lost


TASKS = {
    "deliver_push": deliver_push,
    "send_sms": send_sms,
    "refresh_profile": refresh_profile,
    "link_richmenu": link_richmenu,
}

# segments and broadcasts: importing the module registers its jobs on huey
from bot.jobs import broadcast  # noqa: E402

TASKS.update(broadcast.TASKS)


def enqueue(jobs: list[Job]) -> None:
    """Hand jobs collected during an event to the queue (after its transaction committed).

    Best effort: every job is already written (a queued_job or outbox row), so a queue that
    is down loses nothing; the sweeps run what could not be handed over here."""
    for job in jobs:
        try:
            if job.ticket is not None:
                run_job(job.ticket)
            else:
                TASKS[job.name](**job.kwargs)
        except Exception as error:  # noqa: BLE001  (the queue is down: the sweep catches up)
            log.warning("job %s not handed to the queue (%r); the sweep will run it", job, error)


# automations: importing the modules registers their jobs on huey
from bot.jobs import automations, owner_alert  # noqa: E402, F401

TASKS.update(owner_alert.TASKS)
if set(TASKS) != JOB_KINDS:  # each kind a handler may ask for has its task, and no more
    raise RuntimeError(f"job kinds and tasks differ: {sorted(set(TASKS) ^ JOB_KINDS)}")
