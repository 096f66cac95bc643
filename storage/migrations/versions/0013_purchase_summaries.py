"""Each member keeps a summary of their live purchases (first, last, how many, how much),
counted here from the purchases; from now on every write of a purchase keeps it
(storage/purchase_summary.py)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COUNTED = """UPDATE member SET first_purchase_at = t.first, last_purchase_at = t.last,
    purchases = t.n, spent_satang = t.spent
FROM (SELECT member_id, min(occurred_at) AS first, max(occurred_at) AS last,
             count(*) AS n, sum(amount_satang) AS spent
      FROM purchase WHERE voided_at IS NULL GROUP BY member_id) AS t
WHERE member.id = t.member_id"""


def upgrade() -> None:
    with op.batch_alter_table("member", schema=None) as batch_op:
        batch_op.add_column(sa.Column("first_purchase_at", sa.DateTime(timezone=True)))
        batch_op.add_column(sa.Column("last_purchase_at", sa.DateTime(timezone=True)))
        batch_op.add_column(
            sa.Column("purchases", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("spent_satang", sa.BigInteger(), nullable=False, server_default="0")
        )
    op.execute(COUNTED)


def downgrade() -> None:
    with op.batch_alter_table("member", schema=None) as batch_op:
        for name in ("spent_satang", "purchases", "last_purchase_at", "first_purchase_at"):
            batch_op.drop_column(name)
