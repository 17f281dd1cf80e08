"""The import's rate into an empty tenant, in a quarter of a minute: the first N rows of the
benchmark's CSV (import_bench.make_csv) into a fresh SQLite database, run as the worker runs
it. To compare two versions of the code on this machine, run it with each, back to back.

    python bench/import_empty.py [N]      # N rows, 20,000 by default
"""

from __future__ import annotations

import sys

from common import fresh_database
from import_bench import import_file, make_csv, tenant


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    path = make_csv(n)
    url = fresh_database("sqlite", "import_empty")
    db, tid = tenant(url, "empty")
    db.dispose()
    done, _upload, seconds = import_file(url, tid, path)
    print(
        f"{done.rows_read:,} rows in {seconds:.1f}s: {done.rows_read / seconds:,.0f} rows/s "
        f"({done.created:,} created, {done.updated:,} updated)",
        flush=True,
    )


if __name__ == "__main__":
    main()
