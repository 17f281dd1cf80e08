"""Duplicate detection benchmark: full-tenant scan quality and speed, match-on-ingest latency.

    .venv/bin/python bench/dedupe_bench.py --customers 1000000 [--engines sqlite,postgres]

For each engine: N generated customers (rolodex.demo.synth, ~8% near-duplicates with known
person ids) are loaded into one tenant (SQLite file bench/data/dedupe_<N>.db, PostgreSQL
database ``dedupe_bench``; reused by --reuse when already loaded), then

* the scan runs as `rolodex dedupe scan` runs it (identity.scan.run: read, block, score,
  store candidates), timed; its pairs are compared with the ground truth: pair precision,
  recall and F1 at the review and auto-merge thresholds, and cluster figures (pairs implied
  by the union-find clusters of the found pairs against the true person clusters);
* match-on-ingest latency over ``--probes`` incoming profiles (half retyped versions of loaded
  customers, half new people): the matcher alone (blocking + scoring) and the whole
  match_or_create (rolled back after each probe), p50/p95/p99 in milliseconds.

Results: bench/results/dedupe.json. The ground truth is bench/data/dedupe_truth_<N>.csv
(record_id, person_id, customer_id, dup_kind), which bench/splink_compare.py also reads.
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import sys
import time
import uuid
from collections import defaultdict
from itertools import combinations
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import DATA, PG_ADMIN_URL, pg_url, write_result  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from rolodex.auth.roles import Principal  # noqa: E402
from rolodex.config import Settings  # noqa: E402
from rolodex.customers.schemas import AddressIn, CustomerCreate  # noqa: E402
from rolodex.db import Database, make_owner_engine  # noqa: E402
from rolodex.identity import keys, matcher, scan, service  # noqa: E402
from rolodex.identity.scoring import DEFAULT_AUTO_MERGE, DEFAULT_REVIEW  # noqa: E402
from rolodex.migrations.runner import upgrade  # noqa: E402
from rolodex.models import Customer, Tenant  # noqa: E402

PG_DB = "dedupe_bench"


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def truth_path(n: int, seed: int) -> Path:
    return DATA / f"dedupe_truth_{n}_{seed}.csv"


def database_url(engine: str, n: int) -> str:
    if engine == "sqlite":
        return f"sqlite:///{DATA / f'dedupe_{n}.db'}"
    return pg_url(PG_DB)


CHUNK = 50_000  # records per committed transaction: a killed load resumes where it stopped


def ready_marker(engine: str, n: int, seed: int) -> Path:
    return DATA / f"dedupe_{engine}_{n}_{seed}.ready"


def _state(url: str) -> tuple[uuid.UUID, int] | None:
    """The bench tenant and how many customers it has, when the database exists."""
    try:
        engine = make_owner_engine(url)
        with engine.connect() as conn:
            tid = conn.execute(text("SELECT id FROM tenants WHERE slug = 'dedupe'")).scalar()
            count = conn.execute(text("SELECT count(*) FROM customers")).scalar() or 0
        engine.dispose()
    except Exception:
        return None
    if tid is None:
        return None
    return (tid if isinstance(tid, uuid.UUID) else uuid.UUID(str(tid))), int(count)


def _fresh(engine: str, n: int, url: str) -> uuid.UUID:
    from rolodex.tenants import service as tenants

    DATA.mkdir(parents=True, exist_ok=True)
    if engine == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(f"{DATA / f'dedupe_{n}.db'}{suffix}").unlink(missing_ok=True)
    else:
        admin = create_engine(
            PG_ADMIN_URL.replace("postgresql://", "postgresql+psycopg://"),
            isolation_level="AUTOCOMMIT",
        )
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{PG_DB}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{PG_DB}"'))
        admin.dispose()
    upgrade(make_owner_engine(url), "rolodex_app" if engine == "postgres" else None)
    db = Database(Settings(database_url=url))
    with db.session() as s:
        tid = tenants.create_tenant(s, "Dedupe Bench", slug="dedupe").id
    db.dispose()
    return tid


def _index_triggers(conn: Any, on: bool) -> None:
    """The search index's per-row customer triggers: off for the bulk load (rebuilt set-based
    after it, with search.rebuild: the same SQL, the same index)."""
    from rolodex.search.rebuild import drop_customer_triggers

    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"ALTER TABLE customers {'ENABLE' if on else 'DISABLE'} TRIGGER USER")
    elif not on:
        drop_customer_triggers(conn)


def prepare(engine: str, n: int, seed: int, dup_rate: float, reuse: bool) -> dict[str, Any]:
    from rolodex.demo.load import customer_id_for, load_people
    from rolodex.demo.synth import generate_people
    from rolodex.search.rebuild import rebuild

    url = database_url(engine, n)
    marker = ready_marker(engine, n, seed)
    state = _state(url) if reuse else None
    if state is not None and state[1] == n and marker.exists():
        log(f"[{engine}] reusing {n:,} loaded customers (schema upgraded to the current heads)")
        upgrade(make_owner_engine(url), "rolodex_app" if engine == "postgres" else None)
        return {"url": url, "tenant_id": state[0], "load_seconds": None, "keys_seconds": None}
    marker.unlink(missing_ok=True)
    if state is None:
        tid, done = _fresh(engine, n, url), 0
    else:
        tid, done = state
        log(f"[{engine}] resuming the load after {done:,} customers")
    owner = make_owner_engine(url)
    with owner.begin() as conn:
        _index_triggers(conn, on=False)
    truth = open(truth_path(n, seed), "w", newline="")  # noqa: SIM115
    writer = csv.writer(truth)
    writer.writerow(["record_id", "person_id", "customer_id", "dup_kind"])
    started = time.perf_counter()
    batch: list[Any] = []

    def flush() -> None:
        with owner.begin() as conn:
            load_people(conn, tid, batch)
        batch.clear()

    for rec in generate_people(n, seed=seed, duplicate_rate=dup_rate):
        writer.writerow(
            [rec.record_id, rec.person_id, customer_id_for(tid, rec.record_id), rec.dup_kind or ""]
        )
        if rec.record_id <= done:
            continue  # loaded before the interruption
        batch.append(rec)
        if len(batch) >= CHUNK:
            flush()
            rate = (rec.record_id - done) / max(time.perf_counter() - started, 1e-9)
            log(f"[{engine}] loaded {rec.record_id:,}/{n:,} ({rate:,.0f}/s)")
    if batch:
        flush()
    truth.close()
    with owner.begin() as conn:
        t = time.perf_counter()
        rebuild(conn, tid)  # restores the SQLite triggers too
        _index_triggers(conn, on=True)
        log(f"[{engine}] search index rebuilt in {time.perf_counter() - t:.0f}s")
    load_seconds = time.perf_counter() - started
    started = time.perf_counter()
    db = Database(Settings(database_url=url))
    with db.session(tid) as s:
        changed = keys.backfill(s, tid)
    keys_seconds = time.perf_counter() - started
    log(f"[{engine}] matching keys of {changed:,} customers in {keys_seconds:.1f}s")
    with owner.begin() as conn:
        conn.execute(text("ANALYZE"))
    owner.dispose()
    db.dispose()
    marker.write_text(f"{n} customers, seed {seed}\n")
    return {
        "url": url,
        "tenant_id": tid,
        "load_seconds": round(load_seconds, 1),
        "keys_seconds": round(keys_seconds, 1),
    }


def read_truth(
    n: int, seed: int, tenant_id: uuid.UUID
) -> tuple[dict[uuid.UUID, int], dict[uuid.UUID, str]]:
    """person and duplicate kind by customer id in ``tenant_id``. The ids are derived from the
    record ids (the file's customer_id column holds the last loaded engine's ids, and each
    engine's tenant has its own)."""
    from rolodex.demo.load import customer_id_for

    person: dict[uuid.UUID, int] = {}
    kinds: dict[uuid.UUID, str] = {}
    with open(truth_path(n, seed), newline="") as fh:
        for row in csv.DictReader(fh):
            cid = customer_id_for(tenant_id, int(row["record_id"]))
            person[cid] = int(row["person_id"])
            kinds[cid] = row["dup_kind"]
    return person, kinds


def prf(found: set[Any], true: set[Any]) -> dict[str, float]:
    hit = len(found & true)
    p = hit / len(found) if found else 1.0
    r = hit / len(true) if true else 1.0
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0,
        "found": len(found),
        "true": len(true),
        "correct": hit,
    }


def closure_pairs(groups: list[list[Any]]) -> set[tuple[Any, Any]]:
    return {(a, b) if str(a) < str(b) else (b, a) for g in groups for a, b in combinations(g, 2)}


def quality(outcome: scan.ScanOutcome, person: dict[uuid.UUID, int]) -> dict[str, Any]:
    found = outcome.found
    by_person: dict[int, list[uuid.UUID]] = defaultdict(list)
    for cid, pid in person.items():
        by_person[pid].append(cid)
    true_groups = [g for g in by_person.values() if len(g) > 1]
    true_pairs = closure_pairs(true_groups)
    out: dict[str, Any] = {}
    for name, threshold in (("review", DEFAULT_REVIEW), ("auto_merge", DEFAULT_AUTO_MERGE)):
        pairs = [(i, j) for i, j, v in found.pairs if v >= threshold]
        ids = {(found.uuid_of(i), found.uuid_of(j)) for i, j in pairs}
        direct = {(a, b) if str(a) < str(b) else (b, a) for a, b in ids}
        groups = [[found.uuid_of(k) for k in g] for g in scan.clusters(pairs, len(found.ids))]
        out[name] = {
            "threshold": threshold,
            "pairs": prf(direct, true_pairs),
            "clusters": {
                **prf(closure_pairs(groups), true_pairs),
                "predicted_clusters": len(groups),
                "true_clusters": len(true_groups),
                "exact_clusters": len(
                    {frozenset(g) for g in groups} & {frozenset(g) for g in true_groups}
                ),
            },
        }
    return out


def probes(
    db: Database, tid: uuid.UUID, known: list[uuid.UUID], count: int, seed: int
) -> list[CustomerCreate]:
    """Half retyped versions of loaded customers (``known`` ids), half new people."""
    from rolodex.demo.synth import generate_people

    rng = random.Random(seed)
    rows = []
    with db.session(tid, write=False) as s:
        for cid in rng.sample(known, min(count // 2, len(known))):
            c = s.get(Customer, (tid, cid))
            if c is not None:
                a = next(iter(c.addresses), None)
                rows.append((c.email, c.phone, c.first_name, c.last_name, a))
    out = []
    for email, phone, first, last, a in rows:
        address = (
            [AddressIn(line1=a.line1, city=a.city, postcode=a.postcode, country=a.country)]
            if a is not None
            else []
        )
        out.append(
            CustomerCreate(
                email=email.upper() if email and rng.random() < 0.5 else email,
                phone=phone if rng.random() < 0.7 else None,
                first_name=first,
                last_name=(last or "") + ("e" if rng.random() < 0.2 else ""),
                addresses=address if a is not None else None,
            )
        )
    for rec in generate_people(count - len(out), seed=seed + 1000):
        out.append(
            CustomerCreate(
                email=rec.email,
                phone=rec.phone,
                first_name=rec.first_name,
                last_name=rec.last_name,
                addresses=[
                    AddressIn(
                        line1=rec.line1, city=rec.city, postcode=rec.postcode, country=rec.country
                    )
                ],
            )
        )
    rng.shuffle(out)
    return out


def percentiles(samples: list[float]) -> dict[str, float]:
    q = statistics.quantiles(samples, n=100)
    return {
        "p50_ms": round(q[49], 3),
        "p95_ms": round(q[94], 3),
        "p99_ms": round(q[98], 3),
        "mean_ms": round(statistics.fmean(samples), 3),
        "n": len(samples),
    }


def ingest_latency(
    db: Database, tid: uuid.UUID, known: list[uuid.UUID], count: int, seed: int
) -> dict[str, Any]:
    items = probes(db, tid, known, count, seed)
    principal = Principal(tid, "admin", "system", "bench", "bench")
    with db.session(tid, write=False) as s:
        region = s.get(Tenant, tid).default_region  # type: ignore[union-attr]
    match_ms: list[float] = []
    full_ms: list[float] = []
    outcomes: dict[str, int] = defaultdict(int)
    for probe in items[:50]:  # warm caches and connections
        with db.session(tid, write=False) as s:
            matcher.find_matches(
                s,
                tid,
                matcher.record_from_fields(probe, region),
                email=probe.email,
                settled=DEFAULT_AUTO_MERGE,
            )
    for probe in items:
        session = db.sessionmaker(info={"tenant_id": tid})
        try:
            started = time.perf_counter()
            record = matcher.record_from_fields(probe, region)
            # as match_or_create: a crowded name's places looked up when nothing matched
            matcher.find_matches(
                session, tid, record, email=probe.email, settled=DEFAULT_AUTO_MERGE
            )
            match_ms.append((time.perf_counter() - started) * 1000)
        finally:
            session.rollback()
            session.close()
        session = db.sessionmaker(info={"tenant_id": tid})
        try:
            started = time.perf_counter()
            outcome = service.match_or_create(session, principal, probe, channel="import")
            session.flush()
            full_ms.append((time.perf_counter() - started) * 1000)
            outcomes["created" if outcome.created else "matched"] += 1
        except Exception as exc:  # a probe the API would refuse (409/422): not timed
            outcomes[type(exc).__name__] += 1
        finally:
            session.rollback()
            session.close()
    return {
        "matcher": percentiles(match_ms),
        "match_or_create": percentiles(full_ms),
        "outcomes": dict(outcomes),
    }


def run_engine(args: argparse.Namespace, engine: str) -> dict[str, Any]:
    n = args.customers
    prep = prepare(engine, n, args.seed, args.dup_rate, args.reuse)
    if args.prepare_only:
        return {"customers": n, **{k: v for k, v in prep.items() if k.endswith("seconds")}}
    url, tid = prep["url"], prep["tenant_id"]
    role = "rolodex_app" if engine == "postgres" else None
    db = Database(Settings(database_url=url, db_app_role=role or "rolodex_app"))
    principal = Principal(tid, "admin", "system", "bench", "dedupe bench")
    person, _ = read_truth(n, args.seed, tid)
    log(f"[{engine}] scanning {n:,} customers")
    started = time.perf_counter()
    outcome = scan.run(db, principal)
    seconds = time.perf_counter() - started
    log(
        f"[{engine}] scan: {seconds:.1f}s {outcome.timings} pairs={outcome.pairs_scored:,} "
        f"candidates={outcome.candidates:,}"
    )
    figures = quality(outcome, person)
    log(f"[{engine}] quality: {figures}")
    known = list(person)
    latency = ingest_latency(db, tid, known, args.probes, args.seed) if args.probes else {}
    log(f"[{engine}] ingest latency: {latency}")
    db.dispose()
    return {
        "customers": n,
        "load_seconds": prep["load_seconds"],
        "key_backfill_seconds": prep["keys_seconds"],
        "scan": {
            "seconds": round(seconds, 2),
            "phases": {k: round(v, 2) for k, v in outcome.timings.items()},
            "pairs_scored": outcome.pairs_scored,
            "candidates": outcome.candidates,
            "blocks": outcome.found.blocks,
        },
        "quality": figures,
        "ingest": latency,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--engines", default="sqlite,postgres")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--dup-rate", type=float, default=0.08)
    parser.add_argument("--probes", type=int, default=2000)
    parser.add_argument("--reuse", action="store_true", help="keep an already loaded database")
    parser.add_argument("--name", default="dedupe", help="results file name")
    parser.add_argument("--prepare-only", action="store_true", help="load, do not measure")
    args = parser.parse_args()
    results = {e: run_engine(args, e) for e in args.engines.split(",") if e}
    if args.prepare_only:  # loaded, nothing measured: the results file stays as it was
        log(f"prepared: {results}")
        return
    command = "bench/dedupe_bench.py " + " ".join(sys.argv[1:])
    path = write_result(
        args.name,
        {
            "command": command,
            "seed": args.seed,
            "duplicate_rate": args.dup_rate,
            "engines": results,
        },
    )
    log(f"wrote {path}")


if __name__ == "__main__":
    main()
