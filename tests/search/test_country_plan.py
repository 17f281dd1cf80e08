"""A country filter reads the country's customers once, not once per customer (EXPLAIN, both
engines). SQLite, which has no statistics, looked each customer of the list up in the
country's address index, walking every address of that country for each: country=FR sorted
by -ltv took 0.68 s at 28,000 customers and 2.3 s at 100,000 (2 ms as one list)."""

from __future__ import annotations

from sqlalchemy import select

from rolodex.models import Customer
from rolodex.search import filters
from rolodex.search import service as search
from tests.plans import explain


def _list(backend, tenant, countries: list[str], op: str = "in"):
    with backend.db.session(tenant.id) as session:
        ctx = search.context(session, tenant.id)
        node = filters.cond("country", op, countries, where="country")
        condition = search.base_condition(ctx, node)
    return select(Customer.id).where(condition).order_by(Customer.ltv.desc()).limit(51)


def test_a_country_filter_reads_its_customers_once(backend, tenant):
    for fr in ("a", "b"):
        made = tenant.client.post(
            "/v1/customers",
            json={"email": f"{fr}@example.fr", "addresses": [{"country": "FR"}]},
            headers=tenant.headers(),
        )
        assert made.status_code == 201, made.text
    listed = tenant.client.get(
        "/v1/customers", params={"country": "FR", "sort": "-ltv"}, headers=tenant.headers()
    )
    assert sorted(c["email"] for c in listed.json()["items"]) == ["a@example.fr", "b@example.fr"]
    plan = explain(backend, tenant, _list(backend, tenant, ["FR", "DE"]))
    if backend.name == "sqlite":
        assert "CORRELATED" not in plan, plan  # was: CORRELATED SCALAR SUBQUERY per customer
        assert "LIST SUBQUERY" in plan, plan
    else:
        assert "SubPlan" not in plan, plan  # a join, not a subquery run per customer
    outside = tenant.client.get(
        "/v1/customers",
        params={"filter": '{"field": "country", "op": "nin", "value": ["FR"]}'},
        headers=tenant.headers(),
    )
    assert outside.status_code == 200, outside.text
    assert outside.json()["items"] == []
