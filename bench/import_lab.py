"""The import's cost at the end of a 1,000,000-row import, measured in a minute, not half an hour.

    python bench/import_lab.py build   # once: imports the first 980,000 rows (about 30 min)
    python bench/import_lab.py run     # each time: copies that database, imports the last 20,000

(HEAD=200000 TAIL=20000 in the environment: a smaller lab, the 20,000 rows after the first
200,000.)

``build`` splits bench/data/import-1000000.csv (import_bench.make_csv) into its first HEAD rows
and the rest, and imports the head into bench/data/lab-HEAD.db with the import runner, as the
bench's import phase does. ``run`` copies that to bench/data/run.db and imports the tail
into the same tenant: what the last 2% of the benchmark's import does, to profile (py-spy) or
to compare two versions of the code on the same data. SQLite only.

Settings for an experiment, applied to every connection after the app's own pragmas:
CACHE_KB (page cache in KiB), MMAP (bytes memory-mapped) and WAL_PAGES (the WAL's pages
before an automatic checkpoint; SQLite's default is 1,000).
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from common import DATA, fresh_database
from import_bench import import_file, make_csv, tenant

HEAD = int(os.environ.get("HEAD", "980000"))
TAIL = int(os.environ.get("TAIL", "20000"))  # ``run`` imports at most this many of the rest


def _pragmas() -> None:
    """CACHE_KB, MMAP and WAL_PAGES on every SQLite connection, after the app's own settings."""
    from sqlalchemy import event

    import rolodex.db as dbm

    configure = dbm._configure_sqlite

    def patched(engine: Any) -> None:
        configure(engine)

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            if os.environ.get("CACHE_KB"):
                cur.execute(f"PRAGMA cache_size=-{int(os.environ['CACHE_KB'])}")
            if os.environ.get("MMAP"):
                cur.execute(f"PRAGMA mmap_size={int(os.environ['MMAP'])}")
            if os.environ.get("WAL_PAGES"):
                cur.execute(f"PRAGMA wal_autocheckpoint={int(os.environ['WAL_PAGES'])}")
            cur.close()

    dbm._configure_sqlite = patched


def split() -> tuple[Path, Path]:
    source = make_csv(1_000_000)
    head, tail = DATA / f"lab-head-{HEAD}.csv", DATA / f"lab-tail-{HEAD}-{TAIL}.csv"
    if not (head.exists() and tail.exists()):
        # generate.py's rows hold no line breaks: one line is one record
        with source.open() as f, head.open("w") as h, tail.open("w") as t:
            header = f.readline()
            h.write(header)
            t.write(header)
            for i, line in enumerate(f):
                if i >= HEAD + TAIL:
                    break
                (h if i < HEAD else t).write(line)
    return head, tail


def run_import(url: str, tid: uuid.UUID, path: Path, each: bool = False) -> None:
    """Import ``path``; with ``each``, print every batch's own rate as it commits (what a
    run keeps from batch to batch makes later batches cheaper than the first)."""
    marks = {"rows": 0, "at": time.perf_counter()}

    def progress(r: Any) -> None:
        now = time.perf_counter()
        rows, took = r.rows_read - marks["rows"], now - marks["at"]
        marks["rows"], marks["at"] = r.rows_read, now
        print(f"  {r.rows_read:,} rows: this batch {rows / took:,.0f} rows/s", flush=True)

    done, _upload, seconds = import_file(url, tid, path, progress if each else None)
    print(
        f"{done.rows_read:,} rows in {seconds:.1f}s: {done.rows_read / seconds:,.0f} rows/s "
        f"({done.created:,} created, {done.updated:,} updated)",
        flush=True,
    )


def main() -> None:
    if len(sys.argv) != 2 or sys.argv[1] not in ("build", "run"):
        sys.exit(__doc__)
    _pragmas()
    head, tail = split()
    name = f"lab-{HEAD}"  # labs of different sizes side by side
    meta = DATA / f"{name}.json"
    if sys.argv[1] == "build":
        url = fresh_database("sqlite", name)
        db, tid = tenant(url, "lab")
        db.dispose()
        meta.write_text(json.dumps({"tenant_id": str(tid), "head": HEAD}))
        run_import(url, tid, head)
        return
    saved = json.loads(meta.read_text())
    if saved["head"] != HEAD:
        sys.exit(f"{name}.db holds {saved['head']:,} rows: build it again with HEAD={HEAD}")
    copy = DATA / "run.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)
    shutil.copy(DATA / f"{name}.db", copy)
    run_import(f"sqlite:///{copy}", uuid.UUID(saved["tenant_id"]), tail, each=True)


if __name__ == "__main__":
    main()
