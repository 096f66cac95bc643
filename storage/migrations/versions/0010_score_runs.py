"""score_run (when the RFM scores were computed and for which day); member_score keeps the
day of the last purchase instead of as_of, recency_days and computed_at on every row

A nightly refresh then rewrites only the members whose figures, scores or segment changed.
Stored scores are kept: the run comes from their as_of and computed_at, the last purchase
day from as_of minus recency_days.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _days_before(day: str, days: str) -> str:
    """SQL for the date `days` whole days before the date `day`."""
    if op.get_bind().dialect.name == "postgresql":
        return f"({day} - {days})"
    return f"date({day}, -{days} || ' days')"


def upgrade() -> None:
    op.create_table(
        "score_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.execute(
        "INSERT INTO score_run (as_of, computed_at)"
        " SELECT MAX(as_of), MAX(computed_at) FROM member_score HAVING COUNT(*) > 0"
    )
    with op.batch_alter_table("member_score", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_purchase_on", sa.Date(), nullable=True))
    op.execute(
        f"UPDATE member_score SET last_purchase_on = {_days_before('as_of', 'recency_days')}"
    )
    with op.batch_alter_table("member_score", schema=None) as batch_op:
        batch_op.drop_column("computed_at")
        batch_op.drop_column("recency_days")
        batch_op.drop_column("as_of")


def downgrade() -> None:
    with op.batch_alter_table("member_score", schema=None) as batch_op:
        batch_op.add_column(sa.Column("as_of", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("recency_days", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("computed_at", sa.DateTime(timezone=True), nullable=True))
    latest = "(SELECT {} FROM score_run ORDER BY id DESC LIMIT 1)"
    op.execute(
        f"UPDATE member_score SET as_of = {latest.format('as_of')},"
        f" computed_at = {latest.format('computed_at')}"
    )
    op.execute("DELETE FROM member_score WHERE as_of IS NULL")  # scores without a run
    recency = "(as_of - last_purchase_on)"
    if op.get_bind().dialect.name != "postgresql":
        recency = "CAST(julianday(as_of) - julianday(last_purchase_on) AS INTEGER)"
    op.execute(f"UPDATE member_score SET recency_days = {recency}")
    with op.batch_alter_table("member_score", schema=None) as batch_op:
        batch_op.alter_column("as_of", existing_type=sa.Date(), nullable=False)
        batch_op.alter_column(
            "computed_at", existing_type=sa.DateTime(timezone=True), nullable=False
        )
        batch_op.drop_column("last_purchase_on")
    op.drop_table("score_run")
