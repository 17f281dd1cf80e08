"""An export's ``id`` column on import, on SQLite and PostgreSQL: it finds this tenant's
customer (an edited export goes back where it came from), a new customer takes it (a copy
keeps its ids), and records with different ids are never merged into one (where the file
comes from they were different customers). Its ``phone_e164`` is the phone as stored."""

from __future__ import annotations

import uuid

from tests.imports.helpers import csv_text, customers, imported, rows, status
from tests.imports.test_runs import run_inline, start

A, B, C = (str(uuid.UUID(int=n)) for n in (101, 102, 103))


def test_an_edited_export_goes_back_to_its_customers_by_id(tenant):
    h = tenant.headers()
    ada = tenant.client.post(
        "/v1/customers",
        json={"email": "ada@example.com", "first_name": "Ada", "company": "Old"},
        headers=h,
    ).json()
    # the spreadsheet changed her email and company: the id says who she is
    text = csv_text(
        [["id", "email", "first_name", "company"],
         [ada["id"], "ada@engines.example", "Ada", "Analytical Engines"]]
    )  # fmt: skip
    run = imported(tenant, text)
    assert (run["progress"]["updated"], run["progress"]["created"]) == (1, 0)
    (row,) = rows(tenant, run["id"])
    assert (row["matched_by"], row["customer_id"]) == ("id", ada["id"])
    after = tenant.client.get(f"/v1/customers/{ada['id']}", headers=h).json()
    assert (after["email"], after["company"]) == ("ada@engines.example", "Analytical Engines")
    assert len(customers(tenant)) == 1


def test_a_copy_keeps_its_ids_and_keeps_namesakes_with_one_phone_apart(tenant):
    # one household: one phone, one name, two customers; and the same id twice
    text = csv_text(
        [["id", "first_name", "last_name", "phone", "company"],
         [A, "Sam", "Lee", "+1 415 555 0150", ""],
         [B, "Sam", "Lee", "(415) 555-0150", ""],
         [A, "Sam", "Lee", "", "Lee & Co"]]
    )  # fmt: skip
    for dry_run in (True, False):
        run_id = start(tenant, text, dry_run=dry_run)
        run_inline(tenant, run_id, batch_rows=1)  # each record in its own batch
        report = rows(tenant, run_id)
        assert [(r["action"], r["customer_id"], r["matched_by"]) for r in report] == [
            ("create", A, None),
            ("create", B, None),
            ("update", A, "id"),
        ], dry_run
        assert report[2]["matched_row"] == 1
    made = {c["id"]: c for c in customers(tenant)}
    assert set(made) == {A, B}
    assert made[A]["company"] == "Lee & Co"


def test_an_id_of_a_deleted_customer_fails_its_row_and_create_mode_refuses_a_known_id(tenant):
    h = tenant.headers()
    gone = tenant.client.post("/v1/customers", json={"email": "g@example.com"}, headers=h).json()
    tenant.client.delete(f"/v1/customers/{gone['id']}", headers=h)
    kept = tenant.client.post("/v1/customers", json={"email": "k@example.com"}, headers=h).json()
    text = csv_text([["id", "email"], [gone["id"], "g@example.com"], [kept["id"], "k@example.com"],
                     [C, "c@example.com"]])  # fmt: skip
    run = imported(tenant, text)
    report = rows(tenant, run["id"])
    assert [r["action"] for r in report] == ["fail", "unchanged", "create"]
    assert report[0]["errors"][0]["field"] == "id"
    assert "deleted customer; restore it first" in report[0]["errors"][0]["reason"]
    created = imported(tenant, text, match="create")
    report = rows(tenant, created["id"])
    assert [r["action"] for r in report] == ["fail", "fail", "fail"]
    assert report[1]["errors"][0]["reason"] == "a customer with this id already exists"


def test_ids_of_another_tool_are_not_ours_they_are_its_external_ids(tenant):
    h = tenant.headers()
    ada = tenant.client.post("/v1/customers", json={"email": "ada@example.com"}, headers=h).json()
    run = imported(tenant, csv_text([["ID", "Email"], ["12345", "ada@example.com"]]))
    assert status(tenant, run["id"])["columns"][0]["field"] == "id"
    (row,) = rows(tenant, run["id"])
    # matched by email, never taken for a Rolodex id; the other tool's id is kept, not dropped
    assert (row["action"], row["matched_by"], row["customer_id"]) == (
        "update", "email", ada["id"],
    )  # fmt: skip
    after = tenant.client.get(f"/v1/customers/{ada['id']}", headers=h).json()
    assert {"source": "import", "external_id": "12345"} in [
        {k: s[k] for k in ("source", "external_id")} for s in after["sources"]
    ]


def test_an_id_of_32_hex_digits_is_another_tools_not_a_rolodex_id(tenant):
    """Mailchimp's member ids are 32 hex digits (the MD5 of the address), which a UUID's
    parser takes without its dashes: a Mailchimp file created its customers under them as
    Rolodex ids (a second tenant importing the same list had them refused). A Rolodex id is
    written as Rolodex writes it (8-4-4-4-12, either case); others are the tool's ids."""
    mailchimp = "852aaa9532cb36adfb5e9fef7a4206a9"
    ours = str(uuid.UUID(int=7))
    text = csv_text(
        [["id", "email"], [mailchimp, "urist@example.com"], [ours.upper(), "max@example.com"],
         ["{" + ours.replace("7", "8") + "}", "braced@example.com"]]
    )  # fmt: skip
    run = imported(tenant, text)
    assert (run["progress"]["created"], run["progress"]["failed"]) == (3, 0), run
    made = {c["email"]: c for c in customers(tenant)}
    urist = made["urist@example.com"]
    assert urist["id"] != str(uuid.UUID(mailchimp))
    assert [(s["source"], s["external_id"]) for s in urist["sources"]] == [("import", mailchimp)]
    assert made["max@example.com"]["id"] == ours
    braced = made["braced@example.com"]
    assert [s["external_id"] for s in braced["sources"]] == ["{" + ours.replace("7", "8") + "}"]


def test_an_exported_phone_keeps_its_number_unless_the_phone_was_changed(tenant):
    h = tenant.headers()
    # a US number (the tenant's region) of a customer living in Germany
    hans = tenant.client.post(
        "/v1/customers",
        json={"first_name": "Hans", "phone": "(415) 555-0101",
              "addresses": [{"line1": "Hauptstr. 1", "city": "Berlin", "country": "DE"}]},
        headers=h,
    ).json()  # fmt: skip
    assert hans["phone_e164"] == "+14155550101"
    text = csv_text(
        [["first_name", "phone", "phone_e164", "address1_line1", "address1_city",
          "address1_country"],
         ["Hans", "(415) 555-0101", "+14155550101", "Hauptstr. 1", "Berlin", "DE"],
         ["Greta", "030 1234567", "+14155550199", "Hauptstr. 2", "Berlin", "DE"],
         ["Otto", "", "+4930901820", "", "", ""],
         ["Bad", "", "4930901820", "", "", ""]]
    )  # fmt: skip
    run = imported(tenant, text)
    report = rows(tenant, run["id"])
    assert [(r["action"], r["matched_by"]) for r in report[:3]] == [
        ("unchanged", "phone"), ("create", None), ("create", None),
    ]  # fmt: skip
    assert report[3]["action"] == "fail"
    assert "E.164" in report[3]["errors"][0]["reason"]
    phones = {c["first_name"]: (c["phone"], c["phone_e164"]) for c in customers(tenant)}
    # Greta's phone was changed in the file since the export: read as written, in Germany
    assert phones["Greta"] == ("030 1234567", "+49301234567")
    assert phones["Otto"] == ("+4930901820", "+4930901820")
