"""imports record where they and their revert were asked from (IP, user agent), for the audit
entries they write; a revert that kept customers can run again, and its partly reverted
customers are counted apart

Revision ID: 0107_import_origin
Revises: 0106_search_pending
Create Date: 2026-12-06

New columns of ``imports``: ``ip`` and ``user_agent`` (the upload's request), ``revert_ip``
and ``revert_user_agent`` (the latest revert's request), ``revert_partly`` (customers a revert
put back in part). Existing data moves to the new states: a row reverted in part (its reason
starts ``partly:``) becomes ``partly`` (it was counted under ``reverted``), and a finished
revert that kept something becomes ``partial`` (it may run again). Both engines; the tables'
row-level security is unchanged, but on PostgreSQL it is FORCEd, which would hide every row
from these updates (no tenant is set while migrating): it is lifted around them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0107_import_origin"
down_revision: str | Sequence[str] | None = "0106_search_pending"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    ("ip", 64),
    ("user_agent", 500),
    ("revert_ip", 64),
    ("revert_user_agent", 500),
)
PARTLY = (
    "SELECT count(DISTINCT r.target_id) FROM import_rows r WHERE r.tenant_id = imports.tenant_id"
    " AND r.import_id = imports.id AND r.revert = 'partly'"
)


def _as_owner(statements: Sequence[str]) -> None:
    """Run data updates over every tenant's rows."""
    postgres = op.get_bind().dialect.name == "postgresql"
    tables = ("imports", "import_rows")
    if postgres:
        for table in tables:
            op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
    for statement in statements:
        op.execute(statement)
    if postgres:
        for table in tables:
            op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")


def upgrade() -> None:
    for name, length in COLUMNS:
        op.add_column("imports", sa.Column(name, sa.String(length=length), nullable=True))
    op.add_column(
        "imports", sa.Column("revert_partly", sa.Integer(), nullable=False, server_default="0")
    )
    _as_owner(
        [
            "UPDATE import_rows SET revert = 'partly'"
            " WHERE revert = 'reverted' AND revert_reason LIKE 'partly:%'",
            f"UPDATE imports SET revert_partly = ({PARTLY}) WHERE revert_state IS NOT NULL",
            "UPDATE imports SET reverted = reverted - revert_partly WHERE revert_partly > 0",
            "UPDATE imports SET revert_state = 'partial'"
            " WHERE revert_state = 'done' AND (revert_kept > 0 OR revert_partly > 0)",
        ]
    )


def downgrade() -> None:
    _as_owner(
        [
            "UPDATE imports SET revert_state = 'done' WHERE revert_state = 'partial'",
            "UPDATE imports SET reverted = reverted + revert_partly WHERE revert_partly > 0",
            "UPDATE import_rows SET revert = 'reverted' WHERE revert = 'partly'",
        ]
    )
    for name in ("revert_partly", *reversed([n for n, _ in COLUMNS])):
        op.drop_column("imports", name)
