"""The tables. Times are stored as UTC; money as integer satang; phones as E.164."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, DateTime, Index, LargeBinary, TypeDecorator, UniqueConstraint
from sqlmodel import Field, SQLModel

from storage import clock


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, on SQLite and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def id_of(row: Any) -> int:
    """The primary key of a stored row (rows get their id when flushed)."""
    if row.id is None:
        raise ValueError(f"{type(row).__name__} has no id yet: flush it first")
    return int(row.id)


def _time(**kwargs: Any) -> Any:
    return Field(sa_type=UTCDateTime, **kwargs)


def _created() -> Any:
    return Field(default_factory=clock.now, sa_type=UTCDateTime)


class Role(StrEnum):
    CUSTOMER = "customer"
    STAFF = "staff"
    OWNER = "owner"

    @property
    def rank(self) -> int:
        return ("customer", "staff", "owner").index(self.value)


class EntryKind(StrEnum):
    EARN = "earn"
    REDEEM = "redeem"
    ADJUST = "adjust"
    EXPIRE = "expire"
    REFERRAL = "referral"
    BIRTHDAY = "birthday"
    VOID = "void"
    REFUND = "refund"
    GIFT = "gift"  # a coupon given free by an automation: 0 points


class Member(SQLModel, table=True):
    """A loyalty member: a phone number that collects points, with or without LINE."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=16)
    phone: str | None = Field(default=None, unique=True, max_length=20)
    points: int = Field(default=0)
    card_token: str = Field(unique=True, max_length=64)
    created_at: datetime = _created()
    erased_at: datetime | None = _time(default=None)
    customer_ref: str | None = Field(default=None, unique=True, max_length=64)


class LineUser(SQLModel, table=True):
    """Someone who talks to the shop's LINE account: role, language, consent, following."""

    __tablename__ = "line_user"

    line_user_id: str = Field(primary_key=True, max_length=64)
    member_id: int | None = Field(default=None, foreign_key="member.id", unique=True)
    role: str = Field(default=Role.CUSTOMER, max_length=16)
    language: str = Field(default="th", max_length=8)
    display_name: str | None = Field(default=None, max_length=200)
    following: bool = Field(default=True)
    service_consent_version: str | None = Field(default=None, max_length=16)
    marketing_consent: bool = Field(default=False)
    consent_at: datetime | None = _time(default=None)
    registered_at: datetime | None = _time(default=None)
    created_at: datetime = _created()


class Purchase(SQLModel, table=True):
    """A sale recorded against a member: at the counter, by import or by API."""

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    amount_satang: int
    occurred_at: datetime = _time(index=True)
    channel: str = Field(default="counter", max_length=16)
    staff_user_id: str | None = Field(default=None, max_length=64)
    ref: str | None = Field(default=None, unique=True, max_length=120)
    voided_at: datetime | None = _time(default=None)
    created_at: datetime = _created()


class LedgerEntry(SQLModel, table=True):
    """One change of points. Never edited: a correction is a new entry."""

    __tablename__ = "ledger_entry"

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    kind: str = Field(max_length=16)
    points: int
    purchase_id: int | None = Field(default=None, foreign_key="purchase.id")
    voids_entry_id: int | None = Field(default=None, foreign_key="ledger_entry.id", unique=True)
    actor: str = Field(max_length=64)
    idempotency_key: str = Field(unique=True, max_length=160)
    note: str | None = Field(default=None, max_length=200)
    created_at: datetime = _created()


class ProcessedEvent(SQLModel, table=True):
    """A webhook event id seen once; a second delivery of it changes nothing."""

    __tablename__ = "processed_event"

    webhook_event_id: str = Field(primary_key=True, max_length=64)
    received_at: datetime = _created()


class Dialog(SQLModel, table=True):
    """Where a user is in a multi-step conversation (kept here, never in memory)."""

    line_user_id: str = Field(primary_key=True, max_length=64)
    name: str = Field(max_length=40)
    step: str = Field(max_length=40)
    data: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    updated_at: datetime = _created()


class StaffInvite(SQLModel, table=True):
    __tablename__ = "staff_invite"

    id: int | None = Field(default=None, primary_key=True)
    code_hash: str = Field(unique=True, max_length=64)
    created_by: str = Field(max_length=64)
    expires_at: datetime = _time()
    used_by: str | None = Field(default=None, max_length=64)
    used_at: datetime | None = _time(default=None)
    created_at: datetime = _created()


class PhoneVerification(SQLModel, table=True):
    """A one-time SMS code proving that a LINE user owns a phone that already holds points."""

    __tablename__ = "phone_verification"

    id: int | None = Field(default=None, primary_key=True)
    line_user_id: str = Field(index=True, max_length=64)
    phone: str = Field(max_length=20)
    code_hash: str = Field(max_length=64)
    attempts: int = Field(default=0)
    expires_at: datetime = _time()
    verified_at: datetime | None = _time(default=None)
    created_at: datetime = _created()


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
    next_attempt_at: datetime | None = _time(default=None)  # not tried again before this
    last_error: str | None = Field(default=None, max_length=300)
    created_at: datetime = _created()
    sent_at: datetime | None = _time(default=None)


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
    next_attempt_at: datetime | None = _time(default=None)
    last_error: str | None = Field(default=None, max_length=300)
    created_at: datetime = _created()
    done_at: datetime | None = _time(default=None)


# rewards and coupons


class StoredImage(SQLModel, table=True):
    """A picture kept in the database (reward photos) and served under an unguessable token."""

    __tablename__ = "stored_image"

    id: int | None = Field(default=None, primary_key=True)
    token: str = Field(unique=True, max_length=64)
    content_type: str = Field(default="image/jpeg", max_length=32)
    data: bytes = Field(sa_type=LargeBinary)
    created_at: datetime = _created()


class Reward(SQLModel, table=True):
    """Something a member can spend points on; `stock` None means unlimited."""

    id: int | None = Field(default=None, primary_key=True)
    name_th: str = Field(max_length=80)
    name_en: str | None = Field(default=None, max_length=80)
    points_cost: int
    stock: int | None = Field(default=None)
    issued: int = Field(default=0)
    valid_days: int = Field(default=30)
    limit_per_member: int | None = Field(default=None)
    picture_token: str | None = Field(default=None, max_length=64)
    active: bool = Field(default=True, index=True)
    created_at: datetime = _created()
    updated_at: datetime = _created()


class CouponStatus(StrEnum):
    ACTIVE = "active"
    USED = "used"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class Coupon(SQLModel, table=True):
    """A reward paid for with points, waiting to be used once at the counter."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=16)
    image_token: str = Field(unique=True, max_length=64)
    reward_id: int = Field(foreign_key="reward.id", index=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    points: int
    ledger_entry_id: int = Field(foreign_key="ledger_entry.id", unique=True)
    status: str = Field(default=CouponStatus.ACTIVE, max_length=16, index=True)
    issued_at: datetime = _created()
    expires_at: datetime = _time(index=True)
    used_at: datetime | None = _time(default=None)
    used_by: str | None = Field(default=None, max_length=64)
    cancelled_at: datetime | None = _time(default=None)
    cancelled_by: str | None = Field(default=None, max_length=64)


# rich menus


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
    deployed_at: datetime = _created()


# segments and broadcasts


class MemberScore(SQLModel, table=True):
    """A member's RFM scores and segment as of a date; refreshed nightly and on demand.

    Members without a purchase up to `as_of` have segment `no_purchase` and no scores.
    """

    __tablename__ = "member_score"

    member_id: int = Field(primary_key=True, foreign_key="member.id")
    as_of: date
    recency_days: int | None = Field(default=None)
    frequency: int | None = Field(default=None)
    monetary_satang: int | None = Field(default=None)
    r_score: int | None = Field(default=None)
    f_score: int | None = Field(default=None)
    m_score: int | None = Field(default=None)
    segment: str = Field(max_length=24, index=True)
    computed_at: datetime = _created()


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
    lease_until: datetime | None = _time(default=None)
    recipients: int = Field(default=0)
    held_out: int = Field(default=0)
    created_at: datetime = _created()
    started_at: datetime | None = _time(default=None)
    finished_at: datetime | None = _time(default=None)


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
    first_tried_at: datetime | None = _time(default=None)  # retried for a day from here
    last_error: str | None = Field(default=None, max_length=300)
    sent_at: datetime | None = _time(default=None)


class MediaFile(SQLModel, table=True):
    """A picture LINE fetches from BASE_URL under an unguessable token (charts, photos)."""

    __tablename__ = "media_file"

    token: str = Field(primary_key=True, max_length=64)
    kind: str = Field(max_length=16)
    content_type: str = Field(default="image/png", max_length=32)
    data: bytes | None = Field(default=None, sa_type=LargeBinary)
    spec: dict[str, Any] | None = Field(default=None, sa_type=JSON)
    created_at: datetime = _created()


class LineQuota(SQLModel, table=True):
    """The shop's monthly message quota as LINE last reported it (one row)."""

    __tablename__ = "line_quota"

    id: int = Field(default=1, primary_key=True)
    limit: int | None = Field(default=None)
    used: int = Field(default=0)
    fetched_at: datetime = _created()


# RFM scoring reads every purchase grouped by member: with this index it reads the index
# alone, in member order (10x faster on SQLite for 10 million purchases).
Index(
    "ix_purchase_rfm",
    Purchase.member_id,  # type: ignore[arg-type]
    Purchase.occurred_at,  # type: ignore[arg-type]
    Purchase.amount_satang,  # type: ignore[arg-type]
    Purchase.voided_at,  # type: ignore[arg-type]
)


# automations


class PointLot(SQLModel, table=True):
    """Points earned together by one entry: used oldest first, expiring together.

    The lots' `remaining` add up to the member's balance; `expires_at` None never expires.
    """

    __tablename__ = "point_lot"

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    entry_id: int = Field(foreign_key="ledger_entry.id", index=True)
    points: int
    remaining: int
    earned_at: datetime = _time()
    expires_at: datetime | None = _time(default=None, index=True)


class LotUse(SQLModel, table=True):
    """The points one negative ledger entry took from one lot."""

    __tablename__ = "lot_use"
    __table_args__ = (UniqueConstraint("entry_id", "lot_id"),)

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="ledger_entry.id", index=True)
    lot_id: int = Field(foreign_key="point_lot.id", index=True)
    points: int


class AutomationSetting(SQLModel, table=True):
    """The owner's choices for one automation: on or off, and its settings."""

    __tablename__ = "automation_setting"

    name: str = Field(primary_key=True, max_length=24)
    enabled: bool = Field(default=True)
    values: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    updated_by: str | None = Field(default=None, max_length=64)
    updated_at: datetime = _created()


class MemberLifecycle(SQLModel, table=True):
    """What the automations know about a member: birthday, tier, last offer, last segment."""

    __tablename__ = "member_lifecycle"

    member_id: int = Field(primary_key=True, foreign_key="member.id")
    birth_day: int | None = Field(default=None)
    birth_month: int | None = Field(default=None)
    birthday_asked_at: datetime | None = _time(default=None)
    tier: str = Field(default="member", max_length=16)
    tier_since: datetime | None = _time(default=None)
    tier_review_on: date | None = Field(default=None, index=True)
    last_marketing_at: datetime | None = _time(default=None)
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
    created_at: datetime = _time(default_factory=clock.now, index=True)


class Referral(SQLModel, table=True):
    """A friend who came with a member's invite; both get the bonus after the first purchase."""

    id: int | None = Field(default=None, primary_key=True)
    referrer_id: int = Field(foreign_key="member.id", index=True)
    friend_line_user_id: str = Field(unique=True, max_length=64)
    friend_member_id: int | None = Field(default=None, foreign_key="member.id", unique=True)
    status: str = Field(default="waiting", max_length=16, index=True)
    created_at: datetime = _created()
    rewarded_at: datetime | None = _time(default=None)


class SegmentDrop(SQLModel, table=True):
    """A good customer (champions, loyal) seen fallen to at_risk or cant_lose in a week."""

    __tablename__ = "segment_drop"
    __table_args__ = (UniqueConstraint("week", "member_id"),)

    id: int | None = Field(default=None, primary_key=True)
    week: str = Field(max_length=10, index=True)
    member_id: int = Field(foreign_key="member.id")
    was: str = Field(max_length=24)
    now: str = Field(max_length=24)
    noticed_at: datetime = _created()
    offer_requested_at: datetime | None = _time(default=None)
    offer_requested_by: str | None = Field(default=None, max_length=64)
    offered_at: datetime | None = _time(default=None)
    outcome: str | None = Field(default=None, max_length=16)


# insights and privacy


class ConsentRecord(SQLModel, table=True):
    """One answer for one purpose (service, marketing) under one notice version: history."""

    __tablename__ = "consent_record"

    id: int | None = Field(default=None, primary_key=True)
    line_user_id: str = Field(index=True, max_length=64)
    purpose: str = Field(max_length=16)
    granted: bool
    notice_version: str = Field(max_length=16)
    recorded_at: datetime = _created()


class DataExport(SQLModel, table=True):
    """A member asked for their data: a one-time download link, valid 24 hours."""

    __tablename__ = "data_export"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(unique=True, max_length=64)
    line_user_id: str = Field(index=True, max_length=64)
    expires_at: datetime = _time()
    downloaded_at: datetime | None = _time(default=None)
    created_at: datetime = _created()


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


class RateLimitWindow(SQLModel, table=True):
    """How many commands a user sent in the current minute (in the database: web
    processes keep no state)."""

    __tablename__ = "rate_limit_window"

    line_user_id: str = Field(primary_key=True, max_length=64)
    window_start: datetime = _time()
    count: int = Field(default=0)


class WeeklySummaryChoice(SQLModel, table=True):
    """An owner's choice about the Monday summary (no row: on) and the last week sent."""

    __tablename__ = "weekly_summary_choice"

    line_user_id: str = Field(primary_key=True, max_length=64)
    enabled: bool = Field(default=True)
    last_sent_week: str | None = Field(default=None, max_length=10)
    changed_at: datetime = _created()


class RewardCost(SQLModel, table=True):
    """What one unit of a reward costs the shop, to value outstanding points in baht."""

    __tablename__ = "reward_cost"

    reward_id: int = Field(primary_key=True, foreign_key="reward.id")
    cost_satang: int
    updated_at: datetime = _created()


class ApiKey(SQLModel, table=True):
    """A till's or web shop's key for the POS API; only its SHA-256 is kept."""

    __tablename__ = "api_key"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True, max_length=40)
    key_hash: str = Field(unique=True, max_length=64)
    prefix: str = Field(max_length=12)
    created_at: datetime = _created()
    last_used_at: datetime | None = _time(default=None)
    revoked_at: datetime | None = _time(default=None)


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
    created_at: datetime = _created()


class Refund(SQLModel, table=True):
    """Money given back on a purchase, and the points that came back with it."""

    id: int | None = Field(default=None, primary_key=True)
    purchase_id: int = Field(foreign_key="purchase.id", index=True)
    amount_satang: int
    ref: str | None = Field(default=None, unique=True, max_length=160)
    points_reversed: int = Field(default=0)
    points_owed: int = Field(default=0)
    actor: str = Field(max_length=64)
    created_at: datetime = _created()


class PointsDebt(SQLModel, table=True):
    """Points a refund could not take back (already spent); later earnings pay it first."""

    __tablename__ = "points_debt"

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    refund_id: int = Field(foreign_key="refund.id", unique=True)
    points: int
    paid: int = Field(default=0)
    created_at: datetime = _created()
    settled_at: datetime | None = _time(default=None)
