"""Background jobs: deliver queued pushes, send SMS, refresh profiles, link rich menus,
and the daily and weekly bookkeeping. Each takes the `Jobs` it runs in first.

No Flask here."""

from __future__ import annotations

import logging
from datetime import datetime, tzinfo

from huey.exceptions import RetryTask
from sqlalchemy.engine import Engine

from bot.jobs.queue import Jobs
from bot.line.client import LineError
from handlers.i18n import language_for
from handlers.insights import kept_periods, weekly_summary
from handlers.jobs import DeliverPush
from richmenus.api import RichMenuError
from richmenus.linking import link_for_role
from storage import (
    api_keys,
    audit,
    clock,
    coupons,
    figure_snapshots,
    insight_series,
    insights,
    media_files,
    members,
    outbox,
    periods,
    privacy,
    queued_jobs,
    weekly,
)
from storage.db import reading, transaction
from storage.models import FigureSnapshot

log = logging.getLogger(__name__)

FIGURES_HOUR = 3  # shop time


def deliver_push(jobs: Jobs, outbox_id: int) -> str:
    """Send one queued push; returns 'sent', 'duplicate', 'skipped' or 'failed' (or raises
    RetryTask with the delay before the next try).

    The claim and the result are two short transactions, so no database lock is held while
    LINE is being called. The claim counts the attempt and keeps other senders away while
    it is in flight; a row waiting out its backoff is 'skipped'. Two workers sending the
    same row use the same retry key, and LINE answers the second with 409: delivered.
    """
    services = jobs.services
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


def send_sms(jobs: Jobs, phone: str, body: str) -> None:
    jobs.services.sms.send(phone, body)


def refresh_profile(jobs: Jobs, line_user_id: str) -> None:
    """Learn a user's name and language from LINE (for users we first met mid-chat)."""
    services = jobs.services
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


def resend_stale_pushes(jobs: Jobs) -> None:
    """Re-enqueue pushes whose job was lost (a worker died, a queue was flushed)."""
    with transaction(jobs.services.engine) as session:
        stale = outbox.stale_pending(session)
    for outbox_id in stale:
        jobs.send(DeliverPush(outbox_id))


# rewards and coupons


def mark_expired_coupons(jobs: Jobs) -> int:
    """Daily bookkeeping (00:05 in Bangkok): live coupons past their end become `expired`,
    and the kept pictures of coupons that ended go. Returns how many coupons expired.

    Nothing waits for this: using a coupon checks its end time itself.
    """
    with transaction(jobs.services.engine) as session:
        expired = coupons.mark_expired(session)
        media_files.forget_ended_coupon_pictures(session)
        return expired


# rich menus


def link_richmenu(jobs: Jobs, line_user_id: str, role: str) -> str:
    """Show a person the rich menu of their new role (nothing until menus are deployed)."""
    services = jobs.services
    try:
        return link_for_role(services.line, services.engine, line_user_id, role)
    except RichMenuError as error:
        if error.retryable:
            raise RetryTask(delay=error.retry_after or 30) from None
        log.warning("rich menu of %s not changed: %s", line_user_id, error)
        return "failed"


# insights and privacy


def send_weekly_summaries(jobs: Jobs) -> int:
    """Mondays from 09:00 shop time: last week's summary to each owner who has not switched
    it off. Each owner's week is claimed in the database first, so it goes out once."""
    services = jobs.services
    now = clock.now()
    queued = []
    with transaction(services.engine) as session:
        for owner in weekly.claim_due(session, now, services.shop.tz):
            messages = weekly_summary(session, services.shop, owner.language, now)
            row = outbox.queue_push(
                session, to=owner.line_user_id, messages=messages, purpose="weekly_summary"
            )
            queued.append(row.id)
    for outbox_id in queued:
        jobs.send(DeliverPush(outbox_id))  # type: ignore[arg-type]
    return len(queued)


def forget_old_records(jobs: Jobs) -> dict[str, int]:
    """Daily (03:15 in Bangkok): audit lines after 400 days, used or expired data links,
    charts after 30 days, idempotency keys after 30 days."""
    with transaction(jobs.services.engine) as session:
        return {
            "audit": audit.purge(session),
            "exports": privacy.purge_exports(session),
            "charts": insight_series.purge_charts(session),
            "api_calls": api_keys.purge_calls(session),
            "jobs": queued_jobs.purge(session),
        }


def keep_figures(jobs: Jobs) -> int | None:
    """Hourly: keep what `stats` offers counted (`storage/figure_snapshots.py`), and return
    how many periods were counted or moved on (None: nothing was due, or another worker is
    at it).

    Each count is over the purchases before the latest whole hour at least an hour ago (the
    cut). It counts once a night after 03:00 shop time, and again at once when a change to
    past purchases (an import, a void) has dropped the tallies; every other hour it moves
    the tallies on to the new cut, adding the hour's purchases, so that `stats` adds an
    hour or two of them at most."""
    services = jobs.services
    now = clock.now()
    local = now.astimezone(services.tz)
    midnight = periods.days_period(local.date(), local.date(), services.tz).start
    hour = figure_snapshots.settled_hour(now)
    with transaction(services.engine) as session:
        if not figure_snapshots.hold_count(session):
            return None
        counted = figure_snapshots.latest_count(session)
        dropped = counted is not None and figure_snapshots.dropped(session)
        latest = figure_snapshots.latest_cut(session)
    try:
        if dropped or local.hour >= FIGURES_HOUR and (counted is None or counted < midnight):
            return count_figures(services.engine, services.tz, now, hour)
        if latest is None or latest >= hour:
            return None
        return move_figures(services.engine, services.tz, now, hour)
    finally:
        with transaction(services.engine) as session:
            figure_snapshots.let_go(session)


def count_figures(engine: Engine, tz: tzinfo, now: datetime, cut: datetime) -> int:
    """Count what `stats` offers at `now` over the purchases before `cut`, replacing what was
    kept; each period is counted in a transaction that only reads (on SQLite it holds no
    write lock, so webhooks are not kept waiting), then kept in a short one."""
    with transaction(engine) as session:
        figure_snapshots.forget(session)
    figures, months = kept_periods(now, tz)
    for period in figures:
        with reading(engine) as session:
            tallies = insights.tallies(session, period, cut)
        _keep(engine, tallies)
    with reading(engine) as session:
        tallies = [insight_series.tally_months(session, months, cut)]
    _keep(engine, tallies)
    return len(figures) + 1


def _keep(engine: Engine, tallies: list[FigureSnapshot]) -> None:
    with transaction(engine) as session:
        figure_snapshots.keep(session, tallies)


def move_figures(engine: Engine, tz: tzinfo, now: datetime, to: datetime) -> int:
    """Move what is kept for `stats` at `now` on to the cut `to`; how many periods moved."""
    figures, months = kept_periods(now, tz)
    moved = 0
    for period in figures:
        with transaction(engine) as session:
            moved += insights.advance_figures(session, period, to)
    with transaction(engine) as session:
        moved += insight_series.advance_months(session, months, to)
    return moved
