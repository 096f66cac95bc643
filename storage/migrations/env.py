"""Alembic runs this for every migration command; the connection comes from storage.migrations."""

from __future__ import annotations

from typing import Any, Literal

from alembic import context
from sqlmodel import SQLModel
from sqlmodel.sql.sqltypes import AutoString

from storage.models import UTCDateTime


def render_item(kind: str, obj: Any, _autogen_context: Any) -> str | Literal[False]:
    """Write column types as plain SQLAlchemy ones, so a migration never imports the models."""
    if kind != "type":
        return False
    if isinstance(obj, AutoString):
        return f"sa.String(length={obj.length})" if obj.length else "sa.String()"
    if isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None or context.is_offline_mode():
        raise RuntimeError("run migrations with `loyalty db ...` (storage.migrations), not alembic")
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        # Batch operations everywhere: one script must run on SQLite (which rebuilds the
        # table to alter it) and on PostgreSQL (which alters in place).
        render_as_batch=True,
        render_item=render_item,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run()
