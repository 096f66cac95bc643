"""The test databases: a fresh SQLite file or PostgreSQL schema per test, and Redis.

PostgreSQL and Redis are asked once per session whether they answer; a test that needs
one that does not is skipped with the reason.
"""

from __future__ import annotations

import functools
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy import text as sql
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from storage import purchase_summary
from storage.db import make_engine

POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@functools.cache
def postgres_unreachable() -> str | None:
    """None if PostgreSQL answers, else the reason to skip (asked once per session)."""
    try:
        engine = make_engine(POSTGRES_URL, connect_args={"connect_timeout": 2})
        with engine.connect() as connection:
            connection.execute(sql("SELECT 1"))
        engine.dispose()
    except Exception as error:  # noqa: BLE001
        return f"PostgreSQL not reachable at {POSTGRES_URL}: {type(error).__name__}"
    return None


@functools.cache
def redis_unreachable() -> str | None:
    """None if Redis answers, else the reason to skip (asked once per session)."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as error:  # noqa: BLE001
        return f"Redis not reachable at {REDIS_URL}: {type(error).__name__}"
    return None


@contextmanager
def sqlite_database(folder: Path) -> Iterator[Engine]:
    """A fresh SQLite file in `folder`, with every table."""
    engine = make_engine(f"sqlite:///{folder / 'loyalty.db'}")
    engine.test_connect_args = {}  # type: ignore[attr-defined]
    SQLModel.metadata.create_all(engine)
    yield engine
    engine.dispose()


@contextmanager
def postgres_database() -> Iterator[Engine]:
    """A fresh PostgreSQL schema with every table, dropped afterwards."""
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(sql(f"CREATE SCHEMA {schema}"))
    connect_args = {"options": f"-csearch_path={schema}"}
    engine = make_engine(POSTGRES_URL, connect_args=connect_args)
    engine.test_connect_args = connect_args  # type: ignore[attr-defined]
    SQLModel.metadata.create_all(engine)
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(sql(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def assert_summaries_hold(engine: Engine) -> None:
    """Every member's kept purchase summary is what their purchases say (a rule the data
    keeps, checked after every test, whichever way it wrote them). Skipped where a test left
    the schema of an earlier migration."""
    schema = inspect(engine)
    if not schema.has_table("member"):
        return
    if "purchases" not in {column["name"] for column in schema.get_columns("member")}:
        return
    with Session(engine) as session:
        assert purchase_summary.drifted(session) == [], "purchase summaries drifted"
