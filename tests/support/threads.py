"""Start several things at the same moment (for the concurrency stories)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


def run_together(jobs: list[Callable[[], Any]]) -> list[Any]:
    """Start every job at the same moment; each result is a value or the exception raised."""
    barrier = threading.Barrier(len(jobs))
    results: list[Any] = [None] * len(jobs)

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = jobs[i]()
        except Exception as error:  # noqa: BLE001
            results[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results
