"""A source filter reads the source's customers once, not once per customer (EXPLAIN, both
engines). SQLite, which has no statistics, looked up the sources of every customer of the
list in turn, so a source few customers have read them all: source=api sorted by -ltv (95
of 100,000 customers) took 0.56 s, with its count 0.86 s (7 ms as one list)."""

from __future__ import annotations

import re

from sqlalchemy import select

from rolodex.models import Customer
from rolodex.search import filters
from rolodex.search import service as search
from tests.plans import explain
from tests.search.helpers import ids


def _list(backend, tenant, sources: list[str], op: str = "in"):
    with backend.db.session(tenant.id) as session:
        ctx = search.context(session, tenant.id)
        node = filters.cond("source", op, sources, where="source")
        condition = search.base_condition(ctx, node)
    return select(Customer.id).where(condition).order_by(Customer.ltv.desc()).limit(51)


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
    plan = explain(backend, tenant, _list(backend, tenant, ["api", "shopify"]))
    if backend.name == "sqlite":
        assert "CORRELATED" not in plan, plan  # was: CORRELATED SCALAR SUBQUERY per customer
        assert "LIST SUBQUERY" in plan, plan
    else:
        assert re.search(r"(?<!hashed )SubPlan \d+\)", plan) is None, plan  # none per row
    outside = tenant.client.get(
        "/v1/customers",
        params={"filter": '{"field": "source", "op": "nin", "value": ["api"]}'},
        headers=tenant.headers(),
    )
    assert outside.status_code == 200, outside.text
    assert outside.json()["items"] == []
