"""A member's lock is taken once per transaction, and a lock a savepoint may give back is
taken again: every change of points still happens under the member's lock."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from storage import members
from storage.db import transaction
from storage.models import Member
from tests.support import factories


@contextmanager
def member_reads(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def note(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "FROM member" in statement:
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def a_member(engine: Engine) -> int:
    with transaction(engine) as session:
        made = factories.member(session, phone="0812345678")
        assert made.id is not None
        return made.id


def test_a_member_locked_twice_in_one_transaction_is_read_once(engine: Engine) -> None:
    member_id = a_member(engine)
    with member_reads(engine) as seen, transaction(engine) as session:
        first = members.lock_member(session, member_id)
        again = members.lock_member(session, member_id)
    assert first is again
    assert len(seen) == 1, seen


def test_the_next_transaction_locks_again(engine: Engine) -> None:
    member_id = a_member(engine)
    with member_reads(engine) as seen:
        for _ in range(2):
            with transaction(engine) as session:
                members.lock_member(session, member_id)
    assert len(seen) == 2, seen


@pytest.mark.parametrize("inside", ["locked", "read"])
def test_a_member_locked_or_read_inside_a_savepoint_is_locked_again_after_it(
    engine: Engine, inside: str
) -> None:
    """A savepoint's rollback may give back what it took, so neither counts after it."""
    member_id = a_member(engine)
    with member_reads(engine) as seen, transaction(engine) as session:
        with session.begin_nested():
            if inside == "locked":
                members.lock_member(session, member_id)
            else:
                session.get(Member, member_id)
        members.lock_member(session, member_id)
    assert len(seen) == 2, seen


def test_a_member_read_under_sqlite_s_write_lock_is_not_read_again_to_lock(
    engine: Engine,
) -> None:
    """SQLite's transactions hold the database's write lock from their first statement, so
    a member read in one is as locked as PostgreSQL's `FOR NO KEY UPDATE` makes it."""
    member_id = a_member(engine)
    with member_reads(engine) as seen, transaction(engine) as session:
        read = session.get(Member, member_id)
        locked = members.lock_member(session, member_id)
    assert read is locked
    assert len(seen) == (1 if engine.dialect.name == "sqlite" else 2), seen
