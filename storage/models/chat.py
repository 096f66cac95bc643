"""The chat's bookkeeping: events seen, dialogs, rate limits, what waits to be sent, media."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, LargeBinary, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.models.columns import created, utc_time


class ProcessedEvent(SQLModel, table=True):
    """A webhook event id seen once; a second delivery of it changes nothing."""

    __tablename__ = "processed_event"

    webhook_event_id: str = Field(primary_key=True, max_length=64)
    received_at: datetime = created()


class Dialog(SQLModel, table=True):
    """Where a user is in a multi-step conversation (kept here, never in memory)."""

    line_user_id: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=40)
    step: str = Field(max_length=40)
    data: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    updated_at: datetime = created()


class RateLimitWindow(SQLModel, table=True):
    """How many commands a user sent in the current minute (in the database: web
    processes keep no state)."""

    __tablename__ = "rate_limit_window"

    line_user_id: str = Field(primary_key=True, max_length=64)
    window_start: datetime = utc_time()
    count: int = Field(default=0)


class OutboxMessage(SQLModel, table=True):
    """A push written in the same transaction as the change it announces.

    The retry key is fixed when the row is written, so every attempt to deliver it
    carries the same `X-Line-Retry-Key` and LINE delivers it at most once.
    """

    __tablename__ = "outbox_message"
    __table_args__ = (UniqueConstraint("retry_key"),)

    id: int | None = Field(default=None, primary_key=True)
    to: str = Field(max_length=64)
    messages: list[dict[str, Any]] = Field(sa_type=JSON)
    retry_key: str = Field(max_length=36)
    purpose: str = Field(default="notice", max_length=32)
    status: str = Field(default="pending", max_length=16, index=True)
    attempts: int = Field(default=0)
    next_attempt_at: datetime | None = utc_time(default=None)  # not tried again before this
    last_error: str | None = Field(default=None, max_length=300)
    created_at: datetime = created()
    sent_at: datetime | None = utc_time(default=None)


class QueuedJob(SQLModel, table=True):
    """Work to do once an event's transaction has committed (an SMS, a rich-menu link, a
    profile refresh), written in that transaction: a queue that is down at the moment of
    the commit loses nothing, the sweep runs the job later. Its arguments are cleared once
    it has run, so no phone number or code stays behind."""

    __tablename__ = "queued_job"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=32)
    args: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    status: str = Field(default="pending", max_length=16, index=True)
    attempts: int = Field(default=0)
    next_attempt_at: datetime | None = utc_time(default=None)
    last_error: str | None = Field(default=None, max_length=300)
    created_at: datetime = created()
    done_at: datetime | None = utc_time(default=None)


class MediaFile(SQLModel, table=True):
    """A picture LINE fetches from BASE_URL under an unguessable token (charts, photos)."""

    __tablename__ = "media_file"

    token: str = Field(primary_key=True, max_length=64)
    kind: str = Field(max_length=16)
    content_type: str = Field(default="image/png", max_length=32)
    data: bytes | None = Field(default=None, sa_type=LargeBinary)
    spec: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    created_at: datetime = created()


class LineQuota(SQLModel, table=True):
    """The shop's monthly message quota as LINE last reported it (one row)."""

    __tablename__ = "line_quota"

    id: int = Field(default=1, primary_key=True)
    limit: int | None = Field(default=None)
    used: int = Field(default=0)
    fetched_at: datetime = created()


class RichMenuDeployment(SQLModel, table=True):
    """A rich menu this deployment made in LINE, and the hash of what it showed.

    `loyalty richmenu deploy` compares hashes to decide what to create, and the link job
    reads the ids to give staff and owners their menu.
    """

    __tablename__ = "rich_menu_deployment"

    key: str = Field(primary_key=True, max_length=40)
    rich_menu_id: str = Field(max_length=80)
    alias_id: str | None = Field(default=None, max_length=32)
    content_hash: str = Field(max_length=64)
    deployed_at: datetime = created()
