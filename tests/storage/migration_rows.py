"""What the migration tests start from: a database at an earlier revision, and members as
that revision's schema holds them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlmodel import SQLModel

from storage import migrations


def at_revision(engine: Engine, revision: str) -> Engine:
    SQLModel.metadata.drop_all(engine)
    migrations.upgrade(engine, revision)
    return engine


def old_member(connection: Connection, member_id: int, at: datetime, points: int = 0) -> None:
    connection.execute(
        text(
            "INSERT INTO member (id, code, points, card_token, created_at)"
            " VALUES (:id, :code, :points, :token, :at)"
        ),
        {
            "id": member_id,
            "code": f"M{member_id}",
            "points": points,
            "token": f"t{member_id}",
            "at": at,
        },
    )
