"""name keys are computed again where a whole name part is a title word ("Don", "Herr",
"Miss"): such a part is now kept as a name (normalize._part_tokens), where it was dropped

Revision ID: 0109_name_key_titles
Revises: 0108_postcode_key
Create Date: 2026-12-05

Before, "Don Johnson" was keyed as "Johnson" alone, so matching never met Donald Johnson and
met every other Johnson; a stored key left as it was would no longer be found by the matcher,
which computes the new one. Every customer's key is read and the ones that differ from
``normalize.name_key`` are written (what ``identity.keys.backfill`` does for one tenant, over
all of them). On PostgreSQL the customers table's FORCEd row-level security, which would hide
every row (no tenant is set while migrating), is lifted around it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from rolodex.identity.normalize import name_key

revision: str = "0109_name_key_titles"
down_revision: str | Sequence[str] | None = "0108_postcode_key"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PAGE = 5_000


def upgrade() -> None:
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    if postgres:
        op.execute("ALTER TABLE customers NO FORCE ROW LEVEL SECURITY")
    customers = sa.table(
        "customers",
        sa.column("tenant_id"),
        sa.column("id"),
        sa.column("first_name"),
        sa.column("last_name"),
        sa.column("name_key"),
    )
    c = customers.c
    update = (
        customers.update()
        .where(c.tenant_id == sa.bindparam("t"), c.id == sa.bindparam("cid"))
        .values(name_key=sa.bindparam("nk"))
    )
    page = (
        sa.select(c.tenant_id, c.id, c.first_name, c.last_name, c.name_key)
        .order_by(c.tenant_id, c.id)
        .limit(PAGE)
    )
    primary = sa.tuple_(c.tenant_id, c.id)
    after: tuple[object, object] | None = None
    while True:  # in pages along the primary key: a million customers are not held at once
        query = page if after is None else page.where(primary > sa.tuple_(*after))
        rows = bind.execute(query).all()
        if not rows:
            break
        after = (rows[-1][0], rows[-1][1])
        stale = [
            {"t": tid, "cid": rid, "nk": new}
            for tid, rid, first, last, old in rows
            if (new := name_key(first, last)) != old
        ]
        if stale:
            bind.execute(update, stale)
    if postgres:
        op.execute("ALTER TABLE customers FORCE ROW LEVEL SECURITY")


def downgrade() -> None:
    """Nothing to undo: the keys are what the code of this revision computes; an older
    revision's code repairs them back with `rolodex dedupe keys`."""
