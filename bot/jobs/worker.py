"""The worker process (`loyalty worker`, the Procfile's `worker`): the job consumer.

It builds the services and the queue once, from the settings, and runs huey's consumer
on them; a missing setting stops it with one line naming it (see bot.cli.main).
"""

from __future__ import annotations

from bot.jobs.schedule import make_jobs
from bot.services import Services


def run_worker(services: Services, *, workers: int, worker_type: str) -> None:
    """Run jobs until stopped (SIGINT or SIGTERM: running jobs finish first)."""
    consumer = make_jobs(services).huey.create_consumer(workers=workers, worker_type=worker_type)
    consumer.run()
