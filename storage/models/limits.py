"""What the owner allows a cashier: awards that need a confirmation, a daily ceiling."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from storage.models.columns import created


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
