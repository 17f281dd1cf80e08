"""A stored address the file gives again (the same street and postcode) with other parts, on
SQLite and PostgreSQL: its empty parts are filled, the rest replaced when the import replaces
what is stored (else kept and said), the row reports the change, a dry run says the same, and
revert puts the parts back unless the address was changed since. A city or country corrected
in a spreadsheet used to be dropped and the row reported unchanged."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import TenantCtx
from tests.imports.helpers import customer, imported_table, made, reverted, rows

HEADER = ["email", "address1_line1", "address1_postcode", "address1_city", "address1_region",
          "address1_country"]  # fmt: skip


def _bob(tenant: TenantCtx) -> dict[str, Any]:
    return made(
        tenant,
        {
            "email": "bob@example.com",
            "addresses": [
                {"line1": "Hauptstr. 1", "postcode": "10115", "city": "Berlin", "country": "DE"},
                {"line1": "9 Side St", "postcode": "1010", "type": "billing"},
            ],
        },
    )


def _parts(c: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [(a["line1"], a["city"], a["region"], a["country"], a["is_default"])
            for a in c["addresses"]]  # fmt: skip


BERLIN = ("Hauptstr. 1", "Berlin", None, "DE", True)


def test_an_import_that_replaces_corrects_a_stored_address(tenant):
    bob = _bob(tenant)
    table = [HEADER, ["bob@example.com", "Hauptstr 1", "10115", "Wien", "W", "AT"]]
    run_id = imported_table(tenant, table, overwrite=True)
    after = customer(tenant, bob["id"])
    assert _parts(after)[0] == ("Hauptstr. 1", "Wien", "W", "AT", True)  # the same address
    assert _parts(after)[1] == _parts(bob)[1]
    (row,) = rows(tenant, run_id)
    assert row["action"] == "update"
    assert row["changes"]["addresses_changed"] == [
        [after["addresses"][0]["id"], {"city": "Berlin", "region": None, "country": "DE"},
         {"city": "Wien", "region": "W", "country": "AT"}]
    ]  # fmt: skip
    back = reverted(tenant, run_id)
    assert (back["state"], back["reverted"]) == ("done", 1)
    assert _parts(customer(tenant, bob["id"])) == _parts(bob)


def test_an_import_that_fills_fills_only_empty_parts_and_says_what_it_kept(tenant):
    bob = _bob(tenant)
    table = [HEADER, ["bob@example.com", "Hauptstr. 1", "10115", "Wien", "Berlin", "AT"],
             ["bob@example.com", "9 Side St", "1010", "Vienna", "", "AT"]]  # fmt: skip
    dry = rows(tenant, imported_table(tenant, table, dry_run=True))
    run_id = imported_table(tenant, table)
    after = customer(tenant, bob["id"])
    # the region was empty: filled; the city and country were not: kept, and said
    assert _parts(after)[0] == ("Hauptstr. 1", "Berlin", "Berlin", "DE", True)
    assert _parts(after)[1] == ("9 Side St", "Vienna", None, "AT", False)
    real = rows(tenant, run_id)
    assert [r["action"] for r in real] == [r["action"] for r in dry] == ["update", "update"]
    kept = {c["field"]: c for c in real[0]["changes"]["conflicts"]}
    assert kept["address.city"] == {"field": "address.city", "kept": "Berlin", "given": "Wien"}
    assert kept["address.country"]["given"] == "AT"
    # Since: a later import changed the second address; the first one's region goes back
    later = [HEADER, ["bob@example.com", "9 Side St", "1010", "Graz", "", ""]]
    imported_table(tenant, later, overwrite=True)
    back = reverted(tenant, run_id)
    assert (back["state"], back["partly"]) == ("partial", 1)
    assert _parts(customer(tenant, bob["id"])) == [BERLIN, ("9 Side St", "Graz", None, "AT", False)]


def test_the_same_address_given_again_is_unchanged(tenant):
    """Written another way it is the same address when filling; replacing, it is written as
    the file has it (as a name is: a correction of case is one too)."""
    bob = _bob(tenant)
    again = [HEADER, ["bob@example.com", "HAUPTSTR. 1", "10115", "berlin", "", "de"]]
    for fields in ({}, {"overwrite": True}):
        same = again if not fields else [HEADER, ["bob@example.com", "Hauptstr. 1", "10115",
                                                  "Berlin", "", "DE"]]  # fmt: skip
        (row,) = rows(tenant, imported_table(tenant, same, **fields))
        assert row["action"] == "unchanged", row["changes"]
        assert _parts(customer(tenant, bob["id"])) == _parts(bob)
    (row,) = rows(tenant, imported_table(tenant, again, overwrite=True))
    assert row["changes"]["addresses_changed"][0][1:] == [{"city": "Berlin"}, {"city": "berlin"}]


@pytest.mark.parametrize("survivor_first", [True, False])
def test_an_address_held_twice_is_filled_in_the_one_shown_first(tenant, survivor_first):
    """A customer that absorbed another can hold one address twice (the merge moves the
    other's, not as its default); the file's parts fill the one shown first, its default.
    The last of them in the rows' order was filled: the moved one, or on SQLite, when the
    absorbed customer was made first, the default."""
    same = {"line1": "1 Main St", "postcode": "94110", "country": "US"}
    bodies = [{"email": "ann@example.com", "addresses": [same]}, {"email": "bo@example.com"}]
    bodies[1]["addresses"] = [same]
    made_in_order = [made(tenant, b) for b in (bodies if survivor_first else bodies[::-1])]
    ann, bo = made_in_order if survivor_first else made_in_order[::-1]
    merge = {"survivor_id": ann["id"], "duplicate_id": bo["id"]}
    merged = tenant.client.post("/v1/merges", json=merge, headers=tenant.headers())
    assert merged.status_code in (200, 201), merged.text
    held = customer(tenant, ann["id"])["addresses"]
    default = ann["addresses"][0]["id"]
    assert [(a["id"], a["is_default"]) for a in held] == [
        (default, True),
        (bo["addresses"][0]["id"], False),
    ]
    table = [HEADER, ["ann@example.com", "1 Main St", "94110", "San Francisco", "CA", "US"]]
    dry = rows(tenant, imported_table(tenant, table, dry_run=True))
    real = rows(tenant, imported_table(tenant, table))
    for row in (dry[0], real[0]):
        assert row["changes"]["addresses_changed"] == [
            [default, {"city": None, "region": None}, {"city": "San Francisco", "region": "CA"}]
        ]
    after = customer(tenant, ann["id"])["addresses"]
    assert [(a["city"], a["region"], a["is_default"]) for a in after] == [
        ("San Francisco", "CA", True),
        (None, None, False),
    ]
