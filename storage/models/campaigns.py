"""Segments and broadcasts: RFM scores, campaigns, their recipients and chunks."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.models.columns import created, utc_time


class MemberScore(SQLModel, table=True):
    """A member's RFM figures, scores and segment from the latest scoring run (`ScoreRun`).

    Members without a purchase up to the run's as-of date have segment `no_purchase` and no
    scores. The row keeps the (shop-local) day of the last purchase, not the days since: R is
    the run's `as_of` minus `last_purchase_on`, so a member whose figures, scores and segment
    are the same as last night is not rewritten.
    """

    __tablename__ = "member_score"

    member_id: int = Field(primary_key=True, foreign_key="member.id")
    last_purchase_on: date | None = Field(default=None)
    frequency: int | None = Field(default=None)
    monetary_satang: int | None = Field(default=None)
    r_score: int | None = Field(default=None)
    f_score: int | None = Field(default=None)
    m_score: int | None = Field(default=None)
    segment: str = Field(max_length=24, index=True)


class ScoreRun(SQLModel, table=True):
    """One refresh of the RFM scores: the day they are as of, and when it ran."""

    __tablename__ = "score_run"

    id: int | None = Field(default=None, primary_key=True)
    as_of: date
    computed_at: datetime = created()


class SegmentDrop(SQLModel, table=True):
    """A good customer (champions, loyal) seen fallen to at_risk or cant_lose in a week."""

    __tablename__ = "segment_drop"
    __table_args__ = (UniqueConstraint("week", "member_id"),)

    id: int | None = Field(default=None, primary_key=True)
    week: str = Field(max_length=10, index=True)
    member_id: int = Field(foreign_key="member.id")
    was: str = Field(max_length=24)
    now: str = Field(max_length=24)
    noticed_at: datetime = created()
    offer_requested_at: datetime | None = utc_time(default=None)
    offer_requested_by: str | None = Field(default=None, max_length=64)
    offered_at: datetime | None = utc_time(default=None)
    outcome: str | None = Field(default=None, max_length=16)


class Campaign(SQLModel, table=True):
    """A broadcast to chosen segments: what it says, who is held out, how delivery went."""

    id: int | None = Field(default=None, primary_key=True)
    created_by: str = Field(max_length=64)
    audience: list[str] = Field(default_factory=list, sa_type=JSON)
    messages: list[dict[str, Any]] = Field(sa_type=JSON)
    holdout_percent: int = Field(default=10)
    reward_id: int | None = Field(default=None)
    status: str = Field(default="queued", max_length=16, index=True)
    lease_owner: str | None = Field(default=None, max_length=64)
    lease_until: datetime | None = utc_time(default=None)
    recipients: int = Field(default=0)
    held_out: int = Field(default=0)
    created_at: datetime = created()
    started_at: datetime | None = utc_time(default=None)
    finished_at: datetime | None = utc_time(default=None)


class CampaignRecipient(SQLModel, table=True):
    """One chosen member of a campaign: held out, or in one chunk, and what became of it."""

    __tablename__ = "campaign_recipient"
    __table_args__ = (Index("ix_campaign_recipient_chunk", "campaign_id", "chunk"),)

    campaign_id: int = Field(primary_key=True, foreign_key="campaign.id")
    line_user_id: str = Field(primary_key=True, max_length=64)
    member_id: int | None = Field(default=None)
    held_out: bool = Field(default=False)
    chunk: int | None = Field(default=None)
    status: str = Field(default="waiting", max_length=16)
    reason: str | None = Field(default=None, max_length=32)


class CampaignChunk(SQLModel, table=True):
    """At most 500 recipients sent in one multicast; its retry key is fixed before sending."""

    __tablename__ = "campaign_chunk"
    __table_args__ = (UniqueConstraint("campaign_id", "seq"), UniqueConstraint("retry_key"))

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", index=True)
    seq: int
    retry_key: str = Field(max_length=36)
    status: str = Field(default="pending", max_length=16)
    size: int = Field(default=0)
    attempts: int = Field(default=0)
    first_tried_at: datetime | None = utc_time(default=None)  # retried for a day from here
    last_error: str | None = Field(default=None, max_length=300)
    sent_at: datetime | None = utc_time(default=None)
