"""an import counts its problems as its batches write them: its progress no longer counts
them on every poll

Revision ID: 0112_import_problems
Revises: 0111_postcode_key_column
Create Date: 2026-12-05

``imports.problems``: the problems (rows of ``import_row_errors``) written so far, kept with
the other figures in each batch's transaction. NULL for imports made before: theirs are
counted when asked, as every import's were (a count over its problems on each
``GET /v1/imports/{id}`` and each second of the dashboard's progress panel: 22-50 ms at
150,000 problems on PostgreSQL, growing with them).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0112_import_problems"
down_revision: str | Sequence[str] | None = "0111_postcode_key_column"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("imports", sa.Column("problems", sa.Integer(), nullable=True))


def downgrade() -> None:
    # not a batch (a copy of the table): dropping the old one would cascade to its rows
    op.drop_column("imports", "problems")
