"""Engine and the one-transaction session scope."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlmodel import Session, create_engine


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; SQLite gets WAL, a busy timeout and write-locking transactions.

    `BEGIN IMMEDIATE` makes SQLite take its write lock when a transaction starts, so two
    writers queue up instead of failing half-way through an award or a redemption.
    """
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
        engine = create_engine(url, **kwargs)
        _make_sqlite_serialisable(engine, in_memory=url in ("sqlite://", "sqlite:///:memory:"))
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def _make_sqlite_serialisable(engine: Engine, *, in_memory: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """One unit of work: commits on success, rolls back on any exception."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        yield session


# PostgreSQL's answers for "another transaction got there first": a unique key taken
# meanwhile, a serialization failure, a deadlock victim. Run again, the work succeeds.
_RACE_STATES = {"23505", "40001", "40P01"}


def lost_a_race(error: DBAPIError) -> bool:
    """True when `error` means a concurrent transaction won, so running again would do."""
    state = getattr(error.orig, "sqlstate", None)
    if state is not None:
        return state in _RACE_STATES
    return isinstance(error, IntegrityError) and "UNIQUE constraint failed" in str(error.orig)
