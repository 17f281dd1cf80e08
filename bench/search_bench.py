"""Search and list latency at scale, on SQLite and PostgreSQL, through the service functions
and, in the same run, the raw index query that answers each one.

    .venv/bin/python bench/search_bench.py --customers 1000000 [--engines sqlite,postgres]
        [--queries 300] [--reuse]

Loads generated customers (rolodex.demo.synth + rolodex.demo.load, the search index kept by
its triggers as in production) into bench/data/search_bench.db and the PostgreSQL database
``search_bench``, then measures p50/p95/p99 of:

- typo: a name with one typo ("jhon smiht"-like) through search.service (relevance), and raw:
  the typo-key lookup plus the FTS5 / tsvector match of the expanded words;
- surname: a last name alone ("smith": thousands match at a million), the same two paths;
- email_prefix: the first characters of an email, and raw: the B-tree range on the index;
- phone: a phone number written as people write it, and raw: the index lookup by digits;
- list3: three filters (stage, status, country) sorted by LTV, first page of 50, and raw:
  the same SQL without the Python around it.

``service_cpu`` is this process's CPU time for the service call: on a busy machine the gap
between it and the wall time is time spent waiting for a CPU. Writes bench/results/search.json
(or --out; ``--merge a.json b.json`` joins runs made separately per engine).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import RESULTS, Prepared, prepare, prepare_shared  # noqa: E402
from sqlalchemy import select, text  # noqa: E402

from rolodex.config import Settings  # noqa: E402
from rolodex.customers import repository as customers  # noqa: E402
from rolodex.db import Database  # noqa: E402
from rolodex.demo.load import customer_id_for  # noqa: E402
from rolodex.models import Customer  # noqa: E402
from rolodex.search import conditions, service  # noqa: E402
from rolodex.search import repository as index  # noqa: E402
from rolodex.search import text as stext  # noqa: E402
from rolodex.search.params import filter_from_params  # noqa: E402

NAME = "search_bench"


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    k = max(0, min(len(xs) - 1, round(p / 100 * (len(xs) - 1))))
    return round(xs[k] * 1000, 2)


def summary(xs: list[float]) -> dict[str, float]:
    return {
        "n": len(xs),
        "p50_ms": pct(xs, 50),
        "p95_ms": pct(xs, 95),
        "p99_ms": pct(xs, 99),
        "mean_ms": round(statistics.fmean(xs) * 1000, 2),
    }


def typo(word: str, rnd: random.Random) -> str:
    """One edit a person makes: swap two neighbours, drop or double a letter."""
    if len(word) < 4:
        return word
    i = rnd.randrange(1, len(word) - 1)
    kind = rnd.choice(["swap", "drop", "double"])
    if kind == "swap" and word[i] != word[i + 1]:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def phone_as_typed(e164: str, rnd: random.Random) -> str:
    d = e164.lstrip("+")
    if d.startswith("1") and len(d) == 11:
        return rnd.choice(
            [
                f"({d[1:4]}) {d[4:7]}-{d[7:]}",
                f"{d[1:4]}.{d[4:7]}.{d[7:]}",
                f"{d[1:4]} {d[4:7]} {d[7:]}",
            ]
        )
    return "+" + " ".join([d[:2], d[2:5], d[5:8], d[8:]])


def samples(
    db: Database, tenant_id: uuid.UUID, total: int, n: int, seed: int
) -> list[dict[str, Any]]:
    """Random loaded customers with a name, an email and a phone (by their known ids)."""
    rnd = random.Random(seed)
    rows: list[dict[str, Any]] = []
    cols = (Customer.id, Customer.first_name, Customer.last_name, Customer.email_normalized,
            Customer.phone_e164)  # fmt: skip
    with db.session(tenant_id, write=False) as s:
        for record_id in rnd.sample(range(1, total + 1), min(total, n * 3)):
            cid = customer_id_for(tenant_id, record_id)
            r = s.execute(
                select(*cols).where(
                    Customer.tenant_id == tenant_id,
                    Customer.id == cid,
                    Customer.deleted_at.is_(None),
                )
            ).first()
            if r and r.first_name and r.last_name and r.email_normalized and r.phone_e164:
                rows.append(r._asdict())
            if len(rows) >= n:
                break
    return rows


def timed(fn: Any, *args: Any) -> tuple[float, Any]:
    t = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - t, out


def fetch(session: Any, stmt: Any) -> list[Any]:
    return list(session.execute(stmt).all())


def prepare_bulk(engine: str, n: int) -> tuple[str, uuid.UUID]:
    """Load with the per-row index triggers off, then rebuild the index set-based (the same
    SQL as the triggers: search.rebuild). SQLite only; much faster on a busy machine."""
    from bench.common import fresh_database

    from rolodex.db import make_owner_engine
    from rolodex.demo.load import load_people
    from rolodex.demo.synth import generate_people
    from rolodex.search.rebuild import drop_customer_triggers, rebuild
    from rolodex.tenants import service as tenants

    url = fresh_database(engine, NAME)
    db = Database(Settings(database_url=url))
    with db.session() as s:
        tid = tenants.create_tenant(s, "Bench Shop", slug="bench").id
    db.dispose()
    owner = make_owner_engine(url)
    started = time.monotonic()

    def progress(done: int) -> None:
        if done % 100_000 == 0 or done == n:
            print(f"  [{engine}] loaded {done:,} ({done / (time.monotonic() - started):,.0f}/s)",
                  flush=True)  # fmt: skip

    with owner.begin() as conn:
        drop_customer_triggers(conn)
        load_people(conn, tid, generate_people(n, seed=42), on_progress=progress)
        t = time.monotonic()
        rebuild(conn, tid)
        print(f"  [{engine}] index rebuilt in {time.monotonic() - t:,.0f} s", flush=True)
        conn.exec_driver_sql("ANALYZE")
    owner.dispose()
    return url, tid


def run_engine(
    engine: str, n: int, queries: int, reuse: bool, bulk: bool, shared: bool = False
) -> dict[str, Any]:
    t0 = time.monotonic()
    if shared:
        prepared = prepare_shared(engine, n)
        reuse = True
    elif bulk:
        url, tenant_id = prepare_bulk(engine, n)
        prepared = Prepared(engine, url, tenant_id, "", [])
    else:
        prepared = prepare(engine, NAME, n, reuse=reuse)
    load_s = time.monotonic() - t0
    settings = Settings(database_url=prepared.url, db_app_role="rolodex_app")
    db = Database(settings)
    tid = prepared.tenant_id
    if engine == "sqlite" and not reuse:
        with db.engine.begin() as conn:  # merge FTS segments once after the bulk load
            for fts in ("customer_search_fts", "customer_search_tri"):
                conn.exec_driver_sql(f"INSERT INTO {fts}({fts}) VALUES ('optimize')")
    rnd = random.Random(7)
    # The warm-up pass runs other customers' queries than the measured one: it warms the
    # database pages and statement caches, not the answers (word costs are memoized).
    both = samples(db, tid, n, 2 * queries, 11)
    warmup, people = both[:queries], both[queries:]
    results: dict[str, dict[str, list[float]]] = {}
    quality = {"typo_top1_same_name": 0, "typo_top10_target": 0, "phone_top1_target": 0,
               "email_prefix_found": 0, "queries": len(people)}  # fmt: skip

    def record(kind: str, path: str, dt: float) -> None:
        results.setdefault(kind, {}).setdefault(path, []).append(dt)

    countries = ["US", "GB", "DE", "ES", "MX", "CA", "AU", "NL", "IT", "FR"]
    for warm, group in ((True, warmup), (False, people)):
        for p in group:
            first, last = p["first_name"], p["last_name"]
            words = stext.tokens(f"{first} {last}")
            longest = max(range(len(words)), key=lambda i: len(words[i]))
            q = " ".join(typo(w, rnd) if i == longest else w for i, w in enumerate(words))
            email_q = p["email_normalized"][: max(4, min(10, p["email_normalized"].index("@")))]
            phone_q = phone_as_typed(p["phone_e164"], rnd)
            list_params = [("stage", rnd.choice(["customer", "prospect", "lead_qualified"])),
                           ("status", rnd.choice(["active", "vip", "inactive"])),
                           ("country", rnd.choice(countries))]  # fmt: skip
            kinds = (("typo", q), ("surname", last), ("email_prefix", email_q), ("phone", phone_q))
            for kind, query in kinds:

                def svc(query: str = query) -> list[Any]:
                    with db.session(tid, write=False) as s:
                        res = service.list_customers(s, tid, service.ListQuery(q=query, limit=20))
                        return [(c.id, c.full_name) for c in res.items]

                cpu = time.process_time()
                dt, found = timed(svc)
                if not warm:
                    record(kind, "service", dt)
                    record(kind, "service_cpu", time.process_time() - cpu)
                    ids = [f[0] for f in found]
                    if kind == "surname":
                        pass  # one common word: how fast, not whom (thousands match)
                    elif kind == "typo":
                        same = found and stext.normalize(found[0][1]) == stext.normalize(
                            f"{first} {last}"
                        )
                        quality["typo_top1_same_name"] += bool(same)
                        quality["typo_top10_target"] += p["id"] in ids[:10]
                    elif kind == "phone":
                        quality["phone_top1_target"] += bool(ids) and ids[0] == p["id"]
                    else:
                        quality["email_prefix_found"] += p["id"] in ids
                with db.session(tid, write=False) as s:
                    ctx = service.context(s, tid)
                    parsed, expanded = conditions.parse_text(ctx, query)
                    dialect = s.get_bind().dialect.name
                    if kind in ("typo", "surname"):
                        dtk, _ = timed(index.expand, s, tid, parsed.words)
                        # the name match, newest indexed first, as far as the service reads
                        sel = index.clauses(dialect, tid, parsed, expanded)["name"][0]
                        sel = sel.order_by(sel.selected_columns.k.desc()).limit(index.CAP + 1)
                        dtm, _ = timed(fetch, s, sel)
                        if not warm:
                            record(kind, "raw_keys", dtk)
                            record(kind, "raw_match", dtm)
                            record(kind, "raw", dtk + dtm)
                    else:
                        via = "email" if kind == "email_prefix" else "phone"
                        sel = index.clauses(dialect, tid, parsed, expanded)[via][0]
                        dtr, _ = timed(fetch, s, sel.limit(index.CAP + 1))
                        if not warm:
                            record(kind, "raw", dtr)

            def listing(params: list[tuple[str, str]] = list_params) -> list[Any]:
                with db.session(tid, write=False) as s:
                    query = service.ListQuery(filter_from_params(params), sort="-ltv", limit=50)
                    return service.list_customers(s, tid, query).items

            dt, _ = timed(listing)
            with db.session(tid, write=False) as s:
                ctx = service.context(s, tid)
                f = customers.CustomerFilter(expr=filter_from_params(list_params))
                keys = customers.sort_keys("-ltv")
                stmt = (
                    customers._filtered(s, tid, f, ctx)
                    .with_only_columns(Customer.id)
                    .order_by(*[k.expr.desc() if k.desc else k.expr for k in keys])
                    .limit(51)
                )
                dtr, _ = timed(fetch, s, stmt)
            if not warm:
                record("list3", "service", dt)
                record("list3", "raw", dtr)
    with db.session(tid, write=False) as s:
        sizes = {
            t: s.scalar(text(f"SELECT count(*) FROM {t}"))
            for t in ("customers", "customer_search", "search_terms", "search_term_keys")
        }
    db.dispose()
    return {
        "customers": n,
        "load_seconds": round(load_s, 1),
        "reused": reuse,
        "load": "shared dataset (bench/dedupe_bench.py: bulk, then search.rebuild)"
        if shared
        else "bulk, then search.rebuild"
        if bulk
        else "row by row through the triggers",
        "table_rows": sizes,
        "quality": quality,
        "latency": {k: {p: summary(v) for p, v in d.items()} for k, d in results.items()},
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--customers", type=int, default=100_000)
    ap.add_argument("--engines", default="sqlite,postgres")
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--reuse", action="store_true", help="keep a database loaded before")
    ap.add_argument("--out", default=str(RESULTS / "search.json"))
    ap.add_argument("--bulk", action="store_true", help="SQLite: load, then rebuild the index")
    ap.add_argument("--shared", action="store_true", help="use dedupe_bench's dataset")
    ap.add_argument("--merge", nargs="*", help="only merge these result files into --out")
    args = ap.parse_args()
    if args.merge:
        merged: dict[str, Any] = {"runs": [], "engines": {}}
        for name in args.merge:
            part = json.loads(Path(name).read_text())
            merged["runs"].append({k: v for k, v in part.items() if k != "engines"})
            merged["engines"].update(part["engines"])
        Path(args.out).write_text(json.dumps(merged, indent=2, default=str))
        print(f"wrote {args.out}")
        return
    out: dict[str, Any] = {
        "command": " ".join([".venv/bin/python", "bench/search_bench.py", *sys.argv[1:]]),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_average_start": os.getloadavg(),
        },
        "targets_ms": {"search_p95": 20, "filtered_list_p95": 50},
        "candidates_per_clause": index.CAP,
        "engines": {},
    }
    for engine in args.engines.split(","):
        print(f"[{engine}] {args.customers:,} customers", flush=True)
        out["engines"][engine] = run_engine(
            engine, args.customers, args.queries, args.reuse, args.bulk, args.shared
        )
        print(json.dumps(out["engines"][engine]["latency"], indent=1), flush=True)
    out["machine"]["load_average_end"] = os.getloadavg()
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = Path(args.out)
    path.write_text(json.dumps(out, indent=2, default=str))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
