"""Dashboard server time at scale: the overview and the customer list with a signed-in user.

    .venv/bin/python bench/dashboard_bench.py --customers 1000000 [--engines sqlite,postgres]
        [--requests 50]

Loads generated customers (bench/common.prepare, reused when a database of that size exists)
into bench/data/dashboard_bench.db and the PostgreSQL database ``dashboard_bench``, signs a
user in through the sign-in form, then times in-process requests (the ASGI app called
directly: server time without the network) of:

- overview: GET / (figures, charts, recent activity);
- list: GET /customers (first page, newest first);
- list_filtered: GET /customers?stage=customer&status=active&sort=-ltv (first page);
- list_search: GET /customers?q=<a name with a typo> (relevance);
- detail: GET /customers/{id}.

The overview's figures come from one pass over the tenant's customers; past 50,000 customers
they are served from analytics.cache (recounted in the background every minute), so the
figures' own cost is reported apart: ``stats_count_ms`` is one full count, ``overview_cold``
the first overview of a process (which pays it). ``cpu_*`` is this process's CPU time per
request: on a busy machine the gap to the wall time is time spent waiting for a CPU (the
PostgreSQL server's own CPU is not in it). Writes bench/results/dashboard.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import RESULTS, prepare, prepare_shared  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import select  # noqa: E402

from rolodex.analytics import stats  # noqa: E402
from rolodex.app import create_app  # noqa: E402
from rolodex.config import Settings  # noqa: E402
from rolodex.db import Database, make_owner_engine  # noqa: E402
from rolodex.migrations.runner import upgrade  # noqa: E402
from rolodex.models import Customer, User  # noqa: E402
from rolodex.tenants import service as tenants  # noqa: E402

NAME = "dashboard_bench"
EMAIL = "bench-owner@example.com"
PASSWORD = "bench password 2025"


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    k = max(0, min(len(xs) - 1, round(p / 100 * (len(xs) - 1))))
    return round(xs[k] * 1000, 1)


def summary(xs: list[float]) -> dict[str, float]:
    return {
        "n": len(xs),
        "p50_ms": pct(xs, 50),
        "p95_ms": pct(xs, 95),
        "max_ms": pct(xs, 100),
        "mean_ms": round(statistics.fmean(xs) * 1000, 1),
    }


def typo(word: str, rnd: random.Random) -> str:
    if len(word) < 5:
        return word
    i = rnd.randrange(1, len(word) - 2)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def signed_in_client(db: Database, settings: Settings, tenant_id: Any) -> TestClient:
    with db.session(tenant_id) as s:
        if s.scalar(select(User.id).where(User.email == EMAIL)) is None:
            tenants.create_user(s, tenant_id, EMAIL, PASSWORD, role="admin")
    client = TestClient(create_app(settings, db), raise_server_exceptions=True)
    page = client.get("/signin").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    r = client.post(
        "/signin",
        data={"email": EMAIL, "password": PASSWORD, "csrf_token": token.group(1)},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    return client


CPU: list[float] = []  # process CPU seconds of each timed request, beside its wall time


def timed(client: TestClient, path: str, n: int) -> list[float]:
    out = []
    for _ in range(n):
        started, cpu = time.perf_counter(), time.process_time()
        r = client.get(path)
        out.append(time.perf_counter() - started)
        CPU.append(time.process_time() - cpu)
        assert r.status_code == 200, (path, r.status_code, r.text[:300])
    return out


def run_engine(
    engine: str, customers: int, requests: int, name: str, shared: bool = False
) -> dict[str, Any]:
    if shared:
        prep = prepare_shared(engine, customers)
    else:
        prep = prepare(engine, name, customers, reuse=True)
    upgrade(make_owner_engine(prep.url), "rolodex_app" if engine == "postgres" else None)
    settings = Settings(
        database_url=prep.url, env="test", log_level="WARNING", rate_limit_api="100000000/minute"
    )
    db = Database(settings)
    with db.session(prep.tenant_id, write=False) as s:
        names = s.scalars(
            select(Customer.last_name)
            .where(Customer.tenant_id == prep.tenant_id, Customer.last_name.isnot(None))
            .limit(200)
        ).all()
        started = time.perf_counter()
        figures = stats.compute(s, prep.tenant_id)
        count_seconds = time.perf_counter() - started
    print(f"  [{engine}] {figures.total_customers:,} live customers; one full count "
          f"{count_seconds * 1000:,.0f} ms", flush=True)  # fmt: skip
    client = signed_in_client(db, settings, prep.tenant_id)
    rnd = random.Random(7)
    out: dict[str, Any] = {
        "customers": figures.total_customers,
        "stats_count_ms": round(count_seconds * 1000, 1),
    }
    cold = timed(client, "/", 1)  # this process's first overview pays the count
    out["overview_cold_ms"] = round(cold[0] * 1000, 1)
    ids = [str(i) for i in prep.ids[:requests]]
    searches = [typo(rnd.choice(names), rnd) for _ in range(requests)] if names else []
    cases: dict[str, list[str]] = {
        "overview": ["/"] * requests,
        "list": ["/customers"] * requests,
        "list_filtered": ["/customers?stage=customer&status=active&sort=-ltv"] * requests,
        "list_search": [f"/customers?q={q}" for q in searches],
        "detail": [f"/customers/{i}" for i in ids],
    }
    for name, paths in cases.items():
        if not paths:
            continue
        timed(client, paths[0], 2)  # warm the path (templates, statement caches)
        times: list[float] = []
        CPU.clear()
        for path in paths:
            times += timed(client, path, 1)
        out[name] = summary(times)
        out[name]["cpu_p50_ms"] = pct(CPU, 50)
        out[name]["cpu_p95_ms"] = pct(CPU, 95)
        print(f"  [{engine}] {name:14s} p50 {out[name]['p50_ms']:8.1f} ms   "
              f"p95 {out[name]['p95_ms']:8.1f} ms   (cpu p50 {out[name]['cpu_p50_ms']} ms)",
              flush=True)  # fmt: skip
    client.close()
    db.dispose()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--out", default="dashboard", help="results file under bench/results/")
    parser.add_argument("--name", default=NAME, help="database name (reused at the same size)")
    parser.add_argument(
        "--shared", action="store_true", help="use dedupe_bench's dataset (common.prepare_shared)"
    )
    args = parser.parse_args()
    results: dict[str, Any] = {
        "what": "dashboard server time (in-process ASGI requests, signed-in admin)",
        "command": " ".join(["bench/dashboard_bench.py", *sys.argv[1:]]),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_average": os.getloadavg(),
        },
        "engines": {},
    }
    for engine in args.engines.split(","):
        results["engines"][engine] = run_engine(
            engine.strip(), args.customers, args.requests, args.name, args.shared
        )
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{args.out}.json"
    path.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
