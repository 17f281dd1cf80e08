"""What every app connection is set up with, on each engine."""

from __future__ import annotations

from sqlalchemy import text


def test_app_connections_are_set_up_for_short_queries(backend):
    with backend.db.engine.connect() as conn:
        if backend.name == "sqlite":
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 30000
        else:
            # a plan for the values at hand (a generic plan made a rare-word search walk a
            # million rows), and no parallel workers for 51-row pages
            assert conn.execute(text("SHOW plan_cache_mode")).scalar() == "force_custom_plan"
            assert conn.execute(text("SHOW max_parallel_workers_per_gather")).scalar() == "0"
