"""How long and how often work that LINE (or an SMS gateway) refused is tried again.

LINE outages last hours, so a push or a job keeps being tried for a day, with a backoff
that grows and then stays at half an hour. An attempt is counted only when a send is
really tried; a sweep that finds a row whose next try is in the future leaves it alone.
"""

from __future__ import annotations

from datetime import datetime, timedelta

GIVE_UP_AFTER = timedelta(hours=24)  # measured from when the work was written
BACKOFF_SECONDS = (2, 5, 15, 60, 300, 900, 1800)  # then every 1800 s until GIVE_UP_AFTER
LONGEST_RETRY_AFTER = 3600.0  # a Retry-After longer than this is not waited for in full


def backoff(attempts: int, retry_after: float | None = None) -> float:
    """Seconds to wait after the `attempts`-th failed try (Retry-After honoured, capped)."""
    if retry_after:
        return min(float(retry_after), LONGEST_RETRY_AFTER)
    return float(BACKOFF_SECONDS[min(max(attempts, 1), len(BACKOFF_SECONDS)) - 1])


def given_up(first: datetime, now: datetime) -> bool:
    """True once work first written at `first` has been tried for long enough."""
    return now - first >= GIVE_UP_AFTER
