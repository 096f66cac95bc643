"""The POS API's keys and the answers it replays."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.models.columns import created, utc_time


class ApiKey(SQLModel, table=True):
    """A till's or web shop's key for the POS API; only its SHA-256 is kept."""

    __tablename__ = "api_key"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True, max_length=40)
    key_hash: str = Field(unique=True, max_length=64)
    prefix: str = Field(max_length=12)
    created_at: datetime = created()
    last_used_at: datetime | None = utc_time(default=None)
    revoked_at: datetime | None = utc_time(default=None)


class ApiCall(SQLModel, table=True):
    """The answer given to a POS call with an idempotency key, replayed when it is retried."""

    __tablename__ = "api_call"
    __table_args__ = (UniqueConstraint("key_name", "idempotency_key"),)

    id: int | None = Field(default=None, primary_key=True)
    key_name: str = Field(max_length=40)
    idempotency_key: str = Field(max_length=200)
    fingerprint: str = Field(max_length=64)
    status_code: int
    response: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    created_at: datetime = created()
