"""How often one person may send commands: a per-minute counter kept in the database,
so every web process behind a load balancer counts the same way."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import case, literal
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from storage import clock
from storage.models import RateLimitWindow

WINDOW = timedelta(minutes=1)
TABLE = RateLimitWindow.__table__  # type: ignore[attr-defined]


def count_command(session: Session, line_user_id: str) -> int:
    """Count one command; returns how many the user sent in the current minute, this one
    included. The minute starts with the first command after the last one ended.

    One statement: an insert that, for a user already counting, adds one, or starts a new
    minute at 1 when the last one has ended. Two events of one user at once queue on the
    row (PostgreSQL) or on the database (SQLite), so none is missed.
    """
    now = clock.now()
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    fresh = insert(TABLE).values(line_user_id=line_user_id, window_start=now, count=1)
    ended = TABLE.c.window_start <= now - WINDOW
    statement = fresh.on_conflict_do_update(
        index_elements=[TABLE.c.line_user_id],
        set_={
            "count": case((ended, 1), else_=TABLE.c.count + 1),
            "window_start": case(
                (ended, literal(now, TABLE.c.window_start.type)), else_=TABLE.c.window_start
            ),
        },
    ).returning(TABLE.c.count)
    return int(session.connection().execute(statement).scalar_one())
