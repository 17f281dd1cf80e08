"""Row-level security on PostgreSQL: the database itself keeps tenants apart."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from rolodex.config import Settings
from rolodex.db import Database
from rolodex.models import Base
from rolodex.tenants import service
from tests.conftest import APP_ROLE

INSERT = (
    "INSERT INTO customers (tenant_id, id, lifecycle_stage, status, customer_type, attributes,"
    " email_consent, sms_consent, ltv, created_at, updated_at, email) VALUES (:t, :id,"
    " 'prospect', 'active', 'guest', '{}', false, false, 0, now(), now()"
)


@pytest.fixture
def pg(pg_databases):
    url, owner = pg_databases
    with owner.begin() as conn:
        tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
        conn.execute(text(f"TRUNCATE {tables} CASCADE"))
    db = Database(Settings(database_url=url, env="test", db_app_role=APP_ROLE))
    yield db
    db.dispose()


def _two_tenants_with_customers(db: Database) -> tuple[uuid.UUID, uuid.UUID]:
    with db.session() as s:
        a = service.create_tenant(s, "Tenant A").id
        b = service.create_tenant(s, "Tenant B").id
    for tid, n in ((a, 3), (b, 2)):
        with db.session(tid) as s:
            for i in range(n):
                s.execute(
                    text(INSERT + ", :e)"),
                    {"t": tid, "id": uuid.uuid4(), "e": f"p{i}@{tid.hex[:6]}.com"},
                )
    return a, b


def test_app_connection_is_not_privileged(pg):
    with pg.session() as s:
        row = s.execute(
            text(
                "SELECT current_user, r.rolsuper, r.rolbypassrls FROM pg_roles r"
                " WHERE r.rolname = current_user"
            )
        ).one()
    assert row == (APP_ROLE, False, False)


def test_raw_select_without_tenant_filter_sees_only_the_set_tenant(pg):
    a, b = _two_tenants_with_customers(pg)
    with pg.session(a) as s:
        rows = s.execute(text("SELECT tenant_id FROM customers")).scalars().all()
    assert len(rows) == 3
    assert set(rows) == {a}
    with pg.session(b) as s:
        assert s.execute(text("SELECT count(*) FROM customers")).scalar() == 2


def test_no_tenant_set_means_no_rows(pg):
    _two_tenants_with_customers(pg)
    with pg.session() as s:
        assert s.execute(text("SELECT count(*) FROM customers")).scalar() == 0
        assert s.execute(text("SELECT count(*) FROM api_keys")).scalar() == 0


def test_writing_into_another_tenant_is_refused(pg):
    a, b = _two_tenants_with_customers(pg)
    with pytest.raises(DBAPIError, match="row-level security"), pg.session(a) as s:
        s.execute(
            text(INSERT + ", NULL)"),
            {"t": b, "id": uuid.uuid4()},
        )
    with pg.session(a) as s:
        changed = s.execute(
            text("UPDATE customers SET company = 'x' WHERE tenant_id = :b"), {"b": b}
        )
        assert changed.rowcount == 0


def test_every_tenant_table_forces_rls(pg_databases):
    _, owner = pg_databases
    with owner.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity FROM pg_class c"
                " JOIN information_schema.columns col ON col.table_name = c.relname"
                " AND col.column_name = 'tenant_id' AND col.table_schema = 'public'"
                " WHERE c.relkind = 'r'"
            )
        ).all()
    assert rows
    for name, enabled, forced in rows:
        assert enabled, f"{name} lacks row-level security"
        assert forced, f"{name} does not force row-level security"
