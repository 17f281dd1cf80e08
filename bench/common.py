"""Shared bench plumbing: databases with generated tenants, servers, wrk runs, results."""

from __future__ import annotations

import json
import os
import platform
import re
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
DATA = BENCH / "data"
RESULTS = BENCH / "results"
PG_ADMIN_URL = os.environ.get("ROLODEX_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")


@dataclass
class Prepared:
    engine: str
    url: str
    tenant_id: uuid.UUID
    key: str
    ids: list[str]


def pg_url(dbname: str) -> str:
    return f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{dbname}"


def fresh_database(engine: str, name: str) -> str:
    """A new empty, migrated database; returns its URL."""
    from rolodex.db import make_owner_engine
    from rolodex.migrations.runner import upgrade

    if engine == "sqlite":
        DATA.mkdir(parents=True, exist_ok=True)
        path = DATA / f"{name}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
        upgrade(make_owner_engine(url), None)
        return url
    admin = create_engine(
        PG_ADMIN_URL.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = pg_url(name)
    upgrade(make_owner_engine(url), "rolodex_app")
    return url


def prepare(
    engine: str, name: str, customers: int, seed: int = 42, sample: int = 2000, reuse: bool = False
) -> Prepared:
    """A migrated database with one tenant holding ``customers`` generated customers.

    With ``reuse`` a database prepared before with the same name and size is taken as it is."""
    meta = DATA / f"{name}_{engine}.json"
    if reuse and meta.exists():
        saved = json.loads(meta.read_text())
        if saved["customers"] == customers:
            return Prepared(
                engine, saved["url"], uuid.UUID(saved["tenant_id"]), saved["key"], saved["ids"]
            )
    from rolodex.config import Settings
    from rolodex.db import Database, make_owner_engine
    from rolodex.demo.load import load_people
    from rolodex.demo.synth import generate_people
    from rolodex.tenants import service

    url = fresh_database(engine, name)
    db = Database(Settings(database_url=url))
    with db.session() as s:
        tenant = service.create_tenant(s, "Bench Shop", slug="bench")
        tid = tenant.id
    with db.session(tid) as s:
        key = service.create_key(s, tid, "admin", "bench").key
    owner = make_owner_engine(url)
    started = time.monotonic()
    step = max(customers // 10, 1)

    def progress(done: int) -> None:
        if done % step == 0 or done == customers:
            rate = done / max(time.monotonic() - started, 1e-9)
            print(
                f"  [{engine}] loaded {done:,}/{customers:,} customers ({rate:,.0f}/s)", flush=True
            )

    with owner.begin() as conn:
        load_people(conn, tid, generate_people(customers, seed=seed), on_progress=progress)
    with owner.begin() as conn:
        if engine == "postgres":
            conn.execute(text("ANALYZE"))
        else:
            conn.exec_driver_sql("ANALYZE")
        rows = conn.execute(
            text("SELECT id FROM customers WHERE tenant_id = :t AND deleted_at IS NULL LIMIT :n"),
            {"t": tid if engine == "postgres" else tid.hex, "n": sample},
        ).scalars()
        ids = [str(uuid.UUID(str(r))) for r in rows]
    owner.dispose()
    db.dispose()
    meta.write_text(
        json.dumps(
            {"customers": customers, "url": url, "tenant_id": str(tid), "key": key, "ids": ids}
        )
    )
    return Prepared(engine, url, tid, key, ids)


def prepare_shared(engine: str, customers: int, sample: int = 2000) -> Prepared:
    """The dataset bench/dedupe_bench.py loads (bench/data/dedupe_<N>.db or the PostgreSQL
    database ``dedupe_bench``: generated customers, ~8% near-duplicates, ground truth on the
    side), reused by the other benches at a million customers instead of loading their own.
    Loads it when missing (search index off during the load, rebuilt set-based after)."""
    from bench import dedupe_bench

    from rolodex.config import Settings
    from rolodex.db import Database
    from rolodex.demo.load import customer_id_for
    from rolodex.tenants import service

    prep = dedupe_bench.prepare(engine, customers, 42, 0.08, reuse=True)
    url, tid = prep["url"], prep["tenant_id"]
    meta = DATA / f"shared_{customers}_{engine}.json"
    if meta.exists() and json.loads(meta.read_text()).get("tenant_id") == str(tid):
        key = json.loads(meta.read_text())["key"]
    else:
        db = Database(Settings(database_url=url))
        with db.session(tid) as s:
            key = service.create_key(s, tid, "admin", "bench").key
        db.dispose()
        meta.write_text(json.dumps({"tenant_id": str(tid), "key": key}))
    step = max(customers // sample, 1)
    ids = [str(customer_id_for(tid, r)) for r in range(1, customers + 1, step)][:sample]
    return Prepared(engine, url, tid, key, ids)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """A uvicorn process on loopback, stopped on exit."""

    def __init__(
        self, target: str, env: dict[str, str] | None = None, factory: bool = False
    ) -> None:
        self.port = free_port()
        args = [sys.executable, "-m", "uvicorn", target, "--port", str(self.port)]
        args += ["--host", "127.0.0.1", "--log-level", "warning", "--no-access-log"]
        if factory:
            args.append("--factory")
        self.proc = subprocess.Popen(
            args, cwd=BENCH, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL
        )
        self.base = f"http://127.0.0.1:{self.port}"

    def wait(self, path: str = "/healthz", timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.base + path, timeout=1).status_code < 500:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError(f"server on {self.base} did not start")

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def wrk(
    url: str, script: str, env: dict[str, str], duration: int, connections: int
) -> dict[str, Any]:
    """Run wrk with one of bench/wrk/*.lua and return its figures."""
    cmd = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{duration}s",
        "-s",
        str(BENCH / "wrk" / script),
        url,
    ]
    out = subprocess.run(
        cmd,
        env={**os.environ, "BENCH_LUA_DIR": str(BENCH / "wrk"), **env},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    match = re.search(r"^RESULT (\{.*\})$", out, re.M)
    if not match:
        raise RuntimeError(f"wrk printed no result:\n{out}")
    raw = json.loads(match.group(1))
    seconds = raw["duration_us"] / 1e6
    return {
        "requests": raw["requests"],
        "rps": round(raw["requests"] / seconds, 1),
        "p50_ms": round(raw["p50_us"] / 1000, 2),
        "p95_ms": round(raw["p95_us"] / 1000, 2),
        "p99_ms": round(raw["p99_us"] / 1000, 2),
        "non_2xx": raw["non2xx"],
        "socket_errors": raw["socket_errors"],
    }


def machine() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def write_result(name: str, payload: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps({"machine": machine(), **payload}, indent=2, default=str) + "\n")
    return path
