"""The list's sortable columns (name, email, stage, status: the dashboard's column headers,
and an export's sort) read their pages from an index in that order, on both engines (under
row-level security on PostgreSQL), the first page and a page after a cursor alike. They had
none: every page sorted every customer of the tenant (300,000 customers: 260-410 ms a page)."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from rolodex.customers.repository import sort_keys
from rolodex.kit import pagination
from rolodex.models import Customer
from tests.plans import explain, page_after

SORTS = {"last_name": "Lovelace", "email": "ada@example.com", "lifecycle_stage": "customer",
         "status": "active"}  # fmt: skip


def _first_page(tenant, sort: str):
    keys = sort_keys(sort)
    return (
        select(Customer.id)
        .where(Customer.tenant_id == tenant.id, Customer.deleted_at.is_(None))
        .order_by(*pagination.order_by(keys))
        .limit(51)
    )


def _sorted_from_index(backend, plan: str, name: str) -> None:
    assert f"ix_customers_tenant_{name}_sort" in plan, plan
    if backend.name == "postgres":
        assert "Sort Key" not in plan, plan  # no sort of its own: the index's order
    else:
        assert "TEMP B-TREE" not in plan, plan


@pytest.mark.parametrize("name", sorted(SORTS))
@pytest.mark.parametrize("direction", ["", "-"])
def test_a_list_sorted_by_a_column_header_reads_an_index_in_that_order(
    backend, tenant, name, direction
):
    sort = f"{direction}{name}"
    _sorted_from_index(backend, explain(backend, tenant, _first_page(tenant, sort)), name)
    after = explain(backend, tenant, page_after(tenant, sort, [SORTS[name], uuid.uuid4()]))
    _sorted_from_index(backend, after, name)
    if backend.name == "postgres":
        cond = next(line for line in after.splitlines() if "Index Cond" in line)
        assert "ROW(" in cond, after  # the cursor bounds the scan


def test_a_list_sorted_by_name_or_email_is_in_that_order(backend, tenant, app_client):
    for first, last, email in (("Ada", "Lovelace", "b@example.com"), ("Bo", None, None),
                               ("Cy", "Adams", "a@example.com")):  # fmt: skip
        body = {"first_name": first, "last_name": last, "email": email}
        made = app_client.post("/v1/customers", json=body, headers=tenant.headers())
        assert made.status_code == 201, made.text

    def names(sort: str) -> list[str]:
        page = app_client.get(f"/v1/customers?sort={sort}&limit=2", headers=tenant.headers())
        out = [c["first_name"] for c in page.json()["items"]]
        cursor = page.json()["next_cursor"]
        page = app_client.get(
            f"/v1/customers?sort={sort}&limit=2&cursor={cursor}", headers=tenant.headers()
        )
        return out + [c["first_name"] for c in page.json()["items"]]

    assert names("last_name") == ["Bo", "Cy", "Ada"]  # no last name sorts first, as ''
    assert names("-last_name") == ["Ada", "Cy", "Bo"]
    assert names("email") == ["Bo", "Cy", "Ada"]
