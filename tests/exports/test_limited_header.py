"""A limited export's CSV header (on SQLite and PostgreSQL) is that of the customers in it:
the first N of its order, not every customer of its filter."""

from __future__ import annotations

import csv
import io

from tests.conftest import TenantCtx


def header(tenant: TenantCtx, **params: str) -> tuple[list[str], list[dict[str, str]]]:
    r = tenant.client.get(
        "/v1/exports", params={"format": "csv", **params}, headers=tenant.headers()
    )
    assert r.status_code == 200, r.text
    rows = list(csv.reader(io.StringIO(r.text.lstrip("\ufeff"))))
    return rows[0], [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_the_header_of_a_limited_export_holds_the_columns_of_its_customers_only(tenant):
    h = tenant.headers()
    people = [
        {"email": "amy@example.com", "first_name": "Amy", "attributes": {"tier": "gold"},
         "addresses": [{"city": "Oslo", "country": "NO"}]},
        {"email": "zed@example.com", "first_name": "Zed", "attributes": {"shoe_size": 44},
         "addresses": [{"city": "Rome", "country": "IT"}, {"city": "Bari", "country": "IT"}]},
    ]  # fmt: skip
    for body in people:
        assert tenant.client.post("/v1/customers", json=body, headers=h).status_code == 201
    columns, rows = header(tenant, limit="1")  # the first created: Amy
    assert [r["email"] for r in rows] == ["amy@example.com"]
    assert [c for c in columns if c.startswith("attr.")] == ["attr.tier"]
    assert "address1_city" in columns
    assert "address2_city" not in columns  # Zed's second address is not in this file
    columns, rows = header(tenant, sort="-first_name", limit="1")
    assert [r["email"] for r in rows] == ["zed@example.com"]
    assert [c for c in columns if c.startswith("attr.")] == ["attr.shoe_size"]
    assert rows[0]["address2_city"] == "Bari"
    columns, rows = header(tenant, sort="first_name", limit="2", q="example")
    assert [c for c in columns if c.startswith("attr.")] == ["attr.shoe_size", "attr.tier"]
    assert [r["first_name"] for r in rows] == ["Amy", "Zed"]
