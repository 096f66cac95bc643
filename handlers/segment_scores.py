"""Customer groups that answer at once: scored in the request for a small shop, by a job that
pushes the answer for a bigger one. Never "type it again".

Up to `SCORE_IN_REQUEST_UP_TO` members a refresh takes well under a second (measured with
`bench/segments_request.py`, quoted in the README under *Benchmarks*), so `segments`,
`segments refresh` and the broadcast's group picker score everyone before they answer: the
groups are as of this moment. A bigger shop answers from the stored scores (refreshed every
night); when there are none yet, or the owner asks for a refresh, it queues `RefreshScores`
naming the owner, and the job pushes the chart (or the picker) when it is ready.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from handlers.jobs import RefreshScores
from handlers.router import Context
from storage import clock, segments

SCORE_IN_REQUEST_UP_TO = 5_000  # members; see bench/segments_request.py
CHART, PICKER = "segments", "broadcast"  # what the job pushes when the scores are ready


def scored_in_request(ctx: Context) -> bool:
    """Whether this shop is small enough to be scored while the owner waits."""
    return segments.member_count(ctx.session) <= SCORE_IN_REQUEST_UP_TO


def score_now(ctx: Context) -> segments.Run:
    """Score every member as of today in the shop, in this request."""
    tz = ctx.shop.tz
    if not isinstance(tz, ZoneInfo):
        raise TypeError(f"the shop's time zone must be a ZoneInfo, not {tz!r}")
    now = clock.now()
    day = now.astimezone(tz).date()
    segments.refresh_scores(ctx.session, as_of=day, tz=tz)
    return segments.latest_run(ctx.session) or segments.Run(as_of=day, computed_at=now)


def current_run(ctx: Context, *, show: str, refresh: bool = False) -> segments.Run | None:
    """The scores to answer from, current for a small shop; None when a job was queued that
    will push `show` (CHART or PICKER) to the owner once the scores are ready.

    `refresh`: the owner asked for new scores, so a bigger shop's stored ones will not do.
    """
    if scored_in_request(ctx):
        return score_now(ctx)
    run = None if refresh else segments.latest_run(ctx.session)
    if run is None:
        ctx.jobs.append(RefreshScores(tell=ctx.user.line_user_id, show=show))
    return run
