"""Other tools' real export files through the import API, on SQLite and PostgreSQL: HubSpot,
Klaviyo and hand-made sheets are read (country names, their stages, consent words, US and
German dates, "Last, First" names, their ids), what cannot be read fails only its row with a
clear reason, and the dry run reports exactly what the real run then does."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import TenantCtx
from tests.imports.helpers import csv_text, customers, errors, imported, rows, upload


def _people(tenant: TenantCtx) -> dict[str, dict[str, Any]]:
    return {c["email_normalized"]: c for c in customers(tenant)}


def _report(tenant: TenantCtx, import_id: str) -> list[tuple[Any, ...]]:
    return [
        (r["row"], r["action"], r["matched_by"], tuple((e["field"], e["reason"]) for e in
                                                       r["errors"]))
        for r in rows(tenant, import_id)
    ]  # fmt: skip


HUBSPOT = csv_text(
    [
        ["Record ID", "First Name", "Last Name", "Email", "Phone Number",
         "Mobile Phone Number", "Country/Region", "Lifecycle Stage", "Create Date",
         "Marketing Opt-In"],
        ["101", "Ada", "Lovelace", "ada@example.com", "+1 415 555 0100", "", "Germany",
         "marketingqualifiedlead", "3/15/2023 2:02 PM", "yes"],
        ["102", "Grace", "Hopper", "grace@example.com", "", "+1 415 555 0101",
         "United States", "Lead", "2023-03-16 14:02", "no"],
        ["103", "Bob", "Builder", "bob@example.com", "", "", "USA", "Other", "15.03.2023",
         "opted in"],
        ["104", "Cy", "Young", "cy@example.com", "", "", "Atlantis", "Customer", "3/4/2023",
         "yes"],
        ["105", "Di", "Prince", "di@example.com", "", "", "UK", "Evangelist", "", ""],
    ]
)  # fmt: skip


def test_a_hubspot_export_is_imported_and_the_dry_run_said_exactly_what_it_did(tenant):
    dry = imported(tenant, HUBSPOT, dry_run=True, source="hubspot")
    assert customers(tenant) == []
    run = imported(tenant, HUBSPOT, source="hubspot")
    assert run["state"] == "done"
    p = run["progress"]
    assert (p["created"], p["updated"], p["failed"]) == (4, 0, 1)
    assert _report(tenant, dry["id"]) == _report(tenant, run["id"])
    assert dry["progress"]["created"] == 4
    people = _people(tenant)
    assert set(people) == {"ada@example.com", "grace@example.com", "bob@example.com",
                           "di@example.com"}  # fmt: skip
    ada, grace, bob, di = (people[f"{n}@example.com"] for n in ("ada", "grace", "bob", "di"))
    assert [c["addresses"][0]["country"] for c in (ada, grace, bob, di)] == ["DE", "US", "US",
                                                                            "GB"]  # fmt: skip
    assert [c["lifecycle_stage"] for c in (ada, grace, bob, di)] == [
        "lead_qualified", "prospect", "prospect", "customer",
    ]  # fmt: skip
    assert [ada["consent"]["email"], grace["consent"]["email"], bob["consent"]["email"]] == [
        True, False, True,
    ]  # fmt: skip
    assert ada["created_at"].startswith("2023-03-15T14:02")
    assert grace["created_at"].startswith("2023-03-16T14:02")
    assert bob["created_at"].startswith("2023-03-15T00:00")
    assert {"source": "import", "external_id": "hubspot:101"} in [
        {k: s[k] for k in ("source", "external_id")} for s in ada["sources"]
    ]
    # the mobile number column lost to "Phone Number" and said so: it is Grace's phone, who
    # has no other, and Ada keeps her phone
    assert any("'Mobile Phone Number' also looks like phone" in w for w in run["warnings"])
    assert (ada["phone_e164"], grace["phone_e164"]) == ("+14155550100", "+14155550101")
    assert "other_phone" not in ada["attributes"]
    # Cy's row: its problem, naming its column and value
    found = [(e["row"], e["column"], e["value"]) for e in errors(tenant, run["id"])]
    # 3/4/2023 could be either, but the file's other dates (3/15/2023) write month first
    assert found == [(4, "Country/Region", "Atlantis")]
    reasons = [e["reason"] for e in errors(tenant, run["id"])]
    assert "alpha-2" in reasons[0]


def test_a_klaviyo_export_keeps_its_profile_ids_and_consent_and_goes_back_to_them(tenant):
    text = csv_text(
        [
            ["Email", "First Name", "Last Name", "Country", "Email Marketing Consent",
             "SMS Marketing Consent", "Profile Created On", "Klaviyo ID"],
            ["ada@example.com", "Ada", "Lovelace", "Deutschland", "SUBSCRIBED",
             "NEVER_SUBSCRIBED", "2023-03-15 14:02:11", "01GZ8ADA"],
            ["bob@example.com", "Bob", "Builder", "España", "SPAM_REPORTED", "UNSUBSCRIBED",
             "2023-03-15T14:02:11+01:00", "01GZ8BOB"],
        ]
    )  # fmt: skip
    run = imported(tenant, text, source="klaviyo")
    assert run["progress"]["created"] == 2
    assert {c["name"]: c["field"] for c in run["columns"]} == {
        "Email": "email",
        "First Name": "first_name",
        "Last Name": "last_name",
        "Country": "address1_country",
        "Email Marketing Consent": "email_consent",
        "SMS Marketing Consent": "sms_consent",
        "Profile Created On": "created_at",
        "Klaviyo ID": "external_id",
    }
    people = _people(tenant)
    ada, bob = people["ada@example.com"], people["bob@example.com"]
    assert (ada["consent"]["email"], ada["consent"]["sms"]) == (True, False)
    assert (bob["consent"]["email"], bob["consent"]["sms"]) == (False, False)
    assert (ada["addresses"][0]["country"], bob["addresses"][0]["country"]) == ("DE", "ES")
    assert bob["created_at"].startswith("2023-03-15T13:02:11")
    assert [(s["source"], s["external_id"]) for s in ada["sources"]] == [("klaviyo", "01GZ8ADA")]
    # the same profiles again, one renamed: found by their Klaviyo ids, not duplicated
    again = imported(tenant, text.replace("Lovelace", "King"), source="klaviyo")
    assert [(r["action"], r["matched_by"]) for r in rows(tenant, again["id"])] == [
        ("update", "external_id"), ("unchanged", "external_id"),
    ]  # fmt: skip
    assert len(customers(tenant)) == 2


def test_a_hand_made_sheet_with_last_first_names_ids_and_a_status_of_stages(tenant):
    text = csv_text(
        [
            ["ID", "Name", "E-mail", "Status", "Date Created", "Date of Birth"],
            ["1", "Smith, John", "john@example.com", "Lead", "3/15/2023", "15.03.1980"],
            ["2", "John Smith, Jr.", "junior@example.com", "Customer", "15/03/2023", ""],
            ["3", "Lovelace, Ada", "ada@example.com", "VIP", "15.03.2023", "03/04/1980"],
            ["4", "Grace Hopper", "grace@example.com", "unsubscribed", "", ""],
            ["5", "Bad Status", "bad@example.com", "gold", "", ""],
        ]
    )
    run = imported(tenant, text)
    assert (run["progress"]["created"], run["progress"]["failed"]) == (4, 1)
    people = _people(tenant)
    john, junior, ada = (people[f"{n}@example.com"] for n in ("john", "junior", "ada"))
    assert (john["first_name"], john["last_name"]) == ("John", "Smith")
    assert (junior["first_name"], junior["last_name"]) == ("John", "Smith, Jr.")
    assert (ada["first_name"], ada["last_name"]) == ("Ada", "Lovelace")
    assert (john["lifecycle_stage"], junior["lifecycle_stage"]) == ("prospect", "customer")
    assert ada["status"] == "vip"
    assert people["grace@example.com"]["consent"]["email"] is False
    assert [c["created_at"][:10] for c in (john, junior, ada)] == ["2023-03-15"] * 3
    # a birth date that reads as one is stored as matching reads it; "03/04/1980" as written
    assert john["attributes"] == {"date_of_birth": "1980-03-15"}
    assert ada["attributes"] == {"date_of_birth": "03/04/1980"}
    # the other tool's ids are kept as external ids: the same sheet again changes nobody
    assert [s["external_id"] for s in john["sources"]] == ["1"]
    again = imported(tenant, text)
    report = rows(tenant, again["id"])
    assert [(r["action"], r["matched_by"]) for r in report[:4]] == [
        ("unchanged", "external_id")] * 4  # fmt: skip
    (err,) = report[4]["errors"]
    assert (err["column"], err["value"]) == ("Status", "gold")
    assert len(customers(tenant)) == 4


def test_a_json_export_named_csv_and_an_upper_case_format_are_imported(tenant):
    docs = [{"email": "ada@example.com", "name": "Lovelace, Ada", "country": "Germany"}]
    run = imported(tenant, json.dumps(docs), "export.csv")
    assert (run["state"], run["format"], run["progress"]["created"]) == ("done", "json", 1)
    assert any("named 'export.csv' but holds JSON" in w for w in run["warnings"])
    ada = _people(tenant)["ada@example.com"]
    assert (ada["first_name"], ada["last_name"]) == ("Ada", "Lovelace")
    assert ada["addresses"][0]["country"] == "DE"
    ndjson = '{"email": "bob@example.com"}\n{"email": "cy@example.com"}\n'
    run = imported(tenant, ndjson, "export.txt", format="NDJSON")
    assert (run["format"], run["progress"]["created"]) == ("ndjson", 2)
    run = imported(tenant, json.dumps([{"email": "di@example.com"}]), "x.json", format="Json")
    assert run["progress"]["created"] == 1
    response = upload(tenant, "email\nx@example.com\n", format="XML")
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "format"


def test_the_preview_shows_how_another_tools_file_is_read(tenant):
    text = csv_text(
        [
            ["Email", "Country/Region", "Lifecycle Stage", "Create Date", "Type",
             "SMS Marketing Consent"],
            ["ada@example.com", "Österreich", "Sales Qualified Lead", "15.03.2023", "Person",
             "SUBSCRIBED"],
        ]
    )  # fmt: skip
    response = upload(tenant, text, path="/v1/imports/preview")
    assert response.status_code == 200, response.text
    body = response.json()
    assert {c["name"]: c["field"] for c in body["columns"]}["Type"] is None
    assert any("'Type' is not imported" in w for w in body["warnings"])
    (row,) = body["rows"]
    assert row["errors"] == []
    values = row["values"]
    assert values["addresses"][0]["country"] == "AT"
    assert values["lifecycle_stage"] == "lead_qualified"
    assert values["created_at"].startswith("2023-03-15T00:00:00")
    assert values["sms_consent"] == "True"


def test_a_second_phone_column_is_the_phone_of_rows_without_one_and_kept_beside_it(tenant):
    text = csv_text(
        [
            ["Email", "Phone Number", "Mobile Phone Number"],
            ["ada@example.com", "+1 415 555 0100", "+1 415 555 0199"],
            ["grace@example.com", "", "(415) 555-0101"],
            ["bob@example.com", "+1 415 555 0102", "+1 415 555 0102"],
            ["cy@example.com", "", "555"],
        ]
    )  # fmt: skip
    dry = imported(tenant, text, dry_run=True)
    run = imported(tenant, text)
    assert (run["progress"]["created"], run["progress"]["failed"]) == (3, 1)
    assert _report(tenant, dry["id"]) == _report(tenant, run["id"])
    people = _people(tenant)
    ada, grace, bob = (people[f"{n}@example.com"] for n in ("ada", "grace", "bob"))
    assert [c["phone_e164"] for c in (ada, grace, bob)] == [
        "+14155550100", "+14155550101", "+14155550102",
    ]  # fmt: skip
    assert ada["attributes"] == {"other_phone": "+1 415 555 0199"}
    assert grace["attributes"] == bob["attributes"] == {}
    # a bad mobile number standing in for the phone is that column's error
    [error] = errors(tenant, run["id"])
    assert (error["row"], error["field"], error["column"], error["value"]) == (
        4, "phone", "Mobile Phone Number", "555",
    )  # fmt: skip


def test_billing_and_shipping_columns_make_a_billing_and_a_shipping_address(tenant):
    text = csv_text(
        [
            ["Email", "Billing Address 1", "Billing City", "Billing Zip", "Shipping Address 1",
             "Shipping City", "Shipping Zip", "Shipping Country"],
            ["ada@example.com", "1 Bill St", "Boston", "02134", "2 Ship Rd", "Austin",
             "73301", "US"],
        ]
    )  # fmt: skip
    assert imported(tenant, text)["progress"]["created"] == 1
    [ada] = customers(tenant)
    kinds = {a["line1"]: a["type"] for a in ada["addresses"]}
    assert kinds == {"1 Bill St": "billing", "2 Ship Rd": "shipping"}
    # a plain address, and one whose columns say both kinds, are both
    text = csv_text(
        [
            ["Email", "Address", "City", "Billing Zip"],
            ["bob@example.com", "3 Any Ave", "Denver", "80201"],
        ]
    )  # fmt: skip
    imported(tenant, text)
    bob = _people(tenant)["bob@example.com"]
    assert [(a["line1"], a["type"]) for a in bob["addresses"]] == [("3 Any Ave", "both")]
