"""automations: point lots, settings, per-member lifecycle, once-only records, referrals,
segment drops; lots for the points members already hold

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 04:14:34.492100
"""

import calendar
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

from storage import clock

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "automation_setting",
        sa.Column("name", sa.String(length=24), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("values", sa.JSON(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_table(
        "member_lifecycle",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("birth_day", sa.Integer(), nullable=True),
        sa.Column("birth_month", sa.Integer(), nullable=True),
        sa.Column("birthday_asked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("tier", sa.String(length=16), nullable=False),
        sa.Column("tier_since", sa.DateTime(timezone=True), nullable=True),
        sa.Column("tier_review_on", sa.Date(), nullable=True),
        sa.Column("last_marketing_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("segment_seen", sa.String(length=24), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
        ),
        sa.PrimaryKeyConstraint("member_id"),
    )
    with op.batch_alter_table("member_lifecycle", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_member_lifecycle_tier_review_on"), ["tier_review_on"], unique=False
        )

    op.create_table(
        "referral",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referrer_id", sa.Integer(), nullable=False),
        sa.Column("friend_line_user_id", sa.String(length=64), nullable=False),
        sa.Column("friend_member_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rewarded_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["friend_member_id"],
            ["member.id"],
        ),
        sa.ForeignKeyConstraint(
            ["referrer_id"],
            ["member.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("friend_line_user_id"),
        sa.UniqueConstraint("friend_member_id"),
    )
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_referral_referrer_id"), ["referrer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_referral_status"), ["status"], unique=False)

    op.create_table(
        "segment_drop",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("week", sa.String(length=10), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("was", sa.String(length=24), nullable=False),
        sa.Column("now", sa.String(length=24), nullable=False),
        sa.Column("noticed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("offer_requested_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("offer_requested_by", sa.String(length=64), nullable=True),
        sa.Column("offered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("week", "member_id"),
    )
    with op.batch_alter_table("segment_drop", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_segment_drop_week"), ["week"], unique=False)

    op.create_table(
        "point_lot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("remaining", sa.Integer(), nullable=False),
        sa.Column("earned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["ledger_entry.id"],
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("point_lot", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_point_lot_entry_id"), ["entry_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_point_lot_expires_at"), ["expires_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_point_lot_member_id"), ["member_id"], unique=False)

    op.create_table(
        "automation_send",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("automation", sa.String(length=24), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=False),
        sa.Column("period", sa.String(length=32), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("marketing", sa.Boolean(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("coupon_id", sa.Integer(), nullable=True),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["coupon_id"],
            ["coupon.id"],
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
        ),
        sa.ForeignKeyConstraint(
            ["outbox_id"],
            ["outbox_message.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("automation", "subject", "period"),
    )
    with op.batch_alter_table("automation_send", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_automation_send_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_automation_send_member_id"), ["member_id"], unique=False
        )

    op.create_table(
        "lot_use",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["ledger_entry.id"],
        ),
        sa.ForeignKeyConstraint(
            ["lot_id"],
            ["point_lot.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("entry_id", "lot_id"),
    )
    with op.batch_alter_table("lot_use", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lot_use_entry_id"), ["entry_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_lot_use_lot_id"), ["lot_id"], unique=False)

    _opening_lots()


MONTHS = 12  # the default expiry; the owner can change it later for new points
GRACE = timedelta(days=30)  # nobody loses points without a reminder
ENTRIES = sa.table(
    "ledger_entry",
    sa.column("id", sa.Integer),
    sa.column("member_id", sa.Integer),
    sa.column("points", sa.Integer),
    sa.column("voids_entry_id", sa.Integer),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
LOTS = sa.table(
    "point_lot",
    sa.column("member_id", sa.Integer),
    sa.column("entry_id", sa.Integer),
    sa.column("points", sa.Integer),
    sa.column("remaining", sa.Integer),
    sa.column("earned_at", sa.DateTime(timezone=True)),
    sa.column("expires_at", sa.DateTime(timezone=True)),
)


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _month_end_after(earned: datetime, tz: ZoneInfo) -> datetime:
    local = earned.astimezone(tz)
    year, month = divmod(local.year * 12 + local.month - 1 + MONTHS, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return datetime(year, month + 1, last, 23, 59, 59, tzinfo=tz).astimezone(UTC)


def _replay(entries: list[Any]) -> list[list[Any]]:
    """A member's entries, oldest first, as lots: [entry id, earned at, points, remaining]."""
    lots: list[list[Any]] = []
    for entry in entries:
        if entry.points > 0:
            lots.append([entry.id, _aware(entry.created_at), entry.points, entry.points])
            continue
        left = -entry.points
        first = [lot for lot in lots if lot[0] == entry.voids_entry_id]
        for lot in first + [lot for lot in lots if lot[0] != entry.voids_entry_id]:
            take = min(left, lot[3])
            lot[3] -= take
            left -= take
    return [lot for lot in lots if lot[3] > 0]


def _by_member(rows: Any) -> Iterator[tuple[int, list[Any]]]:
    member_id: int | None = None
    entries: list[Any] = []
    for row in rows:
        if row.member_id != member_id and entries:
            yield member_id, entries  # type: ignore[misc]
            entries = []
        member_id = row.member_id
        entries.append(row)
    if entries:
        yield member_id, entries  # type: ignore[misc]


def _opening_lots() -> None:
    """Lots for points already held: the ledger replayed oldest first, 12 months' expiry.

    Points that would already be past their end get 30 days, so every member is reminded
    before anything expires.
    """
    bind = op.get_bind()
    config = op.get_context().config
    assert config is not None
    tz = ZoneInfo(config.attributes["shop_timezone"])
    floor = clock.now() + GRACE
    rows = bind.execute(
        sa.select(ENTRIES).where(ENTRIES.c.points != 0).order_by(ENTRIES.c.member_id, ENTRIES.c.id)
    )
    batch: list[dict[str, Any]] = []
    for member_id, entries in _by_member(rows):
        for entry_id, earned, points, remaining in _replay(entries):
            ends = max(_month_end_after(earned, tz), floor)
            batch.append(
                {
                    "member_id": member_id,
                    "entry_id": entry_id,
                    "points": points,
                    "remaining": remaining,
                    "earned_at": earned,
                    "expires_at": ends,
                }
            )
        if len(batch) >= 5000:
            bind.execute(LOTS.insert(), batch)
            batch = []
    if batch:
        bind.execute(LOTS.insert(), batch)


def downgrade() -> None:
    with op.batch_alter_table("lot_use", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lot_use_lot_id"))
        batch_op.drop_index(batch_op.f("ix_lot_use_entry_id"))

    op.drop_table("lot_use")
    with op.batch_alter_table("automation_send", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_automation_send_member_id"))
        batch_op.drop_index(batch_op.f("ix_automation_send_created_at"))

    op.drop_table("automation_send")
    with op.batch_alter_table("point_lot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_point_lot_member_id"))
        batch_op.drop_index(batch_op.f("ix_point_lot_expires_at"))
        batch_op.drop_index(batch_op.f("ix_point_lot_entry_id"))

    op.drop_table("point_lot")
    with op.batch_alter_table("segment_drop", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_segment_drop_week"))

    op.drop_table("segment_drop")
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referral_status"))
        batch_op.drop_index(batch_op.f("ix_referral_referrer_id"))

    op.drop_table("referral")
    with op.batch_alter_table("member_lifecycle", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_member_lifecycle_tier_review_on"))

    op.drop_table("member_lifecycle")
    op.drop_table("automation_setting")
