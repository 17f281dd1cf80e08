"""Webhook ingestion: acknowledged per second (verified, stored, job queued, 200) through the real
app under uvicorn, next to a bare endpoint that only reads the body, in the same run; then
processed per second by `rolodex worker` processes draining that backlog.

    python bench/ingest_bench.py [--duration 8] [--connections 16] [--engines sqlite,postgres]
                                 [--workers 1] [--process-seconds 15] [--customers N (ignored)]

Writes bench/results/ingest.json.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from common import DATA, Server, fresh_database, write_result, wrk

SECRET = "shpss_bench-secret-0123456789abcdef"
FIRST = ["Ada", "Grace", "Alan", "Joan", "Linus", "Barbara", "Ken", "Frances", "Dennis", "Radia"]
LAST = [
    "Lovelace",
    "Hopper",
    "Turing",
    "Clarke",
    "Torvalds",
    "Liskov",
    "Thompson",
    "Allen",
    "Ritchie",
    "Perlman",
    "Hamilton",
    "Dijkstra",
    "Lamarr",
    "Shannon",
    "Knuth",
    "Wirth",
]


def customer(n: int) -> dict[str, Any]:
    cid = 7_000_000_000_000 + n
    first, last = FIRST[n % len(FIRST)], f"{LAST[(n // 10) % len(LAST)]}{n}"
    address = {
        "id": cid + 1,
        "customer_id": cid,
        "first_name": first,
        "last_name": last,
        "address1": f"{n % 900 + 1} Main Street",
        "address2": None,
        "city": "Ottawa",
        "province": "Ontario",
        "province_code": "ON",
        "country": "Canada",
        "country_code": "CA",
        "zip": "K2P 2L8",
        "phone": None,
        "company": None,
        "default": True,
    }
    return {
        "id": cid,
        "email": f"{first}.{last}@example.com".lower(),
        "created_at": "2025-01-10T09:00:00-05:00",
        "updated_at": "2025-01-10T09:00:00-05:00",
        "first_name": first,
        "last_name": last,
        "state": "enabled",
        "note": None,
        "verified_email": True,
        "multipass_identifier": None,
        "tax_exempt": False,
        "currency": "USD",
        "phone": f"+1613{2000000 + n % 7_000_000:07d}",
        "addresses": [address],
        "tax_exemptions": [],
        "admin_graphql_api_id": f"gid://shopify/Customer/{cid}",
        "default_address": address,
    }


def order(n: int, buyer: dict[str, Any]) -> dict[str, Any]:
    oid = 8_000_000_000_000 + n
    item = {
        "id": oid + 1,
        "name": "IPod Nano - 8GB",
        "title": "IPod Nano - 8GB",
        "price": "199.00",
        "quantity": 1,
        "sku": "IPOD2008PINK",
        "vendor": "Apple",
    }
    return {
        "id": oid,
        "admin_graphql_api_id": f"gid://shopify/Order/{oid}",
        "name": f"#{n}",
        "email": buyer["email"],
        "created_at": "2025-02-01T10:00:00-05:00",
        "processed_at": "2025-02-01T10:00:00-05:00",
        "updated_at": "2025-02-01T10:00:00-05:00",
        "currency": "USD",
        "financial_status": "paid",
        "cancelled_at": None,
        "total_price": "199.00",
        "subtotal_price": "199.00",
        "total_tax": "0.00",
        "line_items": [item],
        "refunds": [],
        "customer": {
            k: buyer[k]
            for k in (
                "id",
                "email",
                "first_name",
                "last_name",
                "updated_at",
                "state",
                "default_address",
            )
        },
    }


def hooks_file(path: Path, slug: str, count: int) -> int:
    """``count`` signed deliveries (customers/create and orders/paid pairs); body bytes avg."""
    size = 0
    with path.open("w") as out:
        for n in range(count // 2):
            buyer = customer(n)
            for topic, payload in (("customers/create", buyer), ("orders/paid", order(n, buyer))):
                body = json.dumps(payload, separators=(",", ":"))
                sig = base64.b64encode(
                    hmac.new(SECRET.encode(), body.encode(), hashlib.sha256).digest()
                ).decode()
                out.write(f"/v1/hooks/{slug}/shopify\t{topic}\t{sig}\t{uuid.uuid4()}\t{body}\n")
                size += len(body)
    return size // max(count, 1)


def prepare(engine: str) -> tuple[str, str]:
    from rolodex.config import Settings
    from rolodex.db import Database
    from rolodex.ingest import sources
    from rolodex.tenants import service

    url = fresh_database(engine, "rolodex_bench_ingest")
    settings = Settings(database_url=url)
    db = Database(settings)
    with db.session() as s:
        tenant = service.create_tenant(s, "Bench Shop", slug="bench")
        tid = tenant.id
    with db.session(tid) as s:
        sources.create_source(
            s, tid, "shopify", SECRET, name="shopify", secret_key=settings.secret_key
        )
    db.dispose()
    return url, "bench"


def job_counts(url: str) -> dict[str, int]:
    from rolodex.db import make_owner_engine
    from rolodex.models import Job

    engine = make_owner_engine(url)
    with engine.connect().execution_options(rolodex_write=False) as conn:  # a reader: no lock
        rows = conn.execute(select(Job.state, func.count()).group_by(Job.state)).all()
    engine.dispose()
    return {state: int(n) for state, n in rows}


def analyze(url: str) -> None:
    """What autovacuum does once a table has grown (it is off on the bench's PostgreSQL server:
    without statistics the planner guesses one row per table, and the matcher's blocking query
    becomes a nested loop over every customer of the tenant)."""
    from rolodex.db import make_owner_engine

    engine = make_owner_engine(url)
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
    engine.dispose()


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def process(
    url: str, workers: int, seconds: float, env: dict[str, str], engine: str
) -> dict[str, Any]:
    """Start ``workers`` `rolodex worker` processes on the backlog; jobs done per second over a
    window that starts once they are busy (process start-up is not counted)."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "rolodex.cli.main", "worker", "--poll", "0.05"],
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(workers)
    ]
    try:
        deadline = time.monotonic() + 60
        while job_counts(url).get("done", 0) < 20 * workers and time.monotonic() < deadline:
            time.sleep(0.1)
        if engine == "postgres":
            analyze(url)
        start, done0 = time.monotonic(), job_counts(url).get("done", 0)
        cpu0 = sum(cpu_seconds(p.pid) for p in procs)
        backlog = job_counts(url).get("queued", 0)
        load_at_start = load()
        time.sleep(seconds)
        counts = job_counts(url)
        elapsed = time.monotonic() - start
        cpu = sum(cpu_seconds(p.pid) for p in procs) - cpu0
        processed = counts.get("done", 0) - done0
        return {
            "workers": workers,
            "window_s": round(elapsed, 1),
            "processed": processed,
            "per_s": round(processed / elapsed, 1),
            "worker_cpu_ms_per_job": round(1000 * cpu / max(processed, 1), 2),
            "backlog_at_start": backlog,
            "dead": counts.get("dead", 0),
            "load_average_at_start": load_at_start,
            "analyzed_after_warm_up": engine == "postgres",
        }
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=0, help="ignored (bench/run.py)")
    parser.add_argument("--duration", type=int, default=8)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--workers", type=int, default=1, help="worker processes")
    parser.add_argument("--process-seconds", type=float, default=15)
    parser.add_argument("--hooks", type=int, default=40_000, help="pre-signed deliveries")
    args = parser.parse_args()

    DATA.mkdir(parents=True, exist_ok=True)
    hooks = DATA / "ingest_hooks.tsv"
    size = hooks_file(hooks, "bench", args.hooks)
    body_file = DATA / "ingest_body.json"
    body_file.write_text(json.dumps(customer(1), separators=(",", ":")))
    with Server("ingest_bare_app:app") as bare:
        bare.wait("/bare")
        load_at_start = load()
        ceiling = wrk(
            bare.base,
            "post_body.lua",
            {"BENCH_PATH": "/bare", "BENCH_BODY_FILE": str(body_file)},
            args.duration,
            args.connections,
        )
    ceiling["load_average_at_start"] = load_at_start
    print(f"bare endpoint (reads the body): {ceiling['rps']:,} req/s, p50 {ceiling['p50_ms']} ms")
    results: dict[str, Any] = {}
    for engine in args.engines.split(","):
        url, slug = prepare(engine)
        env = {
            "ROLODEX_DATABASE_URL": url,
            "ROLODEX_LOG_LEVEL": "WARNING",
            "ROLODEX_EMBEDDED_WORKER": "0",
            "ROLODEX_RATE_LIMIT_HOOKS": "1000000000/minute",
        }
        with Server("rolodex.app:create_app", env=env, factory=True) as app:
            app.wait("/readyz")
            load_at_start, cpu0 = load(), cpu_seconds(app.proc.pid)
            ack = wrk(
                app.base,
                "signed_hooks.lua",
                {"BENCH_HOOKS_FILE": str(hooks)},
                args.duration,
                args.connections,
            )
            ack["server_cpu_ms_per_request"] = round(
                1000 * (cpu_seconds(app.proc.pid) - cpu0) / max(ack["requests"], 1), 3
            )
            ack["load_average_at_start"] = load_at_start
        counts = job_counts(url)
        stored = sum(counts.values())
        ack["stored"] = stored
        ack["ratio_to_bare"] = round(ack["rps"] / ceiling["rps"], 3)
        print(
            f"[{engine}] acknowledged: {ack['rps']:,}/s (x{ack['ratio_to_bare']} of bare), "
            f"p50 {ack['p50_ms']} ms, p99 {ack['p99_ms']} ms, non-2xx {ack['non_2xx']}, "
            f"stored {stored}, {ack['server_cpu_ms_per_request']} ms server CPU per request"
        )
        done = process(url, args.workers, args.process_seconds, env, engine)
        print(
            f"[{engine}] processed: {done['per_s']:,}/s with {done['workers']} worker "
            f"process(es) ({done['processed']} in {done['window_s']} s, dead {done['dead']}, "
            f"{done['worker_cpu_ms_per_job']} ms CPU per job)"
        )
        results[engine] = {"acknowledged": ack, "processed": done}
    path = write_result(
        "ingest",
        {
            "duration_s": args.duration,
            "connections": args.connections,
            "body_bytes_avg": size,
            "mix": "customers/create and orders/paid pairs, Shopify-signed, unique webhook ids",
            "server": "uvicorn, 1 process, no embedded worker; load from wrk -t1 on loopback",
            "ack_path": "group commit: one writer thread stores waiting deliveries in one "
            "transaction; each request answered after that commit",
            "processing": "`rolodex worker` (claims 50 at a time): claimed jobs share "
            "transactions of up to 0.1 s with no SAVEPOINT between them (run again, one "
            "SAVEPOINT per job, when one fails); marks, orders and linked customers read "
            "ahead; the jobs' changes, audit entries and completions written at commit, in "
            "one flush",
            "runtime": "server and workers with the garbage collector's thresholds at "
            "20000/50/100 (rolodex.kit.runtime)",
            "note": "a 2-core machine: see the load averages; CPU per request/job is the "
            "steadier figure",
            "load_average_at_end": load(),
            "bare_endpoint": ceiling,
            "engines": results,
        },
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
