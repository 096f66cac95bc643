"""Lifecycle automations: the owner's settings, what they know of members, what they sent."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage import clock
from storage.models.columns import created, utc_time


class AutomationSetting(SQLModel, table=True):
    """The owner's choices for one automation: on or off, and its settings."""

    __tablename__ = "automation_setting"

    name: str = Field(primary_key=True, max_length=24)
    enabled: bool = Field(default=True)
    values: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    updated_by: str | None = Field(default=None, max_length=64)
    updated_at: datetime = created()


class MemberLifecycle(SQLModel, table=True):
    """What the automations know about a member: birthday, tier, last offer, last segment."""

    __tablename__ = "member_lifecycle"

    member_id: int = Field(primary_key=True, foreign_key="member.id")
    birth_day: int | None = Field(default=None)
    birth_month: int | None = Field(default=None)
    birthday_asked_at: datetime | None = utc_time(default=None)
    tier: str = Field(default="member", max_length=16)
    tier_since: datetime | None = utc_time(default=None)
    tier_review_on: date | None = Field(default=None, index=True)
    last_marketing_at: datetime | None = utc_time(default=None)
    segment_seen: str | None = Field(default=None, max_length=24)


class AutomationSend(SQLModel, table=True):
    """One automation acting once for one member (or the owner) in one period.

    The unique (automation, subject, period) is what makes a job run twice, or by two
    workers at once, send nothing twice and award nothing twice.
    """

    __tablename__ = "automation_send"
    __table_args__ = (UniqueConstraint("automation", "subject", "period"),)

    id: int | None = Field(default=None, primary_key=True)
    automation: str = Field(max_length=24)
    subject: str = Field(max_length=64)
    period: str = Field(max_length=32)
    member_id: int | None = Field(default=None, foreign_key="member.id", index=True)
    marketing: bool = Field(default=False)
    points: int = Field(default=0)
    coupon_id: int | None = Field(default=None, foreign_key="coupon.id")
    outbox_id: int | None = Field(default=None, foreign_key="outbox_message.id")
    created_at: datetime = utc_time(default_factory=clock.now, index=True)


class Referral(SQLModel, table=True):
    """A friend who came with a member's invite; both get the bonus after the first purchase."""

    id: int | None = Field(default=None, primary_key=True)
    referrer_id: int = Field(foreign_key="member.id", index=True)
    friend_line_user_id: str = Field(unique=True, max_length=64)
    friend_member_id: int | None = Field(default=None, foreign_key="member.id", unique=True)
    status: str = Field(default="waiting", max_length=16, index=True)
    created_at: datetime = created()
    rewarded_at: datetime | None = utc_time(default=None)


class WeeklySummaryChoice(SQLModel, table=True):
    """An owner's choice about the Monday summary (no row: on) and the last week sent."""

    __tablename__ = "weekly_summary_choice"

    line_user_id: str = Field(primary_key=True, max_length=64)
    enabled: bool = Field(default=True)
    last_sent_week: str | None = Field(default=None, max_length=10)
    changed_at: datetime = created()
