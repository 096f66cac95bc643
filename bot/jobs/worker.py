"""What the Procfile's worker runs: `huey_consumer bot.jobs.worker.huey`.

The settings are checked before the consumer starts, so a missing one stops the worker with
one line naming it instead of failing every job; importing bot.jobs.tasks registers the jobs.
"""

from __future__ import annotations

import sys

from bot.services import build, install
from bot.settings import ConfigError, load_settings


def _prepare() -> None:
    try:
        settings = load_settings()
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    install(build(settings))


_prepare()

from bot.jobs.tasks import huey  # noqa: E402

__all__ = ["huey"]
