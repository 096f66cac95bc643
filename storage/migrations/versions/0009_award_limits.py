"""award_limit (the owner's limits on awards: confirm above an amount, daily ceilings) and
award_request (awards over a cashier's daily ceiling, waiting for the owner)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "award_limit",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("staff_user_id", sa.String(length=64), nullable=False),
        sa.Column("satang", sa.Integer(), nullable=True),
        sa.Column("set_by", sa.String(length=64), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("kind", "staff_user_id"),
    )
    op.create_table(
        "award_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("staff_user_id", sa.String(length=64), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("amount_satang", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    with op.batch_alter_table("award_request", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_award_request_staff_user_id"), ["staff_user_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("award_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_award_request_staff_user_id"))
    op.drop_table("award_request")
    op.drop_table("award_limit")
