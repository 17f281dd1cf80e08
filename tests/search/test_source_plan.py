"""A source filter reads the source's customers once, not once per customer (EXPLAIN, both
engines). SQLite, which has no statistics, looked up the sources of every customer of the
list in turn, so a source few customers have read them all: source=api sorted by -ltv (95
of 100,000 customers) took 0.56 s, with its count 0.86 s (7 ms as one list)."""

from __future__ import annotations

from tests.plans import assert_read_once, explain, filtered_page, listed_outside
from tests.search.helpers import ids


def test_a_source_filter_reads_its_customers_once(backend, tenant, other_tenant):
    made = tenant.client.post(
        "/v1/customers", json={"email": "a@example.com"}, headers=tenant.headers()
    )
    assert made.status_code == 201, made.text
    mine = made.json()["id"]
    other = other_tenant.client.post(
        "/v1/customers", json={"email": "b@example.com"}, headers=other_tenant.headers()
    )
    assert other.status_code == 201, other.text
    assert ids(tenant, source="api", sort="-ltv") == [mine]
    assert ids(tenant, source="shopify", sort="-ltv") == []
    plan = explain(backend, tenant, filtered_page(backend, tenant, "source", ["api", "shopify"]))
    assert_read_once(backend, plan)
    assert listed_outside(tenant, "source", ["api"]) == []
