"""Consent history, data exports and the audit trail."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from storage import clock
from storage.models.columns import UTCDateTime, created, utc_time


class ConsentRecord(SQLModel, table=True):
    """One answer for one purpose (service, marketing) under one notice version: history."""

    __tablename__ = "consent_record"

    id: int | None = Field(default=None, primary_key=True)
    line_user_id: str = Field(index=True, max_length=64)
    purpose: str = Field(max_length=16)
    granted: bool
    notice_version: str = Field(max_length=16)
    recorded_at: datetime = created()


class DataExport(SQLModel, table=True):
    """A member asked for their data: a one-time download link, valid 24 hours."""

    __tablename__ = "data_export"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, max_length=64)
    line_user_id: str = Field(index=True, max_length=64)
    expires_at: datetime = utc_time()
    downloaded_at: datetime | None = utc_time(default=None)
    created_at: datetime = created()


class AuditEntry(SQLModel, table=True):
    """Something a staff member or owner did (who, what, when, on whom); kept over a year."""

    __tablename__ = "audit_entry"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime, index=True)
    actor: str = Field(index=True, max_length=64)
    actor_role: str = Field(max_length=16)
    action: str = Field(max_length=40)
    detail: str | None = Field(default=None, max_length=300)
    member_id: int | None = Field(default=None, foreign_key="member.id", index=True)
