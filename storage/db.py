"""Engine and the one-transaction session scope."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, create_engine

HOLD = "hold_loaded"  # in `session.info`: the rows it loaded, kept for the session's life
SQLITE_NEEDED = (3, 39)  # IS DISTINCT FROM (the RFM refresh), RETURNING, ON CONFLICT


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; SQLite gets WAL, a busy timeout and write-locking transactions.

    `BEGIN IMMEDIATE` makes SQLite take its write lock when a transaction starts, so two
    writers queue up instead of failing half-way through an award or a redemption.

    A pooled PostgreSQL connection is pinged before each use, so one the server or a network
    box closed while it was idle is replaced before a request relies on it. (The ping is
    about 3% of a webhook event's CPU; without it, a till's first call after a quiet night
    could fail.) One that breaks after its ping fails its statement: SQLAlchemy drops it,
    and `worth_running_again` tells the caller that a new run would do.
    """
    if url.startswith("sqlite"):
        require_sqlite(sqlite3.sqlite_version_info)
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
        engine = create_engine(url, **kwargs)
        _make_sqlite_serialisable(engine, in_memory=url in ("sqlite://", "sqlite:///:memory:"))
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def require_sqlite(version: tuple[int, ...]) -> None:
    """Refuse to start on a SQLite older than the statements need, saying which it is."""
    if version < SQLITE_NEEDED:
        found, needed = (".".join(map(str, v)) for v in (version, SQLITE_NEEDED))
        raise RuntimeError(
            f"SQLite {needed} or newer is needed, and this Python has SQLite {found}: "
            "use a newer Python build, or PostgreSQL (DATABASE_URL)"
        )


def _make_sqlite_serialisable(engine: Engine, *, in_memory: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, record: Any) -> None:
        record.info[BEGINS_IMMEDIATE] = True
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        """Begin through the driver (the cheapest way, on every event's path); its error
        is raised as SQLAlchemy's, so that "database is locked" (another writer held the
        lock past the busy timeout) is an outage to callers: a webhook answers 503."""
        begin = "BEGIN" if conn.get_execution_options().get(READING) else "BEGIN IMMEDIATE"
        try:
            conn.connection.driver_connection.execute(begin)
        except sqlite3.Error as error:
            raise DBAPIError.instance(begin, (), error, sqlite3.Error) from None


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """One unit of work: commits on success, rolls back on any exception."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        yield session


@contextmanager
def reading(engine: Engine) -> Iterator[Session]:
    """A transaction that only reads, for a long count: on SQLite it takes no write lock
    (a plain `BEGIN`; its reads share one snapshot of the database from the first on), so
    webhooks go on writing meanwhile. It must not write: on SQLite a write after another
    connection's commit would fail."""
    with Session(engine.execution_options(**{READING: True}), expire_on_commit=False) as session:
        with session.begin():
            yield session


def hold_loaded(session: Session) -> None:
    """Keep every row `session` loads until it ends, so reading one again by its key (the
    person, a setting, a member's lifecycle) needs no query. The session's identity map
    holds rows only weakly; for a short session (one webhook event) holding them is cheap.
    Rows read with a lock still go to the database (`populate_existing`)."""
    session.info[HOLD] = []


@event.listens_for(OrmSession, "loaded_as_persistent")
def _hold(session: OrmSession, instance: Any) -> None:
    held = session.info.get(HOLD)
    if held is not None:
        held.append(instance)


KNOWN = "known_rows"  # in `session.info`: (model, key) -> row or None, read once


def get_once(session: Session, model: type[Any], key: Any) -> Any:
    """The row of `model` with `key`, read at most once per session, its absence too (a
    setting left at its default is looked for by several steps of one event). Whoever
    creates such a row tells `remember`."""
    known = session.info.setdefault(KNOWN, {})
    if (model, key) not in known:
        known[(model, key)] = session.get(model, key)
    return known[(model, key)]


def remember(session: Session, model: type[Any], key: Any, row: Any) -> None:
    session.info.setdefault(KNOWN, {})[(model, key)] = row


@event.listens_for(OrmSession, "after_soft_rollback")
def _forget_known(session: OrmSession, _previous: Any) -> None:
    """A rollback, a savepoint's too, may undo what was remembered: read again."""
    session.info.pop(KNOWN, None)


LOCKED = "locked_rows"  # in `session.info`: (model, key) of rows locked until commit
BEGINS_IMMEDIATE = "begins_immediate"  # in a connection's info: SQLite, `BEGIN IMMEDIATE`
READING = "reading_only"  # an execution option: this transaction only reads (`reading`)
WHOLE = "whole_database_locked"  # in `session.info`: this transaction holds the write lock


def already_locked(session: Session, model: type[Any], key: Any) -> bool:
    """True when this transaction already locked the row (outside any savepoint)."""
    return (model, key) in session.info.get(LOCKED, ())


def note_locked(session: Session, model: type[Any], key: Any) -> None:
    """Remember a row lock taken outside a savepoint: it lasts until the transaction ends
    (a lock taken inside a savepoint may go with its rollback, so it is not noted)."""
    if not session.in_nested_transaction():
        session.info.setdefault(LOCKED, set()).add((model, key))


@event.listens_for(OrmSession, "after_begin")
def _lock_whole_database(session: OrmSession, _transaction: Any, connection: Any) -> None:
    """A SQLite transaction holds the database's write lock from its first statement on
    (`BEGIN IMMEDIATE`): every row it reads stays as read until it ends."""
    if connection.info.get(BEGINS_IMMEDIATE) and not connection.get_execution_options().get(
        READING
    ):
        session.info[WHOLE] = True


@event.listens_for(OrmSession, "loaded_as_persistent")
def _locked_as_read(session: OrmSession, instance: Any) -> None:
    """Under SQLite's write lock a row read is a row locked: `lock_member` need not read it
    again."""
    if session.info.get(WHOLE):
        identity = inspect(instance).identity
        if identity is not None and len(identity) == 1:
            note_locked(session, type(instance), identity[0])  # type: ignore[arg-type]


@event.listens_for(OrmSession, "after_transaction_end")
def _forget_locks(session: OrmSession, ended: Any) -> None:
    if ended.parent is None:
        session.info.pop(LOCKED, None)
        session.info.pop(WHOLE, None)


# PostgreSQL's answers for "another transaction got there first": a unique key taken
# meanwhile, a serialization failure, a deadlock victim. Run again, the work succeeds.
_RACE_STATES = {"23505", "40001", "40P01"}


def worth_running_again(error: DBAPIError) -> bool:
    """True when the same transaction, run again from its start, would do: a concurrent
    transaction won a race, or the connection broke under it (the database restarted) and
    a new one is taken from the pool."""
    return error.connection_invalidated or lost_a_race(error)


def lost_a_race(error: DBAPIError) -> bool:
    """True when `error` means a concurrent transaction won, so running again would do."""
    state = getattr(error.orig, "sqlstate", None)
    if state is not None:
        return state in _RACE_STATES
    return isinstance(error, IntegrityError) and "UNIQUE constraint failed" in str(error.orig)
