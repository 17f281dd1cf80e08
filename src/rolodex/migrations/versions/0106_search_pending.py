"""PostgreSQL: the search index's GIN indexes take new entries in a short pending list, and
``rolodex_search_flush()`` moves them into the index in bulk, which a bulk import calls after
each batch

Revision ID: 0106_search_pending
Revises: 0105_phone_key_live
Create Date: 2026-12-05

0003 built ``ix_customer_search_doc`` and the email and phone trigram indexes with fastupdate
off: a pending list (entries waiting to be merged) is read in full by every search, and with
the default 4 MB limit an import left one that made searches take 7 ms instead of 0.1 ms.
But with fastupdate off every new customer inserts its words and some 30 trigrams into the
trees one by one: 225 µs of the 255 µs that PostgreSQL spent on each customer an import
inserted (``EXPLAIN ANALYZE``, 5,000 rows), four fifths of it in the two trigram indexes.

Now the three indexes keep a pending list of at most 256 kB (some 200 to 700 customers),
merged when it fills, and the import merges it at the end of every batch: the same 5,000
customers cost 110 µs each, the merge included. A search reads a full list in about 0.3 ms
more (an email substring: 0.40 ms, against 0.08 ms once merged). Only the
index's owner may merge a pending list on demand, and the app role owns nothing: the
function is SECURITY DEFINER, owned by the migrating role, and merges these three indexes
only. SQLite: nothing to do (its search index is not GIN).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0106_search_pending"
down_revision: str | Sequence[str] | None = "0105_phone_key_live"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    "ix_customer_search_doc",
    "ix_customer_search_email_trgm",
    "ix_customer_search_phone_trgm",
)
PENDING_KB = 256

FLUSH_FUNCTION = f"""
CREATE OR REPLACE FUNCTION rolodex_search_flush()
RETURNS bigint
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public AS $$
  SELECT {" + ".join(f"gin_clean_pending_list('public.{name}'::regclass)" for name in INDEXES)}
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in INDEXES:
        op.execute(
            f"ALTER INDEX {name} SET (fastupdate = on, gin_pending_list_limit = {PENDING_KB})"
        )
    op.execute(FLUSH_FUNCTION)
    op.execute("REVOKE ALL ON FUNCTION rolodex_search_flush() FROM PUBLIC")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP FUNCTION IF EXISTS rolodex_search_flush()")
    for name in INDEXES:
        op.execute(f"ALTER INDEX {name} RESET (gin_pending_list_limit)")
        op.execute(f"ALTER INDEX {name} SET (fastupdate = off)")
