"""The job queue: huey with every task registered, each task run with the process's services.

Nothing is built at import: `bot.jobs.schedule.make_jobs(services)` builds a `Jobs` once per
process (web, worker, demo, tests), on Redis when REDIS_URL is set, else on a SQLite file.
A task is a plain function whose first argument is the `Jobs` it runs in.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from huey import Huey, MemoryHuey, RedisHuey, SqliteHuey
from huey.exceptions import RetryTask

from bot.services import Services
from bot.settings import Settings
from handlers.jobs import JOB_TYPES, Job, Recorded
from storage import queued_jobs
from storage.db import transaction

log = logging.getLogger(__name__)

Task = Callable[..., Any]  # task(jobs, **arguments)
Schedule = Callable[[Any], bool]  # a huey crontab: true at the minutes it runs


def make_huey(settings: Settings, *, immediate: bool = False) -> Huey:
    """Redis when REDIS_URL is set, else the SQLite file of `settings.job_file`; in memory
    when `immediate` (each job runs as it is handed over: tests, benchmarks)."""
    if immediate:
        return MemoryHuey("line-loyalty", immediate=True)
    if settings.redis_url:
        return RedisHuey("line-loyalty", url=settings.redis_url)
    path = settings.job_file
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("line-loyalty", filename=str(path))


class Jobs:
    """huey and the services its tasks run with; `send` hands a typed job to the queue."""

    def __init__(
        self,
        services: Services,
        huey: Huey,
        tasks: Mapping[type[Job], Task],
        periodic: Sequence[tuple[Schedule, Task]],
        on_start: Sequence[Task] = (),
    ) -> None:
        self.services, self.huey = services, huey
        self._functions = {job.kind: task for job, task in tasks.items()}
        self._queued = {job: huey.task()(self._bound(task)) for job, task in tasks.items()}
        self._run_job = huey.task()(self._bound(run_queued))
        for schedule, task in periodic:
            huey.periodic_task(schedule)(self._bound(task))
        for task in on_start:
            huey.on_startup(task.__name__)(self._bound(task))

    def _bound(self, task: Task) -> Task:
        @functools.wraps(task)
        def run(*args: Any, **kwargs: Any) -> Any:
            return task(self, *args, **kwargs)

        return run

    def send(self, job: Job) -> None:
        """Hand `job` to the queue (run at once in immediate mode)."""
        self._queued[type(job)](**job.args())

    def run_job(self, job_id: int) -> None:
        """Hand the queued_job row `job_id` to the queue."""
        self._run_job(job_id)

    def run_now(self, kind: str, args: dict[str, Any]) -> Any:
        """Run the task of a queued_job row here, now."""
        return self._functions[kind](self, **args)

    def after_commit(self, recorded: list[Recorded]) -> None:
        """Hand jobs collected during an event to the queue (after its transaction committed).

        Best effort: every job is already written (a queued_job or outbox row), so a queue
        that is down loses nothing; the sweeps run what could not be handed over here."""
        for item in recorded:
            try:
                if item.ticket is not None:
                    self.run_job(item.ticket)
                else:
                    self.send(item.job)
            except Exception as error:  # noqa: BLE001  (the queue is down: the sweep catches up)
                log.warning("job %s not handed over (%r); the sweep will run it", item, error)


def run_queued(jobs: Jobs, job_id: int) -> str:
    """Run one queued job once; returns 'done', 'skipped' (not due, or done already) or
    'failed' (tried for a day), or raises RetryTask with the delay before the next run."""
    engine = jobs.services.engine
    with transaction(engine) as session:
        row = queued_jobs.claim(session, job_id)
        if row is None:
            return "skipped"
        kind, args = row.kind, dict(row.args)
    hint: float | None = None
    try:
        jobs.run_now(kind, args)
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


def run_lost_jobs(jobs: Jobs) -> list[int]:
    """Run queued jobs whose hand-off to the queue was lost (it was down at the commit)."""
    with transaction(jobs.services.engine) as session:
        lost = queued_jobs.due(session)
    for job_id in lost:
        jobs.run_job(job_id)
    return lost


def check_covers_every_job(tasks: Mapping[type[Job], Task]) -> None:
    """Each job type a handler may ask for has its task, and there are no others."""
    missing = set(JOB_TYPES.values()) ^ set(tasks)
    if missing:
        raise RuntimeError(f"job types and tasks differ: {sorted(t.__name__ for t in missing)}")

