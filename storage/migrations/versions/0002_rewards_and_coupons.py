"""rewards and coupons

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 03:48:32.534639
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reward",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name_th", sa.String(length=80), nullable=False),
        sa.Column("name_en", sa.String(length=80), nullable=True),
        sa.Column("points_cost", sa.Integer(), nullable=False),
        sa.Column("stock", sa.Integer(), nullable=True),
        sa.Column("issued", sa.Integer(), nullable=False),
        sa.Column("valid_days", sa.Integer(), nullable=False),
        sa.Column("limit_per_member", sa.Integer(), nullable=True),
        sa.Column("picture_token", sa.String(length=64), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("reward", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reward_active"), ["active"], unique=False)

    op.create_table(
        "stored_image",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=32), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token"),
    )
    op.create_table(
        "coupon",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("image_token", sa.String(length=64), nullable=False),
        sa.Column("reward_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("ledger_entry_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("used_by", sa.String(length=64), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["ledger_entry_id"],
            ["ledger_entry.id"],
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["member.id"],
        ),
        sa.ForeignKeyConstraint(
            ["reward_id"],
            ["reward.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
        sa.UniqueConstraint("image_token"),
        sa.UniqueConstraint("ledger_entry_id"),
    )
    with op.batch_alter_table("coupon", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_coupon_expires_at"), ["expires_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_coupon_member_id"), ["member_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_coupon_reward_id"), ["reward_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_coupon_status"), ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("coupon", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coupon_status"))
        batch_op.drop_index(batch_op.f("ix_coupon_reward_id"))
        batch_op.drop_index(batch_op.f("ix_coupon_member_id"))
        batch_op.drop_index(batch_op.f("ix_coupon_expires_at"))

    op.drop_table("coupon")
    op.drop_table("stored_image")
    with op.batch_alter_table("reward", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reward_active"))

    op.drop_table("reward")
