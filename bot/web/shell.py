"""What a request handler reaches of the process: the services and the job queue."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Flask, current_app
from sqlmodel import Session

from bot.jobs.queue import Jobs
from bot.services import Services
from storage.db import transaction

KEY = "loyalty"
Found = TypeVar("Found")


def attach(app: Flask, jobs: Jobs) -> None:
    app.extensions[KEY] = jobs


def jobs() -> Jobs:
    """The job queue of the app serving this request."""
    found: Jobs = current_app.extensions[KEY]
    return found


def services() -> Services:
    """The services of the app serving this request."""
    return jobs().services


def look_up(token: str, find: Callable[[Session, str], Found | None]) -> Found | None:
    """What `find` makes of a link's token, in one transaction (None: no such link).

    `find` returns plain values (bytes, strings, frozen faces), made before the session
    ends. Every page and picture behind a token (media, the member's data link) is looked
    up this way.
    """
    with transaction(services().engine) as session:
        return find(session, token)
