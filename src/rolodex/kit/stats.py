"""Planner statistics that keep up with a bulk load (PostgreSQL).

PostgreSQL plans from the statistics ANALYZE gathers, normally autovacuum's. A bulk import
grows a new or small database's tables far faster than autovacuum looks at them (and some
servers run without it): plans made for a nearly empty table stay in the connection, above
all those of the foreign-key checks, and each batch gets slower than the one before (an
import of 20,000 rows into a new database: 110 rows/s, against 900 with fresh statistics).

``Growth`` refreshes the statistics of the tables a bulk writer fills whenever it has written
as many rows as the first of them held when last analyzed: log2(N) refreshes for N rows, none
for a small import into a large table. The app role may not ANALYZE (only a table's owner
may): it calls ``rolodex_analyze`` (migration 0104), which runs as the owner. SQLite plans
well without statistics: nothing to do there.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

log = logging.getLogger("rolodex.stats")

FIRST = 1000  # rows written before the first refresh of a table that was never analyzed

_SIZE = text("SELECT reltuples FROM pg_class WHERE oid = to_regclass(:t)")
_ANALYZE = text("SELECT rolodex_analyze(CAST(:t AS text[]))")


class Growth:
    """Counts the rows a bulk writer commits; refreshes ``tables`` when they have doubled."""

    def __init__(self, session: Session, tables: Sequence[str]) -> None:
        self.session = session
        self.tables = list(tables)
        self.first = FIRST
        self.on = session.get_bind().dialect.name == "postgresql"
        self.pending = 0
        self.size = self._size() if self.on else 0

    def _size(self) -> int:
        """The first table's rows at its last analysis (reltuples is -1 before the first)."""
        n = self.session.execute(_SIZE, {"t": self.tables[0]}).scalar()
        return max(int(n or 0), 0)

    def grew(self, rows: int) -> bool:
        """Count ``rows`` more rows written and committed; True when that refreshed the
        statistics. Call it between transactions: the refresh commits its own."""
        if not self.on:
            return False
        self.pending += rows
        if self.pending < max(self.first, self.size):
            return False
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
