"""Planner statistics that keep up with a bulk load (PostgreSQL).

PostgreSQL plans from the statistics ANALYZE gathers, normally autovacuum's. A bulk import
grows a new or small database's tables far faster than autovacuum looks at them (and some
servers run without it): plans made for a nearly empty table stay in the connection, above
all those of the foreign-key checks, and each batch gets slower than the one before (an
import of 20,000 rows into a new database: 110 rows/s, against 900 with fresh statistics).

Every table is shared by the tenants, and the plans for one tenant's rows come from what
the statistics say of its ``tenant_id``. A tenant the last ANALYZE did not see is estimated
at a row or two however many it has, and PostgreSQL then walks an index of the wrong column
for every row (a new tenant's import in a database holding 160,000 customers of others: 72
rows/s, each batch's matching query 20 s instead of 20 ms). So ``Growth`` measures the
tenant's own rows: it refreshes the statistics of the tables a bulk writer fills whenever it
has written as many rows as the tenant held in the first of them at the last refresh (at
least ``FIRST``): log2(N) refreshes for N rows, none for a small import into a large tenant.
The app role may not ANALYZE (only a table's owner may): it calls ``rolodex_analyze``
(migration 0104), which runs as the owner. SQLite plans well without statistics: nothing to
do there.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

log = logging.getLogger("rolodex.stats")

FIRST = 1000  # rows written before the first refresh, for a tenant with fewer rows than this

_ANALYZE = text("SELECT rolodex_analyze(CAST(:t AS text[]))")


class Growth:
    """Counts the rows a bulk writer commits for a tenant; refreshes ``tables`` when the
    tenant's rows in the first of them have doubled."""

    def __init__(self, session: Session, tables: Sequence[str], tenant_id: uuid.UUID) -> None:
        self.session = session
        self.tables = list(tables)
        self.tenant_id = tenant_id
        self.first = FIRST
        self.on = session.get_bind().dialect.name == "postgresql"
        self.pending = 0
        self.size = self._size() if self.on else 0

    def _size(self) -> int:
        """The tenant's rows in the first table."""
        count = text(f'SELECT count(*) FROM "{self.tables[0]}" WHERE tenant_id = :t')
        return int(self.session.execute(count, {"t": self.tenant_id}).scalar() or 0)

    def grew(self, rows: int) -> bool:
        """Count ``rows`` more rows written and committed; True when that refreshed the
        statistics. Call it between transactions: the refresh commits its own."""
        if not self.on:
            return False
        self.pending += rows
        if self.pending < max(self.first, self.size):
            return False
        return self._refresh()

    def _refresh(self) -> bool:
        try:
            self.session.execute(_ANALYZE, {"t": self.tables})
            self.session.commit()
        except DBAPIError:  # statistics only make it faster: never fail the writer for them
            self.session.rollback()
            log.warning("could not refresh the statistics of %s", self.tables, exc_info=True)
            self.on = False
            return False
        self.pending = 0
        self.size = self._size()
        return True
