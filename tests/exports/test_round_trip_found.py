"""Round-trip defects the property (test_round_trip_property.py) found, each as a plain case:
a customer exported to CSV and imported into an empty tenant must come back as it was."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import TenantCtx, make_tenant
from tests.exports.test_exports_api import export
from tests.imports.helpers import imported


def csv_copy(
    tenant: TenantCtx, body: dict[str, Any], fmt: str = "csv"
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The customer ``body`` makes (its JSON export record), and as a CSV (``fmt``) export of
    it imported into an empty tenant gives it back."""
    made = tenant.client.post("/v1/customers", json=body, headers=tenant.headers())
    assert made.status_code == 201, made.text
    file = tenant.client.get("/v1/exports", params={"format": fmt}, headers=tenant.headers())
    empty = make_tenant(tenant.client, f"Copy {fmt}")
    run = imported(empty, file.content, f"customers.{fmt}")
    assert (run["state"], run["progress"]["created"], run["progress"]["failed"]) == ("done", 1, 0)
    (original,) = export(tenant, "json")
    (copy,) = export(empty, "json")
    return original, copy


def test_tags_that_look_like_another_tools_lists_come_back_as_they_were(tenant):
    """A tag holding ":::" (Google Contacts' separator) was split in three on import, and a
    tag in double quotes (Mailchimp quotes each tag) lost its quotes."""
    tags = ["a:::b:::c", '"quoted"', "plain"]
    original, copy = csv_copy(tenant, {"email": "t@example.com", "tags": tags})
    assert sorted(original["tags"]) == sorted(tags)
    assert copy["tags"] == original["tags"]


def test_a_value_with_a_line_break_and_then_a_lone_cr_comes_back(tenant):
    """A quoted value running over lines whose next line holds a lone CR ("one\\r\\ntwo\\rthree"):
    the check whether that line looks like a record of its own read it with the csv module,
    which refused the CR, and the whole row failed ("a line break inside a value that is not
    quoted")."""
    notes = "one\r\ntwo\rthree"
    original, copy = csv_copy(tenant, {"email": "cr@example.com", "notes": notes})
    assert original["notes"] == notes
    assert copy["notes"] == notes


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_keys_and_sources_keep_the_separator_characters_the_api_keeps(tenant, fmt):
    """The API trims text as pydantic does, keeping the information separators \x1c-\x1f
    at the ends; an import trimmed external ids and consent sources with str.strip(), which
    takes them off, so the copy's were other ids."""
    body = {
        "email": "fs@example.com",
        "consent": {"email": True, "source": "\x1fshop\x1c"},
        "sources": [{"source": "shopify", "external_id": "\x1c42\x1d"}],
    }
    original, copy = csv_copy(tenant, body, fmt)
    assert original["sources"][0]["external_id"] == "\x1c42\x1d"
    assert original["consent"]["email_source"] == "\x1fshop\x1c"
    assert copy["sources"][0]["external_id"] == "\x1c42\x1d"
    assert copy["consent"]["email_source"] == "\x1fshop\x1c"


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_name_of_only_a_separator_character_comes_back(tenant, fmt):
    """The API keeps a first or last name of only U+001C..U+001F (pydantic does not trim
    them); an import took such a cell for blank (str.strip() trims them) and the copy had no
    name."""
    body = {"email": "sep@example.com", "first_name": "\x1f", "last_name": "\x1c"}
    original, copy = csv_copy(tenant, body, fmt)
    assert (original["first_name"], original["last_name"]) == ("\x1f", "\x1c")
    assert (copy["first_name"], copy["last_name"]) == ("\x1f", "\x1c")


def test_addresses_made_in_one_request_keep_their_order_in_every_export_and_copy(tenant):
    """The API gives the addresses of one request one creation time, and addresses were
    ordered by default first, then creation time only: the others came in whatever order the
    database returned them, which on PostgreSQL changed from one export to the next, so a
    copy's address1, address2... were another export's."""
    cities = ["A-town", "B-town", "C-town", "D-town", "E-town"]
    addresses = [{"city": c, "country": "DE"} for c in cities]
    addresses[2]["is_default"] = True
    for n in range(4):
        body = {"email": f"five{n}@example.com", "addresses": addresses}
        made = tenant.client.post("/v1/customers", json=body, headers=tenant.headers())
        assert made.status_code == 201, made.text
    want = ["C-town", "A-town", "B-town", "D-town", "E-town"]  # the default first
    for _ in range(3):
        for record in export(tenant, "json"):
            assert [a["city"] for a in record["addresses"]] == want
    shown = tenant.client.get("/v1/customers", headers=tenant.headers()).json()["items"]
    assert [[a["city"] for a in c["addresses"]] for c in shown] == [want] * 4
    file = tenant.client.get("/v1/exports", params={"format": "csv"}, headers=tenant.headers())
    empty = make_tenant(tenant.client, "Copy")
    run = imported(empty, file.content, "customers.csv")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (4, 0)
    for record in export(empty, "json"):
        assert [a["city"] for a in record["addresses"]] == want


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_first_line_of_parts_two_spaces_apart_stays_the_first_line(tenant, fmt):
    """An import reads an address cell of parts two spaces apart as Mailchimp's whole address
    in one cell ("1 Main St  Apt 4  Springfield  IL  62704  US"), and so split an export's
    first line that the API had kept as written, when the address had no other part: an
    export's file has its columns (keys) for the other parts, so it is not split."""
    line1 = "1 Main St  Apt 4  Springfield  IL  62704  US"
    body = {"email": "mc@example.com", "addresses": [{"line1": line1}]}
    original, copy = csv_copy(tenant, body, fmt)
    assert original["addresses"][0]["line1"] == line1
    assert [{**a, "id": None} for a in copy["addresses"]] == [
        {**a, "id": None} for a in original["addresses"]
    ]


def test_negative_numbers_are_written_as_numbers_and_come_back(tenant):
    """A longitude west of Greenwich, a latitude south of the equator and a negative number
    attribute were written as text ("'-33.86"): a spreadsheet showed them as such and could
    not sum them. A plain negative number is no formula."""
    body = {
        "email": "sydney@example.com",
        "addresses": [{"city": "Sydney", "country": "AU", "lat": -33.86, "lng": -151.2}],
        "attributes": {"score": -5, "balance": -0.5, "code": "-5-5"},
    }
    original, copy = csv_copy(tenant, body)
    file = tenant.client.get("/v1/exports", params={"format": "csv"}, headers=tenant.headers())
    header, row = file.text.splitlines()[:2]
    cells = dict(zip(header.split(","), row.split(","), strict=True))
    assert (cells["address1_lat"], cells["address1_lng"]) == ("-33.86", "-151.2")
    assert (cells["attr.score"], cells["attr.balance"]) == ("-5", "-0.5")
    assert cells["attr.code"] == "'-5-5"  # a formula still is not one
    assert copy["addresses"][0]["lat"] == -33.86
    assert copy["attributes"] == original["attributes"] == body["attributes"]
