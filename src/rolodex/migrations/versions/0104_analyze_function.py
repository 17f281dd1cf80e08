"""PostgreSQL: ``rolodex_analyze(tables)``, which lets the app role refresh the planner's
statistics of the tables a bulk import fills

Revision ID: 0104_analyze_function
Revises: 0103_name_key_live
Create Date: 2026-12-05

Only a table's owner may ANALYZE it, and the app role owns nothing. Without statistics a
table that grew from empty keeps the plans made for it when it was small: the foreign-key
checks of ``customer_tags``, ``customer_addresses`` and ``customer_sources`` walked the
tenant's customers row by row, and an import into a new database fell to 110 rows/s at
20,000 rows until autovacuum (off on some servers) analyzed it. ``kit.stats`` calls this
function as an import grows the tables. SECURITY DEFINER, owned by the migrating role; it
analyzes only tables of the public schema, named one by one. SQLite: nothing to do.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0104_analyze_function"
down_revision: str | Sequence[str] | None = "0103_name_key_live"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ANALYZE_FUNCTION = """
CREATE OR REPLACE FUNCTION rolodex_analyze(p_tables text[])
RETURNS integer
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public AS $$
DECLARE
  t text;
  done integer := 0;
BEGIN
  FOREACH t IN ARRAY p_tables LOOP
    IF EXISTS (
      SELECT 1 FROM pg_tables WHERE schemaname = 'public' AND tablename = t
    ) THEN
      EXECUTE format('ANALYZE public.%I', t);
      done := done + 1;
    END IF;
  END LOOP;
  RETURN done;
END
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(ANALYZE_FUNCTION)
        op.execute("REVOKE ALL ON FUNCTION rolodex_analyze(text[]) FROM PUBLIC")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS rolodex_analyze(text[])")
