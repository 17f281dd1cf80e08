"""Exporting a saved view on SQLite and PostgreSQL: its filter, and its order unless that is
relevance (a list's order for people reading it; an export is in creation order then)."""

from __future__ import annotations

import json

from tests.conftest import TenantCtx


def add(tenant: TenantCtx, email: str, **fields) -> str:
    r = tenant.client.post(
        "/v1/customers", json={"email": email, **fields}, headers=tenant.headers()
    )
    assert r.status_code == 201, r.text
    return r.json()["id"]


def view(tenant: TenantCtx, **body) -> str:
    r = tenant.client.post("/v1/views", json={"name": "V", **body}, headers=tenant.headers())
    assert r.status_code == 201, r.text
    return r.json()["id"]


def exported(tenant: TenantCtx, **params) -> list[str]:
    r = tenant.client.get(
        "/v1/exports", params={"format": "ndjson", **params}, headers=tenant.headers()
    )
    assert r.status_code == 200, r.text
    return [json.loads(line)["email"] for line in r.text.splitlines()]


def test_a_view_sorted_by_relevance_exports_its_customers_in_creation_order(tenant):
    add(
        tenant,
        "ann.smith@example.com",
        first_name="Ann",
        last_name="Smith",
        lifecycle_stage="customer",
    )
    add(tenant, "bo@example.com", first_name="Bo", last_name="Smith")  # a prospect
    add(tenant, "smithers@example.com", first_name="Waylon", last_name="Smithers",
        lifecycle_stage="customer")  # fmt: skip
    searched = view(tenant, filter="stage:customer", sort="relevance")
    listed = tenant.client.get(
        "/v1/customers", params={"view": searched, "q": "smith"}, headers=tenant.headers()
    )
    assert listed.status_code == 200, listed.text
    assert {c["email"] for c in listed.json()["items"]} == {
        "ann.smith@example.com",
        "smithers@example.com",
    }
    # the same parameters: the same customers (the view's order is for reading a list)
    assert exported(tenant, view=searched, q="smith") == [
        "ann.smith@example.com",
        "smithers@example.com",
    ]
    # the caller's own sort wins over the view's; asking for relevance is still a 422
    assert exported(tenant, view=searched, q="smith", sort="-last_name") == [
        "smithers@example.com",
        "ann.smith@example.com",
    ]
    r = tenant.client.get(
        "/v1/exports",
        params={"view": searched, "q": "smith", "sort": "relevance"},
        headers=tenant.headers(),
    )
    assert r.status_code == 422, r.text


def test_a_view_sorted_by_a_column_exports_in_that_order(tenant):
    add(tenant, "a@example.com", first_name="Zoe")
    add(tenant, "b@example.com", first_name="Adam")
    by_name = view(tenant, sort="first_name")
    assert exported(tenant, view=by_name) == ["b@example.com", "a@example.com"]
    assert exported(tenant, view=by_name, limit="1") == ["b@example.com"]
