"""rich menu deployments

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 03:57:38.573548
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rich_menu_deployment",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("rich_menu_id", sa.String(length=80), nullable=False),
        sa.Column("alias_id", sa.String(length=32), nullable=True),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("deployed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )


def downgrade() -> None:
    op.drop_table("rich_menu_deployment")
