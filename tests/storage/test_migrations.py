"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL.

A model changed without a migration fails `test_upgrade_builds_the_models_schema`; the fix
is `loyalty db revision -m "what changed"`, then reading the file it writes.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from storage import migrations

VERSIONS = Path(migrations.__file__).parent / "versions"


@pytest.fixture
def empty(engine: Engine) -> Engine:
    """The test database with no tables at all."""
    SQLModel.metadata.drop_all(engine)
    return engine


def _tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names()) - {"alembic_version"}


def test_upgrade_builds_the_models_schema(empty: Engine) -> None:
    migrations.upgrade(empty)

    assert migrations.current(empty) == migrations.head()
    assert _tables(empty) == set(SQLModel.metadata.tables)
    assert migrations.differences(empty) == [], "models changed without a migration"


def test_upgrade_twice_changes_nothing(empty: Engine) -> None:
    migrations.upgrade(empty)
    migrations.upgrade(empty)

    assert migrations.current(empty) == migrations.head()


def test_downgrade_to_base_removes_every_table(empty: Engine) -> None:
    migrations.upgrade(empty)
    migrations.downgrade(empty, "base")

    assert _tables(empty) == set()
    assert migrations.current(empty) is None


def test_each_revision_steps_down_and_up_again(empty: Engine) -> None:
    script = ScriptDirectory.from_config(migrations.alembic_config())
    for revision in reversed(list(script.walk_revisions())):
        migrations.upgrade(empty, revision.revision)
        migrations.downgrade(empty, "-1")
        migrations.upgrade(empty, revision.revision)

    assert migrations.current(empty) == migrations.head()


def test_member_pages_keep_room_for_balance_changes_on_postgresql(empty: Engine) -> None:
    """The imports' balance updates rely on it to stay HOT (no new index entries)."""
    if empty.dialect.name != "postgresql":
        pytest.skip("a PostgreSQL storage parameter")
    query = "SELECT reloptions FROM pg_class WHERE oid = CAST('member' AS regclass)"
    migrations.upgrade(empty)
    with empty.connect() as connection:
        assert connection.exec_driver_sql(query).scalar() == ["fillfactor=80"]
    migrations.downgrade(empty, "0010")
    with empty.connect() as connection:
        assert connection.exec_driver_sql(query).scalar() is None
    SQLModel.metadata.drop_all(empty)
    SQLModel.metadata.create_all(empty)
    with empty.connect() as connection:
        assert connection.exec_driver_sql(query).scalar() == ["fillfactor=80"]


def test_a_database_never_migrated_has_no_revision(empty: Engine) -> None:
    assert migrations.current(empty) is None


def test_sqlite_foreign_keys_are_on_again_after_migrating(tmp_path: Path) -> None:
    from storage.db import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'fk.db'}", pool_size=1, max_overflow=0)
    migrations.upgrade(engine)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_the_history_has_one_head() -> None:
    script = ScriptDirectory.from_config(migrations.alembic_config())
    assert len(script.get_heads()) == 1, "two migrations claim the same parent: merge them"


@pytest.mark.parametrize("path", sorted(VERSIONS.glob("*.py")), ids=lambda p: p.name)
def test_migrations_do_not_import_the_models(path: Path) -> None:
    """A migration must keep working after the models move on."""
    source = path.read_text().replace("from storage import clock\n", "")  # the time, not models
    assert "import storage" not in source and "from storage" not in source
    assert "sqlmodel" not in source
