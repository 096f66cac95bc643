"""Rewards, their pictures and costs, and the coupons paid for with points."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import LargeBinary
from sqlmodel import Field, SQLModel

from storage.models.columns import created, utc_time


class StoredImage(SQLModel, table=True):
    """A picture kept in the database (reward photos) and served under an unguessable token."""

    __tablename__ = "stored_image"

    id: int | None = Field(default=None, primary_key=True)
    token: str = Field(unique=True, max_length=64)
    content_type: str = Field(default="image/jpeg", max_length=32)
    data: bytes = Field(sa_type=LargeBinary)
    created_at: datetime = created()


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
    created_at: datetime = created()
    updated_at: datetime = created()


class RewardCost(SQLModel, table=True):
    """What one unit of a reward costs the shop, to value outstanding points in baht."""

    __tablename__ = "reward_cost"

    reward_id: int = Field(primary_key=True, foreign_key="reward.id")
    cost_satang: int
    updated_at: datetime = created()


class CouponStatus(StrEnum):
    ACTIVE = "active"
    USED = "used"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class Coupon(SQLModel, table=True):
    """A reward paid for with points, or given free, waiting to be used once at the counter.

    A paid coupon points at its REDEEM ledger entry. A gift (welcome, birthday, win-back,
    broadcast) has no ledger entry and costs 0 points; its `gift_key` makes giving it once
    only.
    """

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=16)
    image_token: str = Field(unique=True, max_length=64)
    reward_id: int = Field(foreign_key="reward.id", index=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    points: int
    ledger_entry_id: int | None = Field(default=None, foreign_key="ledger_entry.id", unique=True)
    gift_key: str | None = Field(default=None, unique=True, max_length=160)
    status: str = Field(default=CouponStatus.ACTIVE, max_length=16, index=True)
    issued_at: datetime = created()
    expires_at: datetime = utc_time(index=True)
    used_at: datetime | None = utc_time(default=None)
    used_by: str | None = Field(default=None, max_length=64)
    cancelled_at: datetime | None = utc_time(default=None)
    cancelled_by: str | None = Field(default=None, max_length=64)
