"""Members, the LINE users they are, staff invites and phone checks."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger
from sqlmodel import Field, SQLModel

from storage.models.columns import created, utc_time


class Role(StrEnum):
    CUSTOMER = "customer"
    STAFF = "staff"
    OWNER = "owner"

    @property
    def rank(self) -> int:
        return ("customer", "staff", "owner").index(self.value)


class Member(SQLModel, table=True):
    """A loyalty member: a phone number that collects points, with or without LINE.

    On PostgreSQL each page keeps a fifth free, so that changing a balance writes the new
    row version beside the old one without touching the five indexes (a HOT update): an
    import of purchases with points changes most balances in every batch.

    The last four fields sum up the member's live (not voided) purchases, kept by every
    write of a purchase in its transaction (storage/purchase_summary.py): RFM scores, the
    win-back automation and the home card read them instead of every purchase.
    """

    __table_args__ = {"postgresql_with": {"fillfactor": 80}}

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(unique=True, max_length=16)
    phone: str | None = Field(default=None, unique=True, max_length=20)
    points: int = Field(default=0)
    card_token: str = Field(unique=True, max_length=64)
    created_at: datetime = created()
    erased_at: datetime | None = utc_time(default=None)
    customer_ref: str | None = Field(default=None, unique=True, max_length=64)
    first_purchase_at: datetime | None = utc_time(default=None)
    last_purchase_at: datetime | None = utc_time(default=None)
    purchases: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    spent_satang: int = Field(
        default=0, sa_type=BigInteger, sa_column_kwargs={"server_default": "0"}
    )


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
    consent_at: datetime | None = utc_time(default=None)
    registered_at: datetime | None = utc_time(default=None)
    created_at: datetime = created()


class StaffInvite(SQLModel, table=True):
    __tablename__ = "staff_invite"

    id: int | None = Field(default=None, primary_key=True)
    code_hash: str = Field(unique=True, max_length=64)
    created_by: str = Field(max_length=64)
    expires_at: datetime = utc_time()
    used_by: str | None = Field(default=None, max_length=64)
    used_at: datetime | None = utc_time(default=None)
    created_at: datetime = created()


class PhoneVerification(SQLModel, table=True):
    """A one-time SMS code proving that a LINE user owns a phone that already holds points."""

    __tablename__ = "phone_verification"

    id: int | None = Field(default=None, primary_key=True)
    line_user_id: str = Field(index=True, max_length=64)
    phone: str = Field(max_length=20)
    code_hash: str = Field(max_length=64)
    attempts: int = Field(default=0)
    expires_at: datetime = utc_time()
    verified_at: datetime | None = utc_time(default=None)
    created_at: datetime = created()
