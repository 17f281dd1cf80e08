"""PostgreSQL: the sort keys of last activity and last order (coalesce with "never") are
stored columns, indexed, so that a cursor or a time range bounds the index scan under
row-level security

Revision ID: 0113_sort_key_columns
Revises: 0112_import_problems
Create Date: 2026-12-05

The indexes of these keys were on coalesce(last_active_at, never). To the planner COALESCE
is not LEAKPROOF, so where the tenant policy applies (the app's role) a condition on it may
not be used to read an index before the policy's check: a page after a cursor sorted by
last activity, last order or days since the last order read every row before it again, and
a filter such as last_order_after=-30d read every customer of the tenant (300,000
customers: 316 ms a page half way instead of 0.1 ms). A generated column holds the same key;
a comparison of a column is LEAKPROOF. SQLite has no row-level security: its expression
indexes serve as they are.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0113_sort_key_columns"
down_revision: str | Sequence[str] | None = "0112_import_problems"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NEVER = "'1970-01-01 00:00:00+00'::timestamptz"  # search.sql.NEVER_PG
COLUMNS = ("last_active_at", "last_order_at")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "ALTER TABLE customers "
        + ", ".join(
            f"ADD COLUMN {c}_sort timestamptz NOT NULL "
            f"GENERATED ALWAYS AS (coalesce({c}, {NEVER})) STORED"
            for c in COLUMNS
        )
    )  # one rewrite of the table for both
    for c in COLUMNS:
        op.execute(f"DROP INDEX ix_customers_tenant_{c}_sort")
        op.execute(
            f"CREATE INDEX ix_customers_tenant_{c}_sort ON customers (tenant_id, {c}_sort, id)"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for c in COLUMNS:
        op.execute(f"DROP INDEX ix_customers_tenant_{c}_sort")
    op.execute("ALTER TABLE customers " + ", ".join(f"DROP COLUMN {c}_sort" for c in COLUMNS))
    for c in COLUMNS:
        op.execute(
            f"CREATE INDEX ix_customers_tenant_{c}_sort ON customers "
            f"(tenant_id, (coalesce({c}, {NEVER})), id)"
        )
