"""The shop's figures read indexes alone: purchases by time with what they sold and who
sold it (ix_purchase_when, instead of ix_purchase_occurred_at), ledger entries by when they
were written with their kind and points (ix_ledger_entry_written)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 18:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PURCHASE_WHEN = ["occurred_at", "voided_at", "staff_user_id", "channel", "amount_satang"]


def upgrade() -> None:
    with op.batch_alter_table("purchase", schema=None) as batch_op:
        batch_op.create_index("ix_purchase_when", PURCHASE_WHEN)
        batch_op.drop_index("ix_purchase_occurred_at")
    with op.batch_alter_table("ledger_entry", schema=None) as batch_op:
        batch_op.create_index("ix_ledger_entry_written", ["created_at", "kind", "points"])


def downgrade() -> None:
    with op.batch_alter_table("ledger_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_ledger_entry_written")
    with op.batch_alter_table("purchase", schema=None) as batch_op:
        batch_op.create_index("ix_purchase_occurred_at", ["occurred_at"])
        batch_op.drop_index("ix_purchase_when")
