"""Tests never read the wall clock: every test runs at a pinned instant.

`PINNED` is the instant every test starts at unless it freezes the clock itself:
Wednesday 10 June 2026, 11:00 in Bangkok (04:00 UTC). It is mid-month, mid-week, outside
the default quiet hours (21:00-09:00 shop time) and clear of the Monday summary, so a test
that doesn't care about time gets an ordinary shop morning.

While a test runs, the project's clock reads no wall clock at all: it is frozen at `PINNED`,
and if a test lets it run (`clock.reset()` or `clock.freeze(None)`) any read fails the test.
A test that means real time (a real consumer's sleeps, leases between processes) says so
with `@pytest.mark.real_clock`: its clock then starts at `PINNED` and runs at real speed,
and the processes it starts (`pinned_env`, `python -m tests.support.pinned_process`) run the same
clock, so the hour of the day the suite runs at never matters.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

PINNED = datetime(2026, 6, 10, 4, 0, tzinfo=UTC)
ENV = "LOYALTY_TEST_CLOCK"  # "<ISO instant>@<time.monotonic() at that instant>"


class WallClockRead(AssertionError):
    """A test read the wall clock without saying so."""


class Forbidden:
    """The clock's source in a test: never the wall clock. Remembers every read."""

    def __init__(self) -> None:
        self.reads = 0

    def __call__(self) -> datetime:
        self.reads += 1
        raise WallClockRead(
            "the test read the wall clock: pin an instant with storage.clock.freeze(...), "
            "or mark a test that means real time with @pytest.mark.real_clock"
        )


def running_from(start: datetime, anchor: float | None = None) -> Callable[[], datetime]:
    """A clock that reads `start` at monotonic time `anchor` (default: now) and runs on."""
    base = time.monotonic() if anchor is None else anchor

    def now() -> datetime:
        return start + timedelta(seconds=time.monotonic() - base)

    return now


def anchor_text(start: datetime = PINNED) -> str:
    """The value of `ENV` that makes another process's clock read `start` now, and run on.

    `time.monotonic()` is one system-wide clock on Linux, so both processes agree.
    """
    return f"{start.isoformat()}@{time.monotonic()!r}"


def from_env(value: str) -> Callable[[], datetime]:
    instant, anchor = value.rsplit("@", 1)
    return running_from(datetime.fromisoformat(instant), float(anchor))


def pinned_env(env: dict[str, str], start: datetime = PINNED) -> dict[str, str]:
    """`env` for a subprocess started as `python -m tests.support.pinned_process ...`."""
    return {**env, ENV: os.environ.get(ENV) or anchor_text(start)}
