"""An import told to overwrite (or matching by external key) writes the file's spelling of a
value, also when it differs from the stored one only in case, accents or punctuation: a list
that corrects "jose garcia" to "José García" is taken (SQLite and PostgreSQL)."""

from __future__ import annotations

from tests.conftest import TenantCtx
from tests.imports.helpers import csv_text, customer, imported, rows


def test_overwrite_takes_a_correction_of_case_and_accents(tenant: TenantCtx) -> None:
    made = tenant.client.post(
        "/v1/customers",
        json={"email": "jose@example.com", "first_name": "jose", "last_name": "garcia",
              "company": "acme inc"},
        headers=tenant.headers(),
    ).json()  # fmt: skip
    table = [["email", "first_name", "last_name", "company"],
             ["jose@example.com", "José", "García", "ACME Inc."]]  # fmt: skip
    run = imported(tenant, csv_text(table), overwrite=True)
    assert run["progress"]["updated"] == 1, run["progress"]
    after = customer(tenant, made["id"])
    assert (after["first_name"], after["last_name"], after["full_name"], after["company"]) == (
        "José",
        "García",
        "José García",
        "ACME Inc.",
    )
    # the same file again changes nothing
    again = imported(tenant, csv_text(table), overwrite=True)
    assert again["progress"]["updated"] == 0, again["progress"]


def test_an_external_key_takes_a_correction_of_case(tenant: TenantCtx) -> None:
    first = [["external_id", "first_name", "last_name"], ["K-1", "ANN", "o'neil"]]
    imported(tenant, csv_text(first))
    imported(
        tenant, csv_text([["external_id", "first_name", "last_name"], ["K-1", "Ann", "O’Neil"]])
    )
    (only,) = tenant.client.get("/v1/customers", headers=tenant.headers()).json()["items"]
    assert (only["first_name"], only["last_name"]) == ("Ann", "O’Neil")


def test_fill_reports_no_conflict_for_case_only(tenant: TenantCtx) -> None:
    made = tenant.client.post(
        "/v1/customers", json={"email": "k@example.com", "first_name": "kim"},
        headers=tenant.headers(),
    ).json()  # fmt: skip
    run = imported(tenant, csv_text([["email", "first_name"], ["k@example.com", "Kim"]]))
    (row,) = rows(tenant, run["id"])
    assert not (row["changes"] or {}).get("conflicts")
    assert customer(tenant, made["id"])["first_name"] == "kim"


def test_overwrite_leaves_a_value_written_in_another_unicode_form(tenant: TenantCtx) -> None:
    """ "José" with its accent as one character or as e and a combining accent (as some Macs
    write files) is the same name: no update, no audit entry, for a difference no one sees."""
    made = tenant.client.post(
        "/v1/customers", json={"email": "j@example.com", "first_name": "Jos\u00e9"},
        headers=tenant.headers(),
    ).json()  # fmt: skip
    table = [["email", "first_name"], ["j@example.com", "Jose\u0301"]]
    run = imported(tenant, csv_text(table), overwrite=True)
    assert run["progress"]["unchanged"] == 1, run["progress"]
    assert customer(tenant, made["id"])["first_name"] == "Jos\u00e9"
