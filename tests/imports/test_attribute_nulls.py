"""A custom attribute cell reading ``null`` is no value, as a blank cell and a JSON null are
(SQLite and PostgreSQL): the API stores no null attribute (null removes one), so an import
neither stores ``{"plan": null}`` nor erases a stored plan with it."""

from __future__ import annotations

from tests.conftest import TenantCtx
from tests.imports.helpers import csv_text, customer, customers, imported


def test_a_null_attribute_cell_neither_stores_null_nor_erases(tenant: TenantCtx) -> None:
    made = tenant.client.post(
        "/v1/customers",
        json={"email": "n@example.com", "attributes": {"plan": "gold", "word": "null"}},
        headers=tenant.headers(),
    ).json()
    table = [["email", "attr.plan", "attr.seats", "attr.list"],
             ["n@example.com", "null", "null", "[1, null]"],
             ["m@example.com", "null", "null", "{\"a\": null}"]]  # fmt: skip
    for overwrite in (False, True):
        run = imported(tenant, csv_text(table), overwrite=overwrite)
        assert run["state"] == "done", run
    assert customer(tenant, made["id"])["attributes"] == {
        "plan": "gold",
        "word": "null",
        "list": [1, None],  # a null inside a value is the value's, as the API keeps it
    }
    (new,) = [c for c in customers(tenant) if c["email"] == "m@example.com"]
    assert new["attributes"] == {"list": {"a": None}}
