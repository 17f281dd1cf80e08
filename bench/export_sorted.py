"""An export's rate by sort order, on SQLite: the first N customers of each order, as records
(exports.service.pages, no file written), from a database of 300,000 generated customers
(bench/data/sortbench.db, made on the first run, about 3 minutes).

    python bench/export_sorted.py [N] [sort ...]    # N = 40,000; sorts: -ltv order_count default
"""

from __future__ import annotations

import sys
import time

from common import prepare

CUSTOMERS = 300_000


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 40_000
    sorts = sys.argv[2:] or ["-ltv", "order_count", "default"]
    prep = prepare("sqlite", "sortbench", CUSTOMERS, reuse=True)
    from rolodex.config import Settings
    from rolodex.db import Database
    from rolodex.exports import service
    from rolodex.search import params

    db = Database(Settings(database_url=prep.url))
    node = params.filter_from_params([])
    for sort in sorts:
        selection = service.Selection(node, None if sort == "default" else sort, n)
        started, rows = time.perf_counter(), 0
        with db.session(prep.tenant_id, write=False) as session:
            for page in service.pages(session, prep.tenant_id, selection):
                rows += len(page)
        took = time.perf_counter() - started
        print(f"sort {sort}: {rows:,} rows in {took:.1f}s, {rows / took:,.0f} rows/s", flush=True)
    db.dispose()


if __name__ == "__main__":
    main()
