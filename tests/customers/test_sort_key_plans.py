"""Sorts and filters on last activity and last order (their keys put "never" first) bound
their index scan on both engines, under row-level security on PostgreSQL. The keys were
indexed as coalesce(column, never); to the planner COALESCE is not LEAKPROOF, so with the
tenant policy applied a cursor or a range on it was a filter over every row before it
(300,000 customers: a page half way down by last activity 114 ms instead of 11 ms,
last_order_after= 82 ms instead of 9 ms). Migration 0113 stores the keys as columns."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy import select

from rolodex.customers.repository import sort_keys
from rolodex.kit import pagination
from rolodex.migrations.runner import upgrade
from rolodex.models import Customer
from rolodex.search import conditions, filters
from rolodex.search.conditions import Context
from tests.owned_database import (
    a_customer,
    a_tenant,
    downgrade,
    index_definition,
    owned_database,
)
from tests.plans import explain, page_after

NOW = datetime(2026, 12, 5, tzinfo=UTC)
NEVER = datetime(1970, 1, 1, tzinfo=UTC)


def _index_cond(plan: str) -> str:
    return next(line for line in plan.splitlines() if "Index Cond" in line)


def test_a_page_by_last_activity_after_a_cursor_starts_its_index_scan_there(backend, tenant):
    plan = explain(backend, tenant, page_after(tenant, "-last_active_at", [NOW, uuid.uuid4()]))
    assert "ix_customers_tenant_last_active_at_sort" in plan, plan
    if backend.name == "postgres":
        assert "ROW(last_active_at_sort, id) <" in _index_cond(plan), plan
    else:
        assert "<expr><?" in plan, plan  # its first key: no row comparison on an expression


def test_a_page_by_days_since_the_last_order_is_bounded_by_its_cursor(backend, tenant):
    """Its time sorts the other way from its tie-break: the first key bounds the scan."""
    plan = explain(
        backend, tenant, page_after(tenant, "days_since_last_order", [NOW, uuid.uuid4()])
    )
    assert "ix_customers_tenant_last_order_at_sort" in plan, plan
    if backend.name == "postgres":
        assert "last_order_at_sort <=" in _index_cond(plan), plan
    else:
        assert "<expr><?" in plan, plan


def _filtered(backend, tenant, node: filters.Node):
    with backend.db.session(tenant.id) as s:
        cond = conditions.where(Context(s, tenant.id, NOW), node)
    return (
        select(Customer.id)
        .where(Customer.tenant_id == tenant.id, Customer.deleted_at.is_(None), cond)
        .order_by(*pagination.order_by(sort_keys("-last_order_at")))
        .limit(51)
    )


def test_a_last_order_range_in_last_order_order_reads_its_index(backend, tenant):
    stmt = _filtered(backend, tenant, filters.Cond("last_order_at", "gte", NOW))
    plan = explain(backend, tenant, stmt)
    assert "ix_customers_tenant_last_order_at_sort" in plan, plan
    if backend.name == "postgres":
        assert "last_order_at_sort >=" in _index_cond(plan), plan
    else:
        assert "<expr>>?" in plan, plan


def test_postgres_migration_0113_keys_stored_customers_and_goes_back(pg_databases):
    """As a production owner (no superuser, FORCEd row-level security): customers stored
    before get their keys ("never" for none), and the downgrade gives the expression indexes
    back."""
    with owned_database("rolodex_m113") as (engine, superuser):
        upgrade(engine, None, revision="0112_import_problems")
        tenant = uuid.uuid4()
        with superuser.begin() as conn:
            a_tenant(conn, tenant, NOW)
            for active in (NOW, None):
                a_customer(conn, tenant, uuid.uuid4(), NOW, last_active_at=active)
        upgrade(engine, None)
        with superuser.connect() as conn:
            keys = conn.execute(
                sa.text("SELECT last_active_at_sort, last_order_at_sort FROM customers")
            ).all()
            assert sorted(keys) == [(NEVER, NEVER), (NOW, NEVER)]
        downgrade(engine, "0112_import_problems")
        with superuser.connect() as conn:
            definition = index_definition(conn, "ix_customers_tenant_last_order_at_sort")
            assert "COALESCE(last_order_at" in definition
