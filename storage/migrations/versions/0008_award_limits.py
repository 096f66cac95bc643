"""award_limit: the owner's limits on awards (confirm above an amount, daily ceilings)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
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


def downgrade() -> None:
    op.drop_table("award_limit")
