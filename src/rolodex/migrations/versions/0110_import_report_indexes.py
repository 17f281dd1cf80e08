"""an import's row report filtered by result or by what a revert kept reads an index: it
scanned every row of the import for the first page (200,000 rows: 40-100 ms, and a filter
matching nothing read them all on every page)

Revision ID: 0110_import_report_indexes
Revises: 0109_name_key_titles
Create Date: 2026-12-05

``ix_import_rows_action`` on (tenant_id, import_id, action, row_no) serves ``?action=fail``
(the dashboard's filter) in row order. ``ix_import_rows_kept`` holds only the rows a revert
kept, whole or in part (few, written at revert), in row order: ``?revert=kept|partly`` and the
progress panel's first kept rows. ``imports.report_repository.rows_query`` repeats the index's
condition word for word so that SQLite, which matches a partial index by its terms, uses it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0110_import_report_indexes"
down_revision: str | Sequence[str] | None = "0109_name_key_titles"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KEPT = sa.text("revert IN ('kept', 'partly')")


def upgrade() -> None:
    op.create_index(
        "ix_import_rows_action", "import_rows", ["tenant_id", "import_id", "action", "row_no"]
    )
    op.create_index(
        "ix_import_rows_kept",
        "import_rows",
        ["tenant_id", "import_id", "row_no"],
        sqlite_where=KEPT,
        postgresql_where=KEPT,
    )


def downgrade() -> None:
    op.drop_index("ix_import_rows_kept", table_name="import_rows")
    op.drop_index("ix_import_rows_action", table_name="import_rows")
