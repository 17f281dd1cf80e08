"""A list page reads its customers' sources through the customer index (EXPLAIN, both
engines), and a page by relevance (q= alone) reads them with the page, not one customer at a
time. Ordered by source alone, SQLite (no statistics) walked every source of the tenant in
its unique (tenant, source, external id) index to skip a sort: 100 ms on every list page at
100,000 customers, and 20 ms per customer of a relevance page (q=smith: 2.1 s)."""

from __future__ import annotations

import uuid

from rolodex.customers.loading import CHILDREN
from tests.plans import explain
from tests.search.helpers import listing, person


def test_a_page_reads_its_customers_sources_by_customer(backend, tenant):
    shop = [{"source": "shopify", "external_id": "s1"}, {"source": "klaviyo", "external_id": "k1"}]
    ada = person(tenant, "Ada", "Smith", sources=shop)
    bob = person(tenant, "Bob", "Smithers")
    for params in ({"q": "smith"}, {"q": "smith", "sort": "-ltv"}, {"sort": "last_name"}):
        items = {c["id"]: c for c in listing(tenant, **params)["items"]}
        assert set(items) == {ada["id"], bob["id"]}, params
        for made in (ada, bob):
            by_source = sorted(made["sources"], key=lambda x: x["source"])
            assert items[made["id"]]["sources"] == by_source, params
    sources = dict(CHILDREN)["sources"]
    plan = explain(backend, tenant, sources, {"t": tenant.id, "ids": [uuid.uuid4(), uuid.uuid4()]})
    if backend.name == "sqlite":
        assert "uq_customer_sources_external" not in plan, plan  # was: (tenant_id=?), all
        assert "ix_customer_sources_customer (tenant_id=? AND customer_id=?)" in plan, plan
    else:
        assert "Seq Scan" not in plan, plan
