"""How often one person may send commands: a per-minute counter kept in the database,
so every web process behind a load balancer counts the same way."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from storage import clock
from storage.models import RateLimitWindow

WINDOW = timedelta(minutes=1)


def _window(session: Session, line_user_id: str) -> RateLimitWindow:
    """The user's counter row, locked; created on the first command."""
    row = session.get(RateLimitWindow, line_user_id, with_for_update=True)
    if row is not None:
        return row
    try:
        with session.begin_nested():
            session.add(
                RateLimitWindow(line_user_id=line_user_id, window_start=clock.now(), count=0)
            )
            session.flush()
    except IntegrityError:
        pass  # another event of the same user made it first
    row = session.get(RateLimitWindow, line_user_id, with_for_update=True, populate_existing=True)
    assert row is not None
    return row


def count_command(session: Session, line_user_id: str) -> int:
    """Count one command; returns how many the user sent in the current minute, this one
    included. The minute starts with the first command after the last one ended."""
    row = _window(session, line_user_id)
    now = clock.now()
    if now - row.window_start >= WINDOW:
        row.window_start, row.count = now, 0
    row.count += 1
    session.add(row)
    session.flush()
    return row.count
