"""Import and export throughput at N customers, on SQLite and PostgreSQL.

    python bench/import_bench.py --customers 1000000 [--engines sqlite,postgres]

1. Writes N generated customers (rolodex.demo.synth, ~8% near-duplicates, the columns of
   bench/generate.py) to bench/data/import-N.csv, once.
2. Ceiling: the same CSV rows inserted with plain SQLAlchemy Core executemany (customers, tags,
   addresses, sources; no validation, no matching, no audit) into a fresh database, committed
   every 5,000 rows. The search triggers fire as for any writer. Its rows get the app's ids
   (``kit.ids.new_id``, time-ordered), as the import's do.
   On PostgreSQL this gets an ANALYZE whenever its rows have doubled (``Analyzer``), its time
   left out: autovacuum is off on this machine, and without statistics a bulk load is
   quadratic. The import refreshes its statistics itself (``kit.stats.Growth``), in its time.
3. Import: the CSV stored as an upload and run by the import runner in this process, exactly
   as the worker runs it (the garbage collector set as a worker sets it): per-row validation,
   matching (external key record_id, email, phone, name), audit entries, report rows, batches
   of 2,000 committed with progress (BATCH_ROWS in the environment: another size, for an
   experiment).
4. Export: the imported tenant streamed as CSV and as NDJSON by a child process writing to
   /dev/null; rows/s, the child's peak RSS (VmHWM of the exporting process itself, which on
   SQLite includes the database file pages read through its memory map) and its peak
   anonymous memory (RssAnon sampled after every page: what the export itself holds); and
   the same figures for the same child doing nothing.

Results: bench/results/import.json.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import resource
import subprocess
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

from common import DATA, RESULTS, fresh_database, write_result
from generate import COLUMNS, row

BATCH = 5000


def make_csv(n: int) -> Path:
    from rolodex.demo.synth import generate_people

    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / f"import-{n}.csv"
    if path.exists() and path.stat().st_size > 0:
        return path
    started = time.perf_counter()
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        for rec in generate_people(n, 42, now=None):
            writer.writerow(row(rec))
    tmp.rename(path)
    took = time.perf_counter() - started
    print(f"  wrote {path} ({path.stat().st_size / 1e6:.0f} MB) in {took:.0f}s")
    return path


def tenant(url: str, slug: str) -> tuple[Any, uuid.UUID]:
    from rolodex.config import Settings
    from rolodex.db import Database
    from rolodex.tenants import service

    db = Database(Settings(database_url=url))
    with db.session() as s:
        tid = service.create_tenant(s, "Bench Shop", slug=slug).id
    return db, tid


class Analyzer:
    """PostgreSQL: ANALYZE the database whenever the loaded rows have doubled since the last
    time, standing in for autovacuum (off on this machine: 90-ci.conf). Without statistics
    the planner takes a tenant for a few rows and the foreign-key checks' cached plans scan
    the parent table, so every bulk load turns quadratic. Not timed as load work."""

    def __init__(self, engine: str, url: str) -> None:
        self.url = url if engine == "postgres" else None
        self.next = 1000
        self.seconds = 0.0

    def __call__(self, rows: int) -> None:
        if self.url is None or rows < self.next:
            return
        from rolodex.db import make_owner_engine

        started = time.perf_counter()
        owner = make_owner_engine(self.url).execution_options(isolation_level="AUTOCOMMIT")
        with owner.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
        owner.dispose()
        self.seconds += time.perf_counter() - started
        self.next = rows * 2


def ceiling(engine: str, path: Path, n: int) -> dict[str, Any]:
    """Plain executemany of the CSV's rows: the most an import could do on this database.
    Committed every BATCH rows, as the import commits every batch."""
    from rolodex.kit.ids import new_id  # the ids the app gives new rows
    from rolodex.models import Address, Customer, CustomerSource, CustomerTag

    url = fresh_database(engine, f"import_ceiling_{engine}")
    db, tid = tenant(url, "ceiling")
    analyze = Analyzer(engine, url)
    tables = [t.__table__ for t in (Customer, CustomerTag, Address, CustomerSource)]
    inserting = 0.0
    loaded = 0
    started = time.perf_counter()
    with path.open(newline="", encoding="utf-8") as f, db.engine.connect() as conn:

        def flush() -> float:
            nonlocal loaded
            t0 = time.perf_counter()
            loaded += len(batch[0])
            if engine == "postgres":
                conn.exec_driver_sql(f"SELECT set_config('app.tenant_id', '{tid}', true)")
            _flush(conn, tables, batch)
            conn.commit()
            took = time.perf_counter() - t0
            analyze(loaded)
            return took

        reader = csv.DictReader(f)
        batch: list[list[dict[str, Any]]] = [[], [], [], []]
        seen: set[str] = set()
        for rec in reader:
            cid = new_id()
            batch[0].append(ceiling_customer(rec, tid, cid, seen))
            batch[1] += [
                {"tenant_id": tid, "customer_id": cid, "tag": t}
                for t in dict.fromkeys(filter(None, rec["tags"].split("|")))
            ]
            batch[2].append(
                {
                    "tenant_id": tid,
                    "id": new_id(),
                    "customer_id": cid,
                    "line1": rec["line1"],
                    "city": rec["city"],
                    "region": rec["region"],
                    "postcode": rec["postcode"],
                    "country": rec["country"],
                    "is_default": True,
                }
            )
            batch[3].append(
                {
                    "tenant_id": tid,
                    "id": new_id(),
                    "customer_id": cid,
                    "source": "import",
                    "external_id": rec["record_id"],
                }
            )
            if len(batch[0]) >= BATCH:
                inserting += flush()
        inserting += flush()
    total = time.perf_counter() - started - analyze.seconds
    db.dispose()
    return {
        "rows": n,
        "insert_seconds": round(inserting, 2),
        "rows_per_second": round(n / inserting, 1),
        "with_csv_parsing_rows_per_second": round(n / total, 1),
        "analyze_seconds": round(analyze.seconds, 2),
    }


def ceiling_customer(
    rec: dict[str, str], tid: uuid.UUID, cid: uuid.UUID, seen: set[str]
) -> dict[str, Any]:
    """The ceiling's customer row for a CSV record. A live email is unique: one already in
    ``seen`` (lowercased) is left out, as load.py does."""
    email = rec["email"] or None
    if email and email.lower() in seen:
        email = None
    elif email:
        seen.add(email.lower())
    return {
        "tenant_id": tid,
        "id": cid,
        "email": email,
        "email_normalized": email.lower() if email else None,
        "phone": rec["phone"] or None,
        "first_name": rec["first_name"] or None,
        "last_name": rec["last_name"] or None,
        "company": rec["company"] or None,
        "lifecycle_stage": rec["lifecycle_stage"],
        "status": rec["status"],
        "customer_type": rec["customer_type"],
        "attributes": {},
        "ltv": Decimal(rec["ltv"] or "0"),
    }


def _flush(conn: Any, tables: list[Any], batch: list[list[dict[str, Any]]]) -> float:
    from sqlalchemy import insert

    started = time.perf_counter()
    for table, rows in zip(tables, batch, strict=True):
        if rows:
            conn.execute(insert(table), rows)
            rows.clear()
    return time.perf_counter() - started


def import_file(
    url: str, tid: uuid.UUID, path: Path, progress: Any = None
) -> tuple[Any, float, float]:
    """``path`` stored as an upload and run by the import runner in this process, as the
    worker runs it: the finished run, the upload's seconds and the import's seconds."""
    from rolodex.auth.roles import Principal
    from rolodex.config import Settings
    from rolodex.db import Database
    from rolodex.imports import runner, service
    from rolodex.imports.schemas import ImportOptions

    db = Database(Settings(database_url=url))
    principal = Principal(tid, "admin", "system", "bench", "import bench")
    started = time.perf_counter()
    with db.session(tid) as s, path.open("rb") as f:
        run = service.create_import(
            s,
            principal,
            f,
            path.stat().st_size,
            path.name,
            "text/csv",
            ImportOptions(),
            run_after=None,
        )
        run_id = run.id
    upload = time.perf_counter() - started
    t0 = time.perf_counter()
    with db.session(tid) as s:
        rows = int(os.environ.get("BATCH_ROWS", runner.BATCH_ROWS))  # an experiment's batch
        done = runner.run_import(s, tid, run_id, runner="bench", progress=progress, batch_rows=rows)
    seconds = time.perf_counter() - t0
    db.dispose()
    assert done is not None
    assert done.state == "done", done.error
    return done, upload, seconds


def run_import(engine: str, path: Path, n: int) -> tuple[dict[str, Any], str, uuid.UUID]:
    from rolodex.imports import runner

    url = fresh_database(engine, f"import_bench_{engine}")
    db, tid = tenant(url, "bench")
    db.dispose()
    step = max(n // 10, runner.BATCH_ROWS)
    marks = {"next": step, "t0": time.perf_counter()}

    def progress(r: Any) -> None:
        if r.rows_read >= marks["next"]:
            marks["next"] += step
            rate = r.rows_read / (time.perf_counter() - marks["t0"])
            print(f"  [{engine}] imported {r.rows_read:,}/{n:,} ({rate:,.0f} rows/s)", flush=True)

    done, upload, seconds = import_file(url, tid, path, progress)
    result = {
        "rows": done.rows_read,
        "upload_seconds": round(upload, 2),
        "seconds": round(seconds, 2),
        "rows_per_second": round(done.rows_read / seconds, 1),
        "created": done.created,
        "updated": done.updated,
        "unchanged": done.unchanged,
        "skipped": done.skipped,
        "failed": done.failed,
    }
    return result, url, tid


def export_child(url: str, tid: str, fmt: str, idle: bool) -> None:
    """In a child process: stream one export to /dev/null; print rows, seconds, peak RSS."""
    from rolodex.config import Settings
    from rolodex.db import Database
    from rolodex.exports import service
    from rolodex.search import filters

    db = Database(Settings(database_url=url))
    counted = {"rows": 0, "anon_kb": _status_kb("RssAnon")}

    def on_page(k: int) -> None:
        counted["rows"] += k
        counted["anon_kb"] = max(counted["anon_kb"], _status_kb("RssAnon"))

    started = time.perf_counter()
    if not idle:
        with open("/dev/null", "wb") as sink:
            for piece in service.stream(
                db, uuid.UUID(tid), fmt, service.Selection(filters.TRUE), on_page
            ):
                sink.write(piece)
                counted["anon_kb"] = max(counted["anon_kb"], _status_kb("RssAnon"))
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "rows": counted["rows"],
                "seconds": seconds,
                "peak_rss_mb": _peak_kb() / 1024,
                # VmHWM counts the pages of the SQLite file the export read through its memory
                # map (mmap_size): file pages, not the process's own memory. Its own (anonymous)
                # memory, sampled after every page and piece:
                "peak_anon_mb": counted["anon_kb"] / 1024,
            }
        )
    )


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _peak_kb() -> int:
    """This process's peak resident memory. VmHWM starts afresh at exec; ru_maxrss does not
    (Linux keeps the parent's high-water mark across execve), so it is only the fallback."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def run_export(url: str, tid: uuid.UUID, fmt: str, idle: bool = False) -> dict[str, Any]:
    args = [sys.executable, __file__, "--export-child", url, str(tid), fmt]
    out = subprocess.run(
        args + (["--idle"] if idle else []),
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parent,
    ).stdout
    found = json.loads(out.strip().splitlines()[-1])
    if not idle:
        found["rows_per_second"] = round(found["rows"] / found["seconds"], 1)
    found["seconds"] = round(found["seconds"], 2)
    found["peak_rss_mb"] = round(found["peak_rss_mb"], 1)
    found["peak_anon_mb"] = round(found["peak_anon_mb"], 1)
    return found


def remeasure_exports(engines: list[str]) -> None:
    from sqlalchemy import text

    from common import pg_url
    from rolodex.db import make_owner_engine

    results = {
        k: v for k, v in json.loads((RESULTS / "import.json").read_text()).items() if k != "machine"
    }
    for engine in engines:
        name = f"import_bench_{engine}"
        url = f"sqlite:///{DATA / (name + '.db')}" if engine == "sqlite" else pg_url(name)
        owner = make_owner_engine(url)
        with owner.connect() as conn:
            tid = uuid.UUID(
                str(conn.execute(text("SELECT id FROM tenants WHERE slug = 'bench'")).scalar())
            )
        owner.dispose()
        exports = {fmt: run_export(url, tid, fmt) for fmt in ("csv", "ndjson", "xlsx", "vcard")}
        exports["idle_child"] = run_export(url, tid, "csv", idle=True)
        print(f"  {engine} export {exports}", flush=True)
        results[engine]["export"] = exports
        write_result("import", results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--export-child", nargs=3, metavar=("URL", "TENANT", "FORMAT"))
    parser.add_argument("--idle", action="store_true")
    parser.add_argument(
        "--exports-only",
        action="store_true",
        help="measure the exports again on the databases of the last run",
    )
    args = parser.parse_args()
    if args.export_child:
        export_child(*args.export_child, idle=args.idle)
        return
    from rolodex.kit import runtime

    runtime.tune_gc()  # the import runs here as in a worker or `rolodex import`
    if args.exports_only:
        remeasure_exports(args.engines.split(","))
        return
    n = args.customers
    path = make_csv(n)
    results: dict[str, Any] = {}
    previous = RESULTS / "import.json"
    if previous.exists():  # engines run separately (and at other sizes) keep their figures
        results = {k: v for k, v in json.loads(previous.read_text()).items() if k != "machine"}
    for engine in args.engines.split(","):
        print(f"== {engine}: ceiling (plain executemany)", flush=True)
        load_at_start = [round(x, 2) for x in os.getloadavg()]
        top = ceiling(engine, path, n)
        print(f"  {top}", flush=True)
        print(f"== {engine}: import with matching", flush=True)
        imported, url, tid = run_import(engine, path, n)
        print(f"  {imported}", flush=True)
        exports = {fmt: run_export(url, tid, fmt) for fmt in ("csv", "ndjson", "xlsx", "vcard")}
        exports["idle_child"] = run_export(url, tid, "csv", idle=True)
        print(f"  export {exports}", flush=True)
        results[engine] = {
            "customers": n,
            "file_mb": round(path.stat().st_size / 1e6, 1),
            "load_average": {  # 2 cores: above 1, something else ran meanwhile
                "at_start": load_at_start,
                "at_end": [round(x, 2) for x in os.getloadavg()],
            },
            "ceiling_executemany": top,
            "import": imported,
            "import_share_of_ceiling": round(
                imported["rows_per_second"] / top["rows_per_second"], 3
            ),
            "export": exports,
        }
        write_result("import", results)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    io.DEFAULT_BUFFER_SIZE = 1 << 16
    main()
