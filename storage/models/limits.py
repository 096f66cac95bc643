"""What the owner allows a cashier: awards that need a confirmation, a daily ceiling."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from storage.models.columns import created, utc_time


class AwardLimit(SQLModel, table=True):
    """An owner-set limit on awards, in satang (None: no limit).

    `kind` is `confirm` (an award above it asks the cashier to confirm) or `daily` (what
    one cashier may award in a day before the owner approves); `staff_user_id` is empty
    for the whole shop and a cashier's LINE id for that cashier alone.
    """

    __tablename__ = "award_limit"

    kind: str = Field(primary_key=True, max_length=16)
    staff_user_id: str = Field(default="", primary_key=True, max_length=64)
    satang: int | None = Field(default=None)
    set_by: str | None = Field(default=None, max_length=64)
    updated_at: datetime = created()


class AwardRequest(SQLModel, table=True):
    """An award over a cashier's daily ceiling, waiting for the owner's yes or no.

    `status` goes from `waiting` to `approved` or `declined` once, by one conditional
    UPDATE; `key` makes a second tap on the cashier's button ask only once.
    """

    __tablename__ = "award_request"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, max_length=80)
    staff_user_id: str = Field(max_length=64, index=True)
    member_id: int = Field(foreign_key="member.id")
    amount_satang: int
    status: str = Field(default="waiting", max_length=16)
    created_at: datetime = created()
    decided_by: str | None = Field(default=None, max_length=64)
    decided_at: datetime | None = utc_time(default=None)
    entry_id: int | None = Field(default=None)
