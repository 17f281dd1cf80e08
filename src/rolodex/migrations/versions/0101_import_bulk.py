"""bulk imports index their new customers set-based on SQLite: the customer insert trigger
leaves out a customer whose search row is already there (put in, pending, by the import)

Revision ID: 0101_import_bulk
Revises: 0100
Create Date: 2026-12-04

SQLite only (search.sql.sqlite_insert_trigger); PostgreSQL is unchanged.
"""

from collections.abc import Sequence

from alembic import op

from rolodex.search import sql as search_sql

revision: str = "0101_import_bulk"
down_revision: str | Sequence[str] | None = "0100"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _replace(bulk: bool) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TRIGGER IF EXISTS customers_search_ai")
    op.execute(search_sql.sqlite_insert_trigger(bulk=bulk))


def upgrade() -> None:
    _replace(True)


def downgrade() -> None:
    _replace(False)
