"""What app connections and search transactions are set up with, on each engine."""

from __future__ import annotations

from sqlalchemy import text

from rolodex.search import service


def test_app_connections_are_set_up_for_short_queries(backend):
    with backend.db.engine.connect() as conn:
        if backend.name == "sqlite":
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 30000
        else:  # no parallel workers for 51-row pages
            assert conn.execute(text("SHOW max_parallel_workers_per_gather")).scalar() == "0"


def test_searches_are_planned_for_their_values(tenant):
    """On PostgreSQL a search transaction never uses a generic plan (one made a rare-word
    search walk a million rows); other transactions keep the default."""
    db = tenant.client.app.state.db
    with db.session(tenant.id, write=False) as s:
        if s.get_bind().dialect.name == "sqlite":
            assert service.context(s, tenant.id).region == "US"
            return
        assert s.execute(text("SHOW plan_cache_mode")).scalar() == "auto"
        service.context(s, tenant.id)
        assert s.execute(text("SHOW plan_cache_mode")).scalar() == "force_custom_plan"
    with db.session(tenant.id, write=False) as s:  # for that transaction only
        assert s.execute(text("SHOW plan_cache_mode")).scalar() == "auto"
