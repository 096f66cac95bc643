"""Gift coupons: no ledger entry, their own once-only key (coupon.gift_key)

Gifts given before this revision kept a 0-point GIFT ledger entry. Their key moves to
coupon.gift_key and the coupon lets go of the entry; the entries themselves stay, since
the ledger is append-only and 0 points change no balance. Readers of the history and the
statistics leave GIFT entries out.

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

GIFT_ENTRIES = "SELECT id FROM ledger_entry WHERE kind = 'gift'"


def upgrade() -> None:
    with op.batch_alter_table("coupon", schema=None) as batch_op:
        batch_op.add_column(sa.Column("gift_key", sa.String(length=160), nullable=True))
        batch_op.alter_column("ledger_entry_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_unique_constraint(batch_op.f("uq_coupon_gift_key"), ["gift_key"])
    op.execute(
        f"""
        UPDATE coupon SET gift_key = (
            SELECT e.idempotency_key FROM ledger_entry e WHERE e.id = coupon.ledger_entry_id
        )
        WHERE ledger_entry_id IN ({GIFT_ENTRIES})
        """
    )
    op.execute(
        f"UPDATE coupon SET ledger_entry_id = NULL WHERE ledger_entry_id IN ({GIFT_ENTRIES})"
    )


def downgrade() -> None:
    op.execute(
        """
        INSERT INTO ledger_entry (member_id, kind, points, actor, idempotency_key, created_at)
        SELECT c.member_id, 'gift', 0, 'migration', c.gift_key, c.issued_at FROM coupon c
        WHERE c.gift_key IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM ledger_entry e WHERE e.idempotency_key = c.gift_key)
        """
    )
    op.execute(
        """
        UPDATE coupon SET ledger_entry_id = (
            SELECT e.id FROM ledger_entry e WHERE e.idempotency_key = coupon.gift_key
        )
        WHERE gift_key IS NOT NULL
        """
    )
    with op.batch_alter_table("coupon", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_coupon_gift_key"), type_="unique")
        batch_op.alter_column("ledger_entry_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("gift_key")
