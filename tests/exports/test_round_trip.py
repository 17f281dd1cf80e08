"""Round trip on SQLite and PostgreSQL: export a tenant to each format, import the file into an
empty tenant, export again: the same content.

Compared: every field of every customer, its id included (the copy keeps the export's ids),
except what the system assigns (the addresses' ids, ``updated_at``) and when a source was
last synced (CSV has no column for it). Order-insensitive."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

from tests.conftest import TenantCtx, make_tenant
from tests.exports.test_exports_api import export
from tests.imports.helpers import imported

SYSTEM = ("updated_at",)


def rich_customers(tenant: TenantCtx) -> None:
    h = tenant.headers()
    bodies: list[dict[str, Any]] = [
        {
            "email": "Ada.Lovelace@Example.com",
            "phone": "+1 415 555 0100",
            "first_name": "Ada",
            "last_name": "Lovelace",
            "company": "=Engines, Inc.",
            "lifecycle_stage": "lead_qualified",
            "status": "vip",
            "customer_type": "wholesale",
            "tags": ["vip", "newsletter", "spring sale"],
            "notes": 'Line one\nline "two", with a comma',
            "internal_notes": "-call back",
            "attributes": {
                "tier": "gold",
                "score": 5,
                "ratio": 0.25,
                "active": True,
                "five": "5",
                "blank": "",
                "nested": {"a": [1, "x"]},
                "none": None,
                " padded ": "spaces are part of the name",
            },
            "consent": {"email": True, "sms": False, "source": "checkout"},
            "acquisition_source": "google",
            "utm": {
                "source": "news",
                "medium": "email",
                "campaign": "spring",
                "term": "crm",
                "content": "hero",
            },
            "addresses": [
                {
                    "type": "billing",
                    "line1": "1 Main St",
                    "line2": "Apt 2",
                    "city": "San Francisco",
                    "region": "CA",
                    "postcode": "94110",
                    "country": "US",
                    "lat": 37.75,
                    "lng": -122.41,
                    "timezone": "America/Los_Angeles",
                },
                {
                    "type": "shipping",
                    "is_default": True,
                    "line1": "9 Dock Rd",
                    "city": "Oakland",
                    "postcode": "94607",
                    "country": "US",
                },
            ],
            "sources": [{"source": "shopify", "external_id": "sh-1001"}],
            "last_active_at": "2024-02-03T04:05:06.123456Z",
        },
        {
            "phone": "+44 20 7946 0018",
            "first_name": "Zoë",
            "last_name": "O'Brien",
            "tags": ["+plus", "@at", "red;blue", "a|b", "c,d", "[x]"],  # separators in tags
            "sources": [{"source": "shopify", "external_id": "123|456"}],
        },
        {"email": "plain@example.com"},
        {"email": "withdrawn@example.com", "first_name": "Wanda", "consent": {"sms": True}},
        # two people of one household: one phone, one name; kept apart here, so in the copy
        {
            "first_name": "Sam",
            "last_name": "Lee",
            "phone": "+1 415 555 0150",
            "email": "sam@example.com",
        },
        {"first_name": "Sam", "last_name": "Lee", "phone": "(415) 555-0150"},
        # a phone read in the tenant's region (US), living in Germany
        {
            "first_name": "Hans",
            "phone": "(415) 555-0101",
            "addresses": [
                {"line1": "Hauptstr. 1", "city": "Berlin", "postcode": "10115", "country": "DE"}
            ],
        },
    ]
    made = [tenant.client.post("/v1/customers", json=b, headers=h).json() for b in bodies]
    # LTV and a stage history; a withdrawn consent keeps its time; a deleted one stays home
    tenant.client.post(
        f"/v1/customers/{made[0]['id']}/transitions",
        json={"stage": "customer", "ltv_amount": "250.75"},
        headers=h,
    )
    tenant.client.patch(
        f"/v1/customers/{made[3]['id']}", json={"consent": {"sms": False}}, headers=h
    )
    gone = tenant.client.post("/v1/customers", json={"email": "gone@example.com"}, headers=h)
    tenant.client.delete(f"/v1/customers/{gone.json()['id']}", headers=h)


def comparable(records: list[dict[str, Any]], synced: bool = False) -> list[str]:
    """Records as text to compare, without what a copy cannot keep: ids of addresses, update
    times, and unless ``synced`` (a CSV file does not hold them) when sources last synced."""
    out = []
    for record in records:
        doc = {k: v for k, v in record.items() if k not in SYSTEM}
        doc["addresses"] = [{k: v for k, v in a.items() if k != "id"} for a in doc["addresses"]]
        doc["sources"] = [
            {k: v for k, v in s.items() if synced or k != "last_synced_at"} for s in doc["sources"]
        ]
        out.append(json.dumps(doc, sort_keys=True))
    return sorted(out)


@pytest.mark.parametrize("fmt", ["csv", "json", "ndjson", "xlsx"])
def test_export_import_export_gives_the_same_content(tenant, fmt):
    rich_customers(tenant)
    original = export(tenant, "json")
    assert len(original) == 7
    file = tenant.client.get("/v1/exports", params={"format": fmt}, headers=tenant.headers())
    empty = make_tenant(tenant.client, f"Copy {fmt}")
    run = imported(empty, file.content, f"customers.{fmt}")
    assert (run["state"], run["progress"]["created"], run["progress"]["failed"]) == ("done", 7, 0)
    copied = export(empty, "json")
    # JSON lists each source's last sync, which the copy keeps; a sheet's columns are CSV's
    synced = fmt in ("json", "ndjson")
    assert comparable(copied, synced) == comparable(original, synced)
    again = empty.client.get("/v1/exports", params={"format": fmt}, headers=empty.headers())
    if synced:  # CSV holds ids and update times too: compare it through JSON only
        assert comparable([json.loads(x) for x in _records(again.text, fmt)], synced) == (
            comparable(original, synced)
        )


def _records(text: str, fmt: str) -> list[str]:
    if fmt == "json":
        return [json.dumps(d) for d in json.loads(text)]
    return text.splitlines()


def test_a_csv_copy_keeps_attribute_values_of_only_spaces(tenant):
    body = {"email": "pad@example.com", "attributes": {"gap": "  ", "break": "\n", "tab": "\t"}}
    made = tenant.client.post("/v1/customers", json=body, headers=tenant.headers())
    assert made.status_code == 201, made.text
    file = tenant.client.get("/v1/exports", params={"format": "csv"}, headers=tenant.headers())
    empty = make_tenant(tenant.client, "Copy")
    run = imported(empty, file.content, "customers.csv")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (1, 0)
    (copy,) = export(empty, "json")
    assert copy["attributes"] == {"gap": "  ", "break": "\n", "tab": "\t"}


def test_blank_text_is_no_value_so_every_format_copies_it_as_it_was(tenant):
    blank_texts = {
        "company": "",
        "notes": "  ",
        "internal_notes": "\n",
        "acquisition_source": "",
        "utm": {"source": "", "medium": " ", "campaign": "", "term": "", "content": ""},
        "consent": {"email": True, "source": " "},
        "addresses": [{"line1": "", "line2": " ", "city": "", "region": "", "postcode": "",
                       "country": "DE"}],
    }  # fmt: skip
    body = {"email": "blank@example.com", "first_name": "Bo", **blank_texts}
    made = tenant.client.post("/v1/customers", json=body, headers=tenant.headers())
    assert made.status_code == 201, made.text
    shown = made.json()
    assert [shown[k] for k in ("company", "notes", "internal_notes", "acquisition_source")] == [
        None
    ] * 4
    assert set(shown["utm"].values()) == {None}
    assert shown["consent"]["email_source"] is None
    address = shown["addresses"][0]
    assert {address[k] for k in ("line1", "line2", "city", "region", "postcode")} == {None}
    original = export(tenant, "json")
    for fmt in ("csv", "json"):
        file = tenant.client.get("/v1/exports", params={"format": fmt}, headers=tenant.headers())
        empty = make_tenant(tenant.client, f"Copy {fmt}")
        run = imported(empty, file.content, f"customers.{fmt}")
        assert (run["progress"]["created"], run["progress"]["failed"]) == (1, 0)
        assert comparable(export(empty, "json")) == comparable(original), fmt
    patched = tenant.client.patch(
        f"/v1/customers/{shown['id']}", json={"company": "Acme"}, headers=tenant.headers()
    )
    assert patched.json()["company"] == "Acme"
    cleared = tenant.client.patch(
        f"/v1/customers/{shown['id']}", json={"company": " "}, headers=tenant.headers()
    )
    assert cleared.json()["company"] is None


def test_a_csv_of_more_attribute_names_than_an_import_reads_columns_keeps_them_in_one(tenant):
    from rolodex.imports.reader import MAX_COLUMNS

    many = 11  # customers of 200 attributes each, 199 names their own: 2,190 names
    for i in range(many):
        attributes = {f"k{i}_{j}": j for j in range(199)} | {"tier": "=gold"}
        body = {"email": f"wide{i}@example.com", "attributes": attributes}
        made = tenant.client.post("/v1/customers", json=body, headers=tenant.headers())
        assert made.status_code == 201, made.text
    file = tenant.client.get("/v1/exports", params={"format": "csv"}, headers=tenant.headers())
    header = next(csv.reader(io.StringIO(file.text.lstrip("\ufeff"))))
    assert len(header) <= MAX_COLUMNS
    assert "attributes" in header
    assert not [c for c in header if c.startswith("attr.")]
    empty = make_tenant(tenant.client, "Copy")
    run = imported(empty, file.content, "customers.csv")
    assert (run["state"], run["progress"]["created"], run["progress"]["failed"]) == (
        "done",
        many,
        0,
    )
    assert comparable(export(empty, "json")) == comparable(export(tenant, "json"))
    # a tenant of fewer names keeps its attr.<name> columns
    few = export(tenant, "csv", q="wide0")  # one customer: 200 names
    assert few[0]["attr.tier"] == "'=gold"
    assert "attributes" not in few[0]


def _merged_then_filled(tenant: TenantCtx, filled: str | None, moved: str) -> None:
    """A customer made without a source id absorbs one holding ``moved`` of that source
    (``api``), then a PATCH fills its own link with ``filled``: an update, which PostgreSQL
    writes after the moved row and SQLite keeps in its place."""
    h = tenant.headers()
    ann = tenant.client.post("/v1/customers", json={"email": f"a{filled}@x.com"}, headers=h)
    bo = tenant.client.post(
        "/v1/customers",
        json={"email": f"b{moved}@x.com", "sources": [{"source": "api", "external_id": moved}]},
        headers=h,
    )
    merge = {"survivor_id": ann.json()["id"], "duplicate_id": bo.json()["id"]}
    assert tenant.client.post("/v1/merges", json=merge, headers=h).status_code in (200, 201)
    if filled is None:
        return
    patch = {"sources": [{"source": "api", "external_id": filled}]}
    r = tenant.client.patch(f"/v1/customers/{ann.json()['id']}", json=patch, headers=h)
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_links_of_one_source_are_exported_by_their_id_and_copied_as_they_were(tenant, fmt):
    """Two links of one source were exported in the rows' order (SQLite's, or PostgreSQL's
    as its plan read them: 78 before 77 on one, a link without an id last on the other), so
    one tenant's export differed by engine; they are in order of their id, none first."""
    _merged_then_filled(tenant, "78", "77")
    _merged_then_filled(tenant, "87", "88")
    _merged_then_filled(tenant, None, "66")
    wanted = {
        "a78@x.com": "api:77|api:78",
        "a87@x.com": "api:87|api:88",
        "aNone@x.com": "api:|api:66",
    }
    cells = {r["email"]: r["sources"] for r in export(tenant, "csv")}
    assert cells == wanted
    original = export(tenant, "json")
    listed = {
        d["email"]: "|".join(f"{s['source']}:{s['external_id'] or ''}" for s in d["sources"])
        for d in original
    }
    assert listed == wanted
    file = tenant.client.get("/v1/exports", params={"format": fmt}, headers=tenant.headers())
    empty = make_tenant(tenant.client, f"Links {fmt}")
    run = imported(empty, file.content, f"customers.{fmt}")
    assert (run["state"], run["progress"]["failed"]) == ("done", 0), run
    # The link without an id beside api:66 is copied too: a copy filled it with 66 and kept
    # one link, as a hand-written "api|api:66" gives one (tests/imports/test_source_ids.py).
    copied = export(empty, "json")
    assert comparable(copied, fmt != "csv") == comparable(original, fmt != "csv")
    again = imported(empty, file.content, f"customers.{fmt}")
    assert (again["progress"]["created"], again["progress"]["updated"]) == (0, 0), again
