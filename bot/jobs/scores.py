"""The customer groups in the background: the nightly RFM scores, and a refresh a bigger
shop's owner asked for, whose answer (the chart or the broadcast picker) is pushed when ready.
"""

from __future__ import annotations

from datetime import date

from bot.jobs.queue import Jobs
from handlers.jobs import DeliverPush
from handlers.segments_ready import groups_ready
from storage import clock, members, outbox, segments
from storage.db import transaction

NIGHTLY_HOUR = 2  # shop time


def score_members(jobs: Jobs, as_of: date | None = None) -> int:
    """Recompute the stored RFM scores (as of today in the shop unless told)."""
    services = jobs.services
    tz = services.tz
    day = as_of or clock.now().astimezone(tz).date()
    with transaction(services.engine) as session:
        return segments.refresh_scores(session, as_of=day, tz=tz)


def refresh_scores(
    jobs: Jobs, as_of: str | None = None, tell: str | None = None, show: str = "segments"
) -> int:
    """Score everyone; then push `show` to the owner `tell` who is waiting for it."""
    scored = score_members(jobs, date.fromisoformat(as_of) if as_of else None)
    if tell is not None:
        push_when_ready(jobs, tell, show)
    return scored


def push_when_ready(jobs: Jobs, owner_id: str, show: str) -> None:
    """The answer the owner was promised, as a push (nothing if there is none to give)."""
    with transaction(jobs.services.engine) as session:
        owner = members.get_line_user(session, owner_id)
        messages = groups_ready(session, jobs.services.shop, owner, show) if owner else []
        if not messages:
            return
        row = outbox.queue_push(
            session, to=owner_id, messages=messages, purpose="segments_ready"
        )
    jobs.send(DeliverPush(row.id))  # type: ignore[arg-type]


def nightly_scores(jobs: Jobs) -> int | None:
    """Once a day, after 02:00 shop time, score everyone as of the new day."""
    services = jobs.services
    local = clock.now().astimezone(services.tz)
    with transaction(services.engine) as session:
        run = segments.latest_run(session)
    if local.hour < NIGHTLY_HOUR or (run is not None and run.as_of >= local.date()):
        return None
    return score_members(jobs, local.date())
