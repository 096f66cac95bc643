"""Schema migrations (Alembic), configured from code: there is no alembic.ini.

`upgrade(engine)` brings a database to the newest schema; `loyalty db upgrade` calls it.
A change to the tables (`storage/models/`) needs a new revision:
`loyalty db revision -m "what changed"`.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (the tables must be known before comparing)

SCRIPT_LOCATION = "storage:migrations"
SHOP_TIMEZONE = "Asia/Bangkok"  # as the settings' default; `loyalty db upgrade` gives the shop's


class MigrationError(RuntimeError):
    """A migration left the database inconsistent; nothing of it was committed."""


def alembic_config(
    connection: Connection | None = None, shop_timezone: str = SHOP_TIMEZONE
) -> Config:
    """Alembic's settings; migrations find the connection and the shop's time zone in
    `config.attributes`."""
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    config.attributes["connection"] = connection
    config.attributes["shop_timezone"] = shop_timezone
    return config


def _set_sqlite_foreign_keys(connection: Connection, on: bool) -> None:
    """Outside any transaction (SQLite ignores the pragma inside one)."""
    driver = connection.connection.driver_connection
    assert driver is not None
    driver.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


@contextmanager
def _migrating(engine: Engine) -> Iterator[Connection]:
    """One transaction for the whole run, so a failed migration leaves nothing half-done.

    On SQLite, altering a table means rebuilding it; foreign keys are switched off while
    that happens (as SQLite's documentation asks) and checked before the commit.
    """
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            _set_sqlite_foreign_keys(connection, on=False)
        try:
            with connection.begin():
                yield connection
                if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first():
                    raise MigrationError("a migration broke a foreign key; rolled back")
        finally:
            if sqlite:
                _set_sqlite_foreign_keys(connection, on=True)


def upgrade(engine: Engine, revision: str = "head", *, shop_timezone: str = SHOP_TIMEZONE) -> None:
    """Bring the database's schema up to `revision` (default: the newest).

    `shop_timezone` is where months end for migrations that compute dates (0005's lots).
    """
    with _migrating(engine) as connection:
        command.upgrade(alembic_config(connection, shop_timezone), revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    """Take the schema back to `revision` (default: empty). Data in dropped tables is lost."""
    with _migrating(engine) as connection:
        command.downgrade(alembic_config(connection), revision)


def current(engine: Engine) -> str | None:
    """The revision the database is at, or None for a database never migrated."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head() -> str:
    """The newest revision in this version of the code."""
    revision = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert revision is not None
    return revision


def differences(engine: Engine) -> list[Any]:
    """What the models have that the database's schema lacks (empty when they match)."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, SQLModel.metadata))


def new_revision(message: str) -> Path:
    """Write a migration for the model changes since the newest one; returns its file.

    It compares the models with a scratch SQLite database upgraded to the newest revision,
    so no real database is needed. Read the file before committing it.
    """
    from storage.db import make_engine

    script = ScriptDirectory.from_config(alembic_config())
    number = f"{len(list(script.walk_revisions())) + 1:04d}"
    with tempfile.TemporaryDirectory() as scratch:
        engine = make_engine(f"sqlite:///{Path(scratch) / 'scratch.db'}")
        try:
            upgrade(engine)
            with _migrating(engine) as connection:
                written = command.revision(
                    alembic_config(connection), message, autogenerate=True, rev_id=number
                )
        finally:
            engine.dispose()
    assert written is not None and not isinstance(written, list)
    path = Path(written.path)
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(line for line in lines if not line.lstrip().startswith("# ### ")))
    return path
