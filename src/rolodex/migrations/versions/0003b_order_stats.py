"""order figures on customers: triggers on orders keep customers.order_count,
first_order_at and last_order_at (paid orders) for the list's sorts and filters

Revision ID: 0003b
Revises: 0002, 0003
Create Date: 2026-11-22

Joins the orders branch (0002) and the search branch (0003), which adds the columns.
"""

from collections.abc import Sequence

from alembic import op

from rolodex.search import sql as search_sql

revision: str = "0003b"
down_revision: str | Sequence[str] | None = ("0002", "0003")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for statement in search_sql.order_stats_upgrade(op.get_bind().dialect.name):
        op.execute(statement)


def downgrade() -> None:
    for statement in search_sql.order_stats_downgrade(op.get_bind().dialect.name):
        op.execute(statement)
