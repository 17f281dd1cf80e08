"""PostgreSQL: an import keeps the planner's statistics up with the tables it fills
(``kit.stats.Growth``, migration 0104's ``rolodex_analyze``)."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text

from rolodex.auth.roles import Principal
from rolodex.config import Settings
from rolodex.db import Database
from rolodex.imports import runner, service
from rolodex.imports.schemas import ImportOptions
from rolodex.kit import stats
from rolodex.models import Base
from rolodex.tenants import service as tenants
from tests.conftest import APP_ROLE
from tests.imports.helpers import csv_text


@pytest.fixture
def pg(pg_databases: tuple[str, Engine]) -> Iterator[tuple[Database, Engine]]:
    url, owner = pg_databases
    with owner.begin() as conn:
        tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
        conn.execute(text(f"TRUNCATE {tables} CASCADE"))
    db = Database(Settings(database_url=url, env="test", db_app_role=APP_ROLE))
    yield db, owner
    db.dispose()


def analyzed(owner: Engine) -> dict[str, int]:
    """How often each table was analyzed by an ANALYZE command (autovacuum's are counted
    apart) since the database was made."""
    with owner.connect() as conn:
        rows = conn.execute(text("SELECT relname, analyze_count FROM pg_stat_user_tables"))
        return {name: count for name, count in rows}


def test_the_app_role_refreshes_statistics_through_the_function_and_only_of_its_tables(pg):
    db, owner = pg
    before = analyzed(owner)
    with db.session() as s:
        assert s.execute(text("SELECT current_user")).scalar() == APP_ROLE
        s.execute(text("ANALYZE customers"))  # not the owner: PostgreSQL skips it with a warning
        s.commit()
        assert analyzed(owner)["customers"] == before["customers"]
        done = s.execute(
            text("SELECT rolodex_analyze(ARRAY['customers', 'no_such_table', 'pg_class'])")
        ).scalar()
        s.commit()
    assert done == 1  # pg_class is not in the public schema; the missing name is passed over
    after = analyzed(owner)
    assert after["customers"] == before["customers"] + 1
    assert after["customer_tags"] == before["customer_tags"]


@pytest.fixture
def no_autovacuum(pg: tuple[Database, Engine]) -> Iterator[None]:
    """autovacuum (on where the tests run against a stock server) analyzes too, and its row
    counts would move an import's refreshes: off for the table the import measures."""
    _, owner = pg
    with owner.begin() as conn:
        conn.execute(text("ALTER TABLE customers SET (autovacuum_enabled = false)"))
    yield
    with owner.begin() as conn:
        conn.execute(text("ALTER TABLE customers RESET (autovacuum_enabled)"))


def test_an_import_refreshes_the_statistics_each_time_it_has_doubled_its_tables(
    pg, no_autovacuum, monkeypatch
):
    db, owner = pg
    monkeypatch.setattr(stats, "FIRST", 10)
    with db.session() as s:
        tid = tenants.create_tenant(s, "Stats Shop").id
    header = ["first_name", "last_name", "email", "tags"]
    content = csv_text(
        [header] + [["Ann", f"Lee{i}", f"ann{i}@example.com", "vip"] for i in range(100)]
    ).encode()
    principal = Principal(tid, "admin", "system", "test", "stats test")
    before = analyzed(owner)
    with db.session(tid) as s:
        run = service.create_import(
            s, principal, io.BytesIO(content), len(content), "people.csv", "text/csv",
            ImportOptions(), run_after=None,
        )  # fmt: skip
        run_id = run.id
    with db.session(tid) as s:
        done = runner.run_import(s, tid, uuid.UUID(str(run_id)), runner="test", batch_rows=10)
        assert done is not None
        assert (done.state, done.created) == ("done", 100)
    after = analyzed(owner)
    # Ten batches of ten into empty tables: refreshed after 10, 20, 40 and 80 rows (each time
    # the rows written since the last refresh reached what the customers table then held).
    for table in ("customers", "customer_tags", "customer_addresses", "audit_log"):
        assert after[table] - before[table] == 4, table
    assert after["import_overlay"] == before["import_overlay"]  # a dry run's, not this one's
