"""A common name past the blocking cap, and one mailbox shared by two people (both engines).

Blocking by name meets the oldest 50 holders of a name key. The customer a record is, newer
than 50 namesakes who live elsewhere, must still be found by its postcode or birth date: by
an import (any batch, dry run or real) and by POST /v1/customers?match=true alike."""

from __future__ import annotations

from typing import Any

import pytest

from rolodex.identity import repository
from tests.conftest import TenantCtx, make_tenant
from tests.imports.helpers import (
    crowd,
    csv_text,
    customers,
    imported,
    imported_and_posted,
    label,
    queued_pairs,
    rows,
)
from tests.imports.test_runs import run_inline, start

CHICAGO = {
    "first_name": "John",
    "last_name": "Smith",
    "addresses": [{"line1": "5 Lake St", "postcode": "60601", "city": "Chicago", "country": "US"}],
}
NEW_YORK = {"line1": "1 Main St", "postcode": "10001", "city": "New York", "country": "US"}


def _the_real_john(tenant: TenantCtx, **extra: Any) -> str:
    body = {
        "first_name": "John",
        "last_name": "Smith",
        "email": "js1980@example.com",
        "attributes": {"base": "real", "date_of_birth": "1980-01-01"},
        "addresses": [{**NEW_YORK, "postcode": "10001-1234"}],  # ZIP+4: keyed 10001
        **extra,
    }
    made = tenant.client.post("/v1/customers", json=body, headers=tenant.headers())
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


@pytest.mark.parametrize("walk", [2000, 0], ids=["by the postcode", "by the name"])
def test_past_the_cap_the_namesake_with_the_same_postcode_or_birth_date_is_found(
    tenant, monkeypatch, walk
):
    """Found through the postcode's addresses, or (a postcode held by more than
    POSTCODE_WALK addresses) by walking the name's holders: the same customers either way."""
    monkeypatch.setattr(repository, "POSTCODE_WALK", walk)
    one_by_one = make_tenant(tenant.client, "One by one")
    for t in (tenant, one_by_one):
        crowd(t, CHICAGO, 55)  # 55 older John Smiths in Chicago
        _the_real_john(t)  # the 56th, the newest
    dob = {"date_of_birth": "1980-01-01"}
    incoming = [
        # postcode and birth date: 0.97, the same person
        {"first_name": "John", "last_name": "Smith", "company": "Acme", "attributes": dob,
         "addresses": [NEW_YORK]},
        # the postcode alone, or the birth date alone: below auto-merge, for review
        {"first_name": "John", "last_name": "Smith",
         "addresses": [{"postcode": "10001", "country": "US"}]},
        {"first_name": "John", "last_name": "Smith", "attributes": dob},
    ]  # fmt: skip
    report, outcomes = imported_and_posted(tenant, one_by_one, incoming)
    assert outcomes == ["matched", "created", "created"]
    people = {c["id"]: c for c in customers(tenant, limit=200)}
    assert label(people[report[0]["customer_id"]]) == "real"
    assert people[report[0]["customer_id"]]["company"] == "Acme"
    queued = queued_pairs(tenant)
    assert queued == queued_pairs(one_by_one)
    assert {("real", "row 2"), ("real", "row 3")} <= queued


def test_a_dry_run_and_the_real_run_agree_on_a_crowded_name_across_batches(tenant):
    crowd(tenant, CHICAGO, 55)
    john = ["John", "Smith", "1980-01-01", "1 Main St", "10001", "New York", "US"]
    lines = [["first_name", "last_name", "date_of_birth", "line1", "postcode", "city", "country"]]
    lines += [john, ["Ann", "Other", "", "", "", "", ""], john]  # batches of 2: row 3 alone
    file = csv_text(lines)

    def run(dry_run: bool) -> list[tuple[str, str | None]]:
        import_id = start(tenant, file, dry_run=dry_run)
        run_inline(tenant, import_id, batch_rows=2)
        return [(r["action"], r["matched_row"]) for r in rows(tenant, import_id)]

    planned = run(True)
    assert planned == [("create", None), ("create", None), ("unchanged", 1)]
    assert run(False) == planned
    assert len(customers(tenant, q="smith", limit=200)) == 56


def test_a_family_sharing_one_gmail_mailbox_stays_two_customers(tenant):
    """Shopify customers 5001 and 5002 write one Gmail mailbox two ways under two names:
    two people, queued for review. 5003 is the first one again, under her name."""
    file = csv_text(
        [
            ["Customer ID", "First Name", "Last Name", "Email"],
            ["5001", "Jane", "Doe", "jane.doe+shop@gmail.com"],
            ["5002", "John", "Doe", "janedoe+kids@gmail.com"],
            ["5003", "Jane", "Doe", "Jane.Doe@googlemail.com"],
        ]
    )
    done = imported(tenant, file, source="shopify", mapping={"Customer ID": "external_id"})
    counts = done["progress"]
    assert (counts["created"], counts["updated"], counts["failed"]) == (2, 1, 0), done
    people = customers(tenant)
    assert sorted(c["first_name"] for c in people) == ["Jane", "John"]
    pairs = tenant.client.get("/v1/duplicates", headers=tenant.headers()).json()["items"]
    assert [p["score"] for p in pairs] == [0.8]


def test_a_sheet_without_emails_or_phones_imported_twice_makes_no_duplicates(tenant):
    file = csv_text(
        [
            ["Name", "Address", "Zip", "City", "Country"],
            ["John Smith", "12 Main St", "10001", "New York", "US"],
            ["Ana Lima", "3 Rua Augusta", "1100-048", "Lisboa", "PT"],
            ["Kim Ngô", "5 Oak Ave", "94110", "San Francisco", "US"],
        ]
    )
    first = imported(tenant, file)["progress"]
    assert (first["created"], first["failed"]) == (3, 0)
    second = imported(tenant, file)["progress"]
    assert (second["created"], second["unchanged"], second["failed"]) == (0, 3, 0)
    assert len(customers(tenant)) == 3
