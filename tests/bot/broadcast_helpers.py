"""Audiences made straight in the database, for broadcast tests and benchmarks."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import insert
from sqlalchemy.engine import Engine

from storage import clock, codes
from storage.db import transaction
from storage.models import LineUser, Member
from tests.support import factories


def make_audience(
    engine: Engine, count: int, *, consent: bool = True, following: bool = True
) -> list[tuple[str, int]]:
    """`count` members on LINE (consent and following as given): (line user id, member id)."""
    now = clock.now()
    made: list[tuple[str, int]] = []
    with transaction(engine) as session:
        for start in range(0, count, 5000):
            size = min(5000, count - start)
            tokens = [uuid.uuid4().hex for _ in range(size)]
            session.execute(
                insert(Member.__table__),  # type: ignore[attr-defined]
                [
                    {"code": f"T{t[:12].upper()}", "points": 0, "card_token": t, "created_at": now}
                    for t in tokens
                ],
            )
            ids = dict(
                session.execute(
                    Member.__table__.select()  # type: ignore[attr-defined]
                    .with_only_columns(Member.card_token, Member.id)  # type: ignore[arg-type]
                    .where(Member.card_token.in_(tokens))  # type: ignore[attr-defined]
                ).all()
            )
            users: list[dict[str, Any]] = [
                {
                    "line_user_id": "U" + t,
                    "member_id": ids[t],
                    "role": "customer",
                    "language": "th",
                    "following": following,
                    "marketing_consent": consent,
                    "created_at": now,
                }
                for t in tokens
            ]
            session.execute(insert(LineUser.__table__), users)  # type: ignore[attr-defined]
            made += [("U" + t, ids[t]) for t in tokens]
    return made


def make_owner(engine: Engine, user_id: str | None = None) -> str:
    owner = user_id or "U" + uuid.uuid4().hex
    with transaction(engine) as session:
        factories.owner(session, owner).language = "en"
    return owner


def new_token() -> str:
    return codes.token()
