"""A campaign's chunks sent with several multicasts in flight, the database kept in one thread.

The job's thread claims chunks (each claim committed before its chunk is sent), hands them
to a few sender threads and records each answer, together with the next claims, in one
transaction. It starts with one multicast in flight and allows one more after every chunk
LINE accepts, up to IN_FLIGHT; the first failure drops it to one again: the failed
chunks wait their backoff (Retry-After honoured) with nothing else in flight, then are
retried first, with their own retry keys. Request starts are paced to LINE's multicast
rate limit (MULTICASTS_PER_SECOND). The lease is renewed every third of its length.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from sqlmodel import Session

from bot.jobs.queue import Jobs
from bot.line.client import LineClient, LineError
from storage import campaign_leases, campaigns, retry_policy
from storage.campaigns import ChunkToSend
from storage.db import transaction
from storage.models import Campaign

log = logging.getLogger(__name__)

IN_FLIGHT = 4  # the SDK's connection pool keeps 4 connections to LINE
MULTICASTS_PER_SECOND = 200
LONGEST_WAIT = 900.0  # a chunk's wait is capped here: the job sleeps, holding its lease

Answer = tuple[ChunkToSend, LineError | None]


class Pacer:
    """Spaces request starts at least 1/rate seconds apart, across threads."""

    def __init__(self, rate: float) -> None:
        self._gap, self._next, self._lock = 1.0 / rate, 0.0, threading.Lock()

    def __call__(self) -> None:
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next)
            self._next = start + self._gap
        if start > now:
            time.sleep(start - now)


class Sender:
    """Sends one chunk (in a sender thread), within LINE's multicast rate."""

    def __init__(self, line: LineClient) -> None:
        self._line, self._pace = line, Pacer(MULTICASTS_PER_SECOND)

    def __call__(self, chunk: ChunkToSend) -> Answer:
        self._pace()
        try:
            self._line.multicast(chunk.to, chunk.messages, chunk.retry_key)
        except LineError as error:
            return chunk, error
        return chunk, None


def why(error: LineError) -> tuple[str, bool]:
    """The reason a chunk failed, and whether trying again is pointless."""
    if error.status == 429 and "monthly limit" in error.body:
        return "quota", True
    if error.retryable:
        return "line_error", False
    return "refused", True


@dataclass
class Round:
    """The state of one pass over the pending chunks."""

    after: int = -1  # the last chunk claimed in this pass
    exhausted: bool = False
    window: int = 1
    wait: float = 0.0
    flying: dict[Future[Answer], ChunkToSend] = field(default_factory=dict)
    answers: list[Answer] = field(default_factory=list)


def deliver(jobs: Jobs, campaign_id: int, me: str, sleep: Callable[[float], None]) -> bool:
    """Send every pending chunk of a campaign whose lease `me` holds; False if it was lost."""
    services = jobs.services
    engine, lease = services.engine, services.settings.broadcast_lease_seconds
    send, state, renew_at = Sender(services.line), Round(), 0.0
    with ThreadPoolExecutor(IN_FLIGHT, thread_name_prefix="multicast") as pool:
        while True:
            claimed: list[ChunkToSend] = []
            with transaction(engine) as session:
                if time.monotonic() >= renew_at:
                    if not campaign_leases.take_lease(session, campaign_id, me, lease):
                        return False
                    renew_at = time.monotonic() + lease / 3
                for answered, error in state.answers:
                    _record(session, state, answered, error)
                state.answers.clear()
                if not state.wait and not state.exhausted:
                    campaign = session.get(Campaign, campaign_id)
                    assert campaign is not None
                    while len(state.flying) + len(claimed) < state.window:
                        next_one = campaigns.claim_next_chunk(
                            session, campaign, services.coupons, state.after
                        )
                        if next_one is None:
                            state.exhausted = True
                            break
                        state.after = next_one.seq
                        claimed.append(next_one)
            for chunk in claimed:
                state.flying[pool.submit(send, chunk)] = chunk
            if state.flying:
                finished, _ = wait(state.flying, return_when=FIRST_COMPLETED)
                for future in finished:
                    del state.flying[future]
                    state.answers.append(future.result())
                continue
            if state.wait:
                with transaction(engine) as session:
                    campaign_leases.take_lease(session, campaign_id, me, state.wait + lease)
                sleep(state.wait)
                state, renew_at = Round(), 0.0
                continue
            if state.exhausted:
                return True


def _record(session: Session, state: Round, chunk: ChunkToSend, error: LineError | None) -> None:
    """Write down LINE's answer for a chunk and adjust the window (or the wait) to it."""
    if error is None:
        campaigns.mark_chunk_sent(session, chunk)
        if not state.wait:
            state.window = min(state.window + 1, IN_FLIGHT)
        return
    state.window = 1
    reason, final = why(error)
    if campaigns.mark_chunk_failed(session, chunk.chunk_id, str(error), reason=reason, final=final):
        log.warning("chunk %s failed for good (%s): %s", chunk.chunk_id, reason, error)
        return
    backoff = min(retry_policy.backoff(chunk.attempts, error.retry_after), LONGEST_WAIT)
    state.wait = max(state.wait, backoff)
