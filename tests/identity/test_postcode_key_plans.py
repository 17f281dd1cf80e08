"""The lookups of crowded namesakes by postcode (identity.repository.crowded_namesakes) read
the index of default addresses' postcode keys on both engines, under row-level security on
PostgreSQL. There the key was an expression of upper() and replace(), which are not
LEAKPROOF, so with the tenant policy applied the index could not serve the range: every
lookup scanned all addresses (300,000 customers: 153 ms against 3 ms, 907 lookups in a
20,000-row import, three quarters of its time)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from rolodex.identity.repository import _place_statements
from rolodex.migrations.runner import upgrade
from tests.owned_database import (
    a_customer,
    a_tenant,
    columns_of,
    downgrade,
    index_definition,
    owned_database,
)
from tests.plans import explain

INDEX = "ix_customer_addresses_postcode_key"
NOW = datetime(2026, 12, 5, tzinfo=UTC)


def _params(tenant: Any) -> dict[str, Any]:
    return {"t": tenant.id, "lo": "75013", "hi": "75014"}


def test_counting_a_postcodes_addresses_reads_the_postcode_key_index(backend, tenant):
    count, _holders = _place_statements("postgresql" if backend.name == "postgres" else "sqlite")
    plan = explain(backend, tenant, count, _params(tenant))
    assert INDEX in plan, plan
    if backend.name == "postgres":
        cond = next(line for line in plan.splitlines() if "Index Cond" in line)
        assert ">=" in cond, plan  # the range is the index's, not a filter
        assert "<" in cond, plan
        assert "Seq Scan" not in plan, plan
    else:
        assert "<expr>>? AND <expr><?" in plan, plan  # the range bounds the search


def test_postgres_migration_0111_keys_stored_addresses_and_goes_back(pg_databases):
    """As a production owner (no superuser, FORCEd row-level security): addresses stored
    before get their key, and the downgrade gives 0108's expression index back."""
    with owned_database("rolodex_m111") as (engine, superuser):
        upgrade(engine, None, revision="0110_import_report_indexes")
        tenant, customer = uuid.uuid4(), uuid.uuid4()
        with superuser.begin() as conn:
            a_tenant(conn, tenant, NOW)
            a_customer(conn, tenant, customer, NOW)
            conn.execute(
                sa.text(
                    "INSERT INTO customer_addresses (tenant_id, id, customer_id, type, "
                    "is_default, postcode, country, created_at) VALUES "
                    "(:t, :a, :c, 'both', true, :p, 'GB', :now)"
                ),
                {"t": tenant, "a": uuid.uuid4(), "c": customer, "p": "sw1a 1-aa", "now": NOW},
            )
        upgrade(engine, None)
        with superuser.connect() as conn:
            key = conn.execute(sa.text("SELECT postcode_key FROM customer_addresses")).scalar()
            assert key == "SW1A1AA"
            assert "(tenant_id, postcode_key, customer_id)" in index_definition(conn, INDEX)
        downgrade(engine, "0110_import_report_indexes")
        with superuser.connect() as conn:
            assert "postcode_key" not in columns_of(conn, "customer_addresses")
            assert "upper(replace(" in index_definition(conn, INDEX)
