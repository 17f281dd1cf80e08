"""Say how the test suite reaches PostgreSQL and Redis, before it runs."""

from __future__ import annotations

import os
import sys

import psycopg
import redis

in_ci = os.environ.get("CI", "").lower() in ("1", "true", "yes")
pg_url = os.environ.get("ROLODEX_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
redis_url = os.environ.get("ROLODEX_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
missing = []
try:
    with psycopg.connect(pg_url, connect_timeout=3) as conn:
        version = conn.execute("SHOW server_version").fetchone()
    print(f"PostgreSQL: reached at {pg_url} (server {version[0] if version else '?'})")
except Exception as exc:
    missing.append("PostgreSQL")
    print(f"PostgreSQL: NOT reachable at {pg_url}: {str(exc).strip().splitlines()[0]}")
try:
    redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
    print(f"Redis: reached at {redis_url}")
except Exception as exc:
    missing.append("Redis")
    print(f"Redis: NOT reachable at {redis_url}: {exc}")
if missing:
    if in_ci:
        print(f"CI=true: {', '.join(missing)} must be reachable; failing.")
        sys.exit(1)
    print(
        f"Tests needing {', '.join(missing)} will be skipped (set ROLODEX_TEST_PG_URL / "
        "ROLODEX_TEST_REDIS_URL to point at yours)."
    )
