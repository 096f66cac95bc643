"""Faster imports of purchases: purchase.member_id loses its own index (ix_purchase_rfm
leads with member_id), and on PostgreSQL member pages keep a fifth free so that balance
changes are HOT updates

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 14:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    with op.batch_alter_table("purchase", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_purchase_member_id"))
    if _postgresql():
        op.execute("ALTER TABLE member SET (fillfactor = 80)")


def downgrade() -> None:
    if _postgresql():
        op.execute("ALTER TABLE member RESET (fillfactor)")
    with op.batch_alter_table("purchase", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_purchase_member_id"), ["member_id"], unique=False)
