"""The shop's figures kept between answers: tallies counted at night over the purchases
before a cut, the count of writes that changed purchases already in the past, and the
worker's hold on the count (storage/figure_snapshots.py)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "figure_snapshot",
        sa.Column("key", sa.String(length=160), nullable=False),
        sa.Column("cut", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changes", sa.BigInteger(), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "figure_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("changes", sa.BigInteger(), nullable=False),
        sa.Column("counting_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("figure_state")
    op.drop_table("figure_snapshot")
