"""Exports on SQLite and PostgreSQL: the same customers as the list for the same filter, every
format, deleted customers never, many pages, audited, permissions."""

from __future__ import annotations

import csv
import io
import json

import pytest

from rolodex.demo.load import load_people
from rolodex.demo.synth import generate_people
from tests.conftest import TenantCtx
from tests.imports.helpers import customers


def export(tenant: TenantCtx, fmt: str = "json", key: str | None = None, **params) -> list[dict]:
    response = tenant.client.get(
        "/v1/exports", params={"format": fmt, **params}, headers=tenant.headers(key)
    )
    assert response.status_code == 200, response.text
    if fmt == "json":
        return json.loads(response.text)
    if fmt == "ndjson":
        return [json.loads(line) for line in response.text.splitlines()]
    return list(csv.DictReader(io.StringIO(response.text.lstrip("\ufeff"))))


def populate(tenant: TenantCtx) -> list[dict]:
    h = tenant.headers()
    made = []
    specs = [
        ("ada", "customer", "vip", ["vip", "newsletter"], "US", {"tier": "gold"}),
        ("bob", "prospect", "active", ["newsletter"], "GB", {"tier": "silver"}),
        ("cy", "customer", "active", [], "US", {}),
        ("dee", "churned", "inactive", ["vip"], "FR", {"tier": "gold", "score": 5}),
        ("eve", "lead_qualified", "active", ["spam"], None, {"score": 9}),
    ]
    for name, stage, status, tags, country, attrs in specs:
        body = {
            "email": f"{name}@example.com",
            "first_name": name.title(),
            "last_name": "Test",
            "lifecycle_stage": stage,
            "status": status,
            "tags": tags,
            "attributes": attrs,
        }
        if country:
            body["addresses"] = [{"city": "Somewhere", "country": country}]
        made.append(tenant.client.post("/v1/customers", json=body, headers=h).json())
    tenant.client.post(
        f"/v1/customers/{made[0]['id']}/transitions",
        json={"stage": "customer", "ltv_amount": "120.00"},
        headers=h,
    )
    return made


FILTERS = [
    {},
    {"stage": "customer"},
    {"tag": "vip"},
    {"tag_any": "vip,spam"},
    {"status": "active,vip"},
    {"country": "US"},
    {"attr.tier": "gold"},
    {"filter": "stage:customer tag:vip"},
    {"filter": '{"field": "ltv", "op": "gte", "value": "100"}'},
    {"ltv_min": "100"},
    {"q": "ada"},
    {"created_after": "-1d"},
]


@pytest.mark.parametrize("params", FILTERS, ids=[str(f) for f in FILTERS])
def test_an_export_holds_exactly_the_customers_the_list_shows(tenant, params):
    populate(tenant)
    listed = {c["id"] for c in customers(tenant, **params)}
    exported = {c["id"] for c in export(tenant, "json", **params)}
    assert exported == listed
    if params and "created_after" not in params:
        assert len(listed) < 5  # the filter filters


def test_every_format_carries_every_field(tenant):
    made = populate(tenant)
    as_json = {c["id"]: c for c in export(tenant, "json")}
    as_ndjson = {c["id"]: c for c in export(tenant, "ndjson")}
    assert as_json == as_ndjson
    api = tenant.client.get(f"/v1/customers/{made[0]['id']}", headers=tenant.headers()).json()
    exported = as_json[made[0]["id"]]
    assert {k: v for k, v in exported.items() if k in api} == api
    assert exported["order_count"] == 0
    assert exported["ltv"] == "120.00"
    rows = {r["id"]: r for r in export(tenant, "csv")}
    ada = rows[made[0]["id"]]
    assert ada["tags"] == "newsletter|vip"
    assert ada["attr.tier"] == "gold"
    assert ada["address1_country"] == "US"
    assert ada["email_consent"] == "false"
    assert rows[made[3]["id"]]["attr.score"] == "5"
    assert rows[made[1]["id"]]["attr.score"] == ""
    response = tenant.client.get(
        "/v1/exports", params={"format": "ndjson"}, headers=tenant.headers()
    )
    assert response.headers["content-type"].startswith("application/x-ndjson")
    assert "attachment" in response.headers["content-disposition"]


def test_deleted_customers_are_never_exported(tenant):
    made = populate(tenant)
    tenant.client.delete(f"/v1/customers/{made[1]['id']}", headers=tenant.headers())
    assert made[1]["id"] not in {c["id"] for c in export(tenant)}
    for params in ({"include_deleted": "true"}, {"deleted": "only"}, {"filter": "deleted:include"}):
        response = tenant.client.get("/v1/exports", params=params, headers=tenant.headers())
        assert response.status_code == 422, params
        assert response.json()["error"]["details"][0]["field"] == "deleted"


def test_bad_filters_and_formats_are_422_not_500(tenant):
    for params in (
        {"format": "xls"},
        {"ltv_min": "lots"},
        {"sort": "x", "stage": "nope"},
        {"filter": "{broken"},
        {"filter": "stage:"},  # unfinished: it exported no one, silently
        {"filter": "ltv>"},
    ):
        response = tenant.client.get("/v1/exports", params=params, headers=tenant.headers())
        assert response.status_code == 422, (params, response.text)


def test_exports_are_audited_with_who_and_which_filter(tenant):
    populate(tenant)
    viewer = tenant.key("viewer")
    export(tenant, "csv", key=viewer, stage="customer", tag="vip")
    entries = tenant.client.get(
        "/v1/audit", params={"action": "export"}, headers=tenant.headers()
    ).json()["items"]
    (entry,) = entries
    assert entry["actor"]["type"] == "api_key"
    assert entry["customer_id"] is None
    assert entry["meta"]["format"] == "csv"
    assert ["stage", "customer"] in entry["meta"]["params"]
    assert "stage" in json.dumps(entry["meta"]["filter"])
    assert tenant.client.get("/v1/audit/verify", headers=tenant.headers()).json()["ok"]


def test_an_ingest_key_cannot_export(tenant):
    response = tenant.client.get("/v1/exports", headers=tenant.headers(tenant.key("ingest")))
    assert response.status_code == 403


def test_a_large_export_streams_every_customer_once(tenant, backend):
    with backend.owner.begin() as conn:
        load_people(conn, tenant.id, generate_people(2500, seed=3))
    for fmt in ("csv", "ndjson"):
        found = export(tenant, fmt)
        assert len(found) == len({c["id"] for c in found}) == 2500
    with_filter = export(tenant, "json", stage="customer")
    assert {c["id"] for c in with_filter} == {c["id"] for c in customers(tenant, stage="customer")}


def test_sort_and_limit_give_the_first_customers_of_that_order(tenant):
    made = populate(tenant)
    ids = [c["id"] for c in made]
    # by default in creation order; a limit keeps the first
    assert [c["id"] for c in export(tenant, "json")] == ids
    assert [c["id"] for c in export(tenant, "ndjson", limit=2)] == ids[:2]
    assert [r["id"] for r in export(tenant, "csv", limit=3)] == ids[:3]
    # a sort key of the customer list: the export is the list's first customers
    by_name = export(tenant, "csv", sort="-first_name", limit=2)
    assert [r["first_name"] for r in by_name] == ["Eve", "Dee"]
    top = export(tenant, "json", sort="-ltv", limit=1)
    assert [c["id"] for c in top] == [ids[0]]  # Ada, the only one with LTV
    listed = [c["id"] for c in customers(tenant, sort="first_name", stage="customer")]
    assert [c["id"] for c in export(tenant, "ndjson", sort="first_name", stage="customer")] == (
        listed
    )
    assert len(listed) == 2


def test_a_bad_sort_or_limit_is_a_422_naming_it(tenant):
    populate(tenant)
    for params, field in (
        ({"limit": "0"}, "limit"),
        ({"limit": "many"}, "limit"),
        ({"sort": "shoe_size"}, "sort"),
        ({"sort": "relevance", "q": "ada"}, "sort"),
    ):
        response = tenant.client.get("/v1/exports", params=params, headers=tenant.headers())
        assert response.status_code == 422, (params, response.text)
        assert field in response.text, response.text


def test_a_sorted_export_over_many_pages_keeps_the_list_order(tenant, backend):
    with backend.owner.begin() as conn:
        load_people(conn, tenant.id, generate_people(1500, seed=5))
    listed = [c["id"] for c in customers(tenant, sort="last_name,-created_at")]
    found = [c["id"] for c in export(tenant, "ndjson", sort="last_name,-created_at")]
    assert found == listed
    assert len(found) == 1500
    first = export(tenant, "csv", sort="last_name,-created_at", limit=1200)
    assert [r["id"] for r in first] == listed[:1200]


def audit_entries(tenant: TenantCtx) -> list[dict]:
    return tenant.client.get(
        "/v1/audit", params={"action": "export"}, headers=tenant.headers()
    ).json()["items"]


def test_a_segment_that_does_not_exist_is_a_422_before_anything_is_sent_or_audited(tenant):
    populate(tenant)
    h = tenant.headers()
    gone = tenant.client.post("/v1/segments", json={"name": "Gone", "filter": "tag:vip"}, headers=h)
    view = tenant.client.post(
        "/v1/views", json={"name": "Old", "filter": f"segment:{gone.json()['id']}"}, headers=h
    )
    assert view.status_code == 201, view.text
    assert tenant.client.delete(f"/v1/segments/{gone.json()['id']}", headers=h).status_code == 204
    for params in (
        {"segment": "nonexistent"},
        {"segment_none": "nonexistent"},
        {"view": view.json()["id"]},
    ):
        for fmt in ("csv", "json", "ndjson"):
            response = tenant.client.get("/v1/exports", params={"format": fmt, **params}, headers=h)
            assert response.status_code == 422, (params, fmt, response.text)
            assert response.json()["error"]["details"][0]["field"] == "segment"
            assert "no segment" in response.json()["error"]["message"]
    assert audit_entries(tenant) == []


def test_an_unknown_parameter_is_a_422_naming_it_not_an_export_of_everyone(tenant):
    populate(tenant)
    h = tenant.headers()
    response = tenant.client.get("/v1/exports", params={"stages": "customer"}, headers=h)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["message"].startswith("unknown parameter: stages;")
    assert error["details"] == [{"field": "stages", "message": "not a parameter of exports"}]
    response = tenant.client.get(
        "/v1/exports", params={"stage": "customer", "tga": "vip", "cursor": "x"}, headers=h
    )
    assert response.status_code == 422, response.text
    assert response.json()["error"]["message"].startswith("unknown parameters: cursor, tga;")
    assert audit_entries(tenant) == []


def test_every_parameter_of_the_endpoint_and_every_list_filter_is_accepted(tenant):
    from rolodex.exports.endpoints import PARAMS
    from rolodex.search.params import OTHER_FILTERS, SIMPLE

    populate(tenant)
    spec = tenant.client.get("/openapi.json").json()["paths"]["/v1/exports"]["get"]
    assert {p["name"] for p in spec["parameters"] if p["in"] == "query"} == set(PARAMS)
    names = [*PARAMS, *SIMPLE, *OTHER_FILTERS, "attr.tier", "attr.score>", "attr.score>5"]
    for name in names:
        response = tenant.client.get("/v1/exports", params={name: "1"}, headers=tenant.headers())
        assert "not a parameter of exports" not in response.text, name
    # the documented filters of GET /v1/customers (SPEC §9), together: an export, not a 422
    documented = {
        "q": "ada", "stage": "customer", "status": "vip", "type": "guest,registered",
        "tag": "vip", "source": "api,manual", "country": "US", "ltv_min": "1",
        "ltv_max": "1000", "created_after": "-1d", "sort": "-ltv", "limit": "10",
    }  # fmt: skip
    assert [c["email"] for c in export(tenant, "ndjson", **documented)] == ["ada@example.com"]


def test_a_format_is_one_of_four_in_any_case_and_a_422_says_which(tenant):
    populate(tenant)
    for fmt in ("xml", "xls", ""):
        response = tenant.client.get(
            "/v1/exports", params={"format": fmt}, headers=tenant.headers()
        )
        assert response.status_code == 422, response.text
        error = response.json()["error"]
        assert error["message"] == "format: one of csv, json, ndjson, xlsx, vcard"
        assert error["details"][0]["field"] == "format"
    response = tenant.client.get("/v1/exports", params={"format": "CSV"}, headers=tenant.headers())
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert '.csv"' in response.headers["content-disposition"]
    response = tenant.client.get(
        "/v1/exports", params={"format": "NDJSON"}, headers=tenant.headers()
    )
    assert len([json.loads(line) for line in response.text.splitlines()]) == 5
    assert [e["meta"]["format"] for e in audit_entries(tenant)] == ["ndjson", "csv"]


def backdate(backend, tenant: TenantCtx, ids_and_dates: list[tuple[str, str]]) -> None:
    """Customers brought in with their historic creation dates (as an import keeps them)."""
    from datetime import datetime
    from uuid import UUID

    from sqlalchemy import update

    from rolodex.models import Customer

    with backend.owner.begin() as conn:
        for cid, when in ids_and_dates:
            conn.execute(
                update(Customer)
                .where(Customer.tenant_id == tenant.id, Customer.id == UUID(cid))
                .values(created_at=datetime.fromisoformat(when))
            )


def test_by_default_an_export_is_in_created_at_order_not_the_order_of_arrival(tenant, backend):
    made = [c["id"] for c in populate(tenant)]
    # arrived ada, bob, cy, dee, eve; created (elsewhere, years ago) cy, eve, ada, dee, bob
    dates = ["2019-03-01T00:00:00+00:00", "2023-01-01T00:00:00+00:00",
             "2015-06-30T12:00:00+00:00", "2020-01-01T00:00:00+00:00",
             "2015-06-30T12:00:01+00:00"]  # fmt: skip
    backdate(backend, tenant, list(zip(made, dates, strict=True)))
    created = [made[i] for i in (2, 4, 0, 3, 1)]
    assert [c["id"] for c in customers(tenant, sort="created_at")] == created
    for fmt in ("json", "ndjson", "csv"):
        assert [c["id"] for c in export(tenant, fmt)] == created, fmt
    assert [c["id"] for c in export(tenant, "ndjson", limit=2)] == created[:2]
    assert [c["id"] for c in export(tenant, "json", stage="customer")] == [made[2], made[0]]


def test_a_default_export_over_many_pages_is_in_created_at_order(tenant, backend):
    with backend.owner.begin() as conn:
        load_people(conn, tenant.id, generate_people(2500, seed=11))
    listed = [c["id"] for c in customers(tenant, sort="created_at")]
    assert listed != sorted(listed)  # the people were created before they came to Rolodex
    assert [c["id"] for c in export(tenant, "ndjson")] == listed
    assert [r["id"] for r in export(tenant, "csv", limit=1500)] == listed[:1500]
    assert [c["id"] for c in export(tenant, "json", sort="created_at")] == listed
    newest = [c["id"] for c in customers(tenant, sort="-created_at")]
    assert newest == listed[::-1]
    assert [c["id"] for c in export(tenant, "ndjson", sort="-created_at")] == newest
    assert [r["id"] for r in export(tenant, "csv", sort="-created_at", limit=1200)] == newest[:1200]
