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


def _import(db: Database, tid: uuid.UUID, rows: int, prefix: str) -> None:
    header = ["first_name", "last_name", "email", "tags"]
    content = csv_text(
        [header] + [["Bo", f"{prefix}{i}", f"{prefix}{i}@example.com", "vip"] for i in range(rows)]
    ).encode()
    principal = Principal(tid, "admin", "system", "test", "stats test")
    with db.session(tid) as s:
        run = service.create_import(
            s, principal, io.BytesIO(content), len(content), "people.csv", "text/csv",
            ImportOptions(), run_after=None,
        )  # fmt: skip
        run_id = run.id
    with db.session(tid) as s:
        done = runner.run_import(s, tid, uuid.UUID(str(run_id)), runner="test", batch_rows=10)
        assert done is not None
        assert (done.state, done.created) == ("done", rows)


def test_an_import_refreshes_the_statistics_each_time_it_has_doubled_its_tables(
    pg, no_autovacuum, monkeypatch
):
    db, owner = pg
    monkeypatch.setattr(stats, "FIRST", 10)
    with db.session() as s:
        tid = tenants.create_tenant(s, "Stats Shop").id
    before = analyzed(owner)
    _import(db, tid, 100, "ann")
    after = analyzed(owner)
    # Ten batches of ten into empty tables: refreshed after 10, 20, 40 and 80 rows (each time
    # the rows written since the last refresh reached what the tenant then held).
    for table in ("customers", "customer_tags", "customer_addresses", "audit_log"):
        assert after[table] - before[table] == 4, table
    assert after["import_overlay"] == before["import_overlay"]  # a dry run's, not this one's


def test_a_new_tenant_gets_statistics_by_its_own_rows_not_the_whole_table(
    pg, no_autovacuum, monkeypatch
):
    """Statistics that never saw a tenant estimate its rows at one or two: a new tenant's
    import into a table full of others' rows must refresh them as its own rows grow."""
    db, owner = pg
    monkeypatch.setattr(stats, "FIRST", 10)
    with db.session() as s:
        big, new = (tenants.create_tenant(s, name).id for name in ("Big Shop", "New Shop"))
    _import(db, big, 100, "big")  # refreshed at 10, 20, 40 and 80 rows
    before = analyzed(owner)
    # 60 rows into a tenant with none: after 10, 20 and 40 of its own rows (the table held
    # about 80 at the last refresh, which would have given none)
    _import(db, new, 60, "new")
    assert analyzed(owner)["customers"] - before["customers"] == 3
    with owner.connect() as conn:
        seen = conn.execute(
            text(
                "SELECT most_common_vals::text FROM pg_stats "
                "WHERE tablename = 'customers' AND attname = 'tenant_id'"
            )
        ).scalar()
    assert str(new) in str(seen)  # the planner knows the new tenant's rows now
