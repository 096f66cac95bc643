"""The shop's figures kept between answers: counted over the purchases before a moment, and
the row that tells when purchases before now changed and who is counting."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger
from sqlmodel import Field, SQLModel

from storage.models.columns import created, utc_time


class FigureSnapshot(SQLModel, table=True):
    """A figure's tally over the live purchases before `cut` (`storage/figure_snapshots.py`).

    It holds while `FigureState.changes` is still `changes`: purchases after the cut are
    counted live and added to it."""

    __tablename__ = "figure_snapshot"

    key: str = Field(primary_key=True, max_length=160)
    cut: datetime = utc_time()
    changes: int = Field(sa_type=BigInteger)
    value: dict[str, Any] = Field(sa_type=JSON)
    computed_at: datetime = created()


class FigureState(SQLModel, table=True):
    """One row: how many writes so far changed purchases that had already happened (an
    import, a void, an award dated in the past, an erasure), and until when a worker holds
    the count (two workers run the hourly job at once; one counts)."""

    __tablename__ = "figure_state"

    id: int = Field(default=1, primary_key=True)
    changes: int = Field(default=0, sa_type=BigInteger)
    counting_until: datetime | None = utc_time(default=None)
