"""Which task does each job, and when the periodic ones run: `make_jobs` builds the queue.

Every job type a handler may ask for (handlers.jobs.JOB_TYPES) has its task here; this is
checked when the module is imported.
"""

from __future__ import annotations

from huey import crontab

from bot.jobs import activity_alert, automations, broadcast, owner_alert, scores, tasks
from bot.jobs.queue import Jobs, Schedule, Task, check_covers_every_job, make_huey, run_lost_jobs
from bot.services import Services
from handlers.jobs import (
    DeliverPush,
    Job,
    LinkRichMenu,
    RefreshProfile,
    RefreshQuota,
    RefreshScores,
    SendBroadcast,
    SendSms,
    SendWinbackOffers,
)

TASKS: dict[type[Job], Task] = {
    DeliverPush: tasks.deliver_push,
    SendSms: tasks.send_sms,
    RefreshProfile: tasks.refresh_profile,
    LinkRichMenu: tasks.link_richmenu,
    SendBroadcast: broadcast.send_broadcast,
    RefreshQuota: broadcast.refresh_quota,
    RefreshScores: scores.refresh_scores,
    SendWinbackOffers: owner_alert.send_winback_offers,
}
check_covers_every_job(TASKS)

PERIODIC: tuple[tuple[Schedule, Task], ...] = (
    (crontab(minute="*"), tasks.resend_stale_pushes),
    (crontab(minute="*"), run_lost_jobs),
    (crontab(minute="*"), broadcast.resume_broadcasts),
    (crontab(minute="*/15"), tasks.send_weekly_summaries),
    (crontab(minute="*/15"), automations.run_frequent),
    (crontab(minute="*/15"), activity_alert.send_daily_alert),
    (crontab(minute="7"), automations.run_hourly),
    (crontab(minute="7"), scores.nightly_scores),
    (crontab(minute="37"), tasks.keep_figures),
    (crontab(hour="17", minute="5"), tasks.mark_expired_coupons),  # 00:05 in Bangkok
    (crontab(hour="20", minute="15"), tasks.forget_old_records),  # 03:15 in Bangkok
)


def make_jobs(services: Services, *, immediate: bool = False) -> Jobs:
    """The queue of this process, every task registered (run at once with `immediate`)."""
    huey = make_huey(services.settings, immediate=immediate)
    return Jobs(services, huey, TASKS, PERIODIC, on_start=(broadcast.resume_on_start,))
