"""What a request handler reaches of the process: the services and the job queue."""

from __future__ import annotations

from flask import Flask, current_app

from bot.jobs.queue import Jobs
from bot.services import Services

KEY = "loyalty"


def attach(app: Flask, jobs: Jobs) -> None:
    app.extensions[KEY] = jobs


def jobs() -> Jobs:
    """The job queue of the app serving this request."""
    found: Jobs = current_app.extensions[KEY]
    return found


def services() -> Services:
    """The services of the app serving this request."""
    return jobs().services
