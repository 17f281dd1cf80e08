"""A country filter reads the country's customers once, not once per customer (EXPLAIN, both
engines). SQLite, which has no statistics, looked each customer of the list up in the
country's address index, walking every address of that country for each: country=FR sorted
by -ltv took 0.68 s at 28,000 customers and 2.3 s at 100,000 (2 ms as one list)."""

from __future__ import annotations

from tests.plans import assert_read_once, explain, filtered_page, listed_outside


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
    plan = explain(backend, tenant, filtered_page(backend, tenant, "country", ["FR", "DE"]))
    assert_read_once(backend, plan)
    assert listed_outside(tenant, "country", ["FR"]) == []
