"""Bulk import through the API on SQLite and PostgreSQL: mapping, matching, modes, external
keys, progress, error report, permissions and tenant isolation."""

from __future__ import annotations

import csv
import io
import json
import uuid

from tests.conftest import TenantCtx
from tests.imports.helpers import (
    csv_text,
    customers,
    drain,
    errors,
    imported,
    made,
    rows,
    status,
    upload,
)


def _by_email(tenant: TenantCtx) -> dict[str, dict]:
    return {c["email_normalized"]: c for c in customers(tenant)}


def _audit(tenant: TenantCtx) -> dict:
    return tenant.client.get("/v1/audit/verify", headers=tenant.headers()).json()


def test_an_import_creates_customers_and_reports_progress(tenant):
    text = csv_text(
        [
            [
                "E-mail",
                "First",
                "Last",
                "Phone Number",
                "Zip",
                "City",
                "Country",
                "Tags",
                "Stage",
                "Status",
                "attr.loyalty_tier",
                "Accepts Email Marketing",
            ],
            [
                "ada@example.com",
                "Ada",
                "Lovelace",
                "+1 415 555 0100",
                "94110",
                "San Francisco",
                "us",
                "vip|newsletter",
                "Customer",
                "VIP",
                "gold",
                "yes",
            ],
            [
                "grace@example.com",
                "Grace",
                "Hopper",
                "07911 123456",
                "SW1A 1AA",
                "London",
                "GB",
                "",
                "lead qualified",
                "",
                "",
                "no",
            ],
        ]
    )
    run = imported(tenant, text)
    assert run["state"] == "done"
    p = run["progress"]
    assert (p["rows_read"], p["created"], p["updated"], p["failed"]) == (2, 2, 0, 0)
    assert p["percent"] == 100.0
    assert p["rows_per_second"] > 0
    assert p["eta_seconds"] is None
    assert {c["name"]: c["field"] for c in run["columns"]}["Zip"] == "address1_postcode"
    people = _by_email(tenant)
    ada, grace = people["ada@example.com"], people["grace@example.com"]
    assert (ada["lifecycle_stage"], ada["status"], ada["tags"]) == (
        "customer",
        "vip",
        ["newsletter", "vip"],
    )
    assert ada["attributes"] == {"loyalty_tier": "gold"}
    assert ada["consent"]["email"] is True
    assert ada["addresses"][0]["postcode"] == "94110"
    assert ada["addresses"][0]["is_default"]
    assert ada["phone_e164"] == "+14155550100"
    # A local number is read in the row's country
    assert grace["phone_e164"] == "+447911123456"
    assert grace["lifecycle_stage"] == "lead_qualified"
    # New rows get time-ordered ids (kit/ids.py), in the file's order
    ids = [uuid.UUID(ada["id"]), uuid.UUID(grace["id"])]
    assert [i.version for i in ids] == [7, 7]
    assert ids[0] < ids[1]
    assert uuid.UUID(ada["addresses"][0]["id"]).version == 7
    assert ada["sources"] == [{"source": "import", "external_id": None, "last_synced_at": None}]
    # One audit entry per created customer, and the chain holds
    history = tenant.client.get(f"/v1/customers/{ada['id']}/audit", headers=tenant.headers())
    entries = history.json()["items"]
    assert [e["action"] for e in entries] == ["create"]
    assert entries[0]["meta"]["import_id"] == run["id"]
    assert _audit(tenant)["ok"]


def test_rows_are_matched_like_match_or_create_instead_of_duplicated(tenant):
    h = tenant.headers()
    ada = tenant.client.post(
        "/v1/customers",
        json={"email": "ada@example.com", "first_name": "Ada", "status": "active"},
        headers=h,
    ).json()
    bob = tenant.client.post(
        "/v1/customers",
        json={"first_name": "Bob", "last_name": "Builder", "phone": "+1 415 555 0101"},
        headers=h,
    ).json()
    text = csv_text(
        [
            ["email", "first_name", "last_name", "phone", "company", "status"],
            ["ADA@Example.com", "Adeline", "Lovelace", "", "Analytical Engines", "vip"],
            ["", "Bob", "Builder", "(415) 555-0101", "Fix It Ltd", ""],
            ["", "Robert", "Smith", "415.555.0101", "", ""],
        ]
    )
    run = imported(tenant, text)
    assert (run["progress"]["created"], run["progress"]["updated"]) == (1, 2)
    report = rows(tenant, run["id"])
    assert [r["action"] for r in report] == ["update", "update", "create"]
    assert report[0]["customer_id"] == ada["id"]
    assert report[0]["matched_by"] == "email"
    assert report[1]["customer_id"] == bob["id"]
    assert report[1]["matched_by"] == "phone"
    # Fill, never overwrite: a different first name and status are kept and reported
    conflicts = {c["field"] for c in report[0]["changes"]["conflicts"]}
    assert conflicts == {"first_name", "status"}
    after = tenant.client.get(f"/v1/customers/{ada['id']}", headers=h).json()
    assert (after["first_name"], after["status"], after["company"]) == (
        "Ada",
        "active",
        "Analytical Engines",
    )
    assert after["last_name"] == "Lovelace"
    # Same phone, other name: a new customer, queued for review
    pairs = tenant.client.get("/v1/duplicates", headers=h).json()["items"]
    assert any(bob["id"] in (p["customer_a"]["id"], p["customer_b"]["id"]) for p in pairs)
    assert len(customers(tenant)) == 3
    assert _audit(tenant)["ok"]


def test_overwrite_replaces_present_values_but_not_email_or_phone(tenant):
    h = tenant.headers()
    ada = tenant.client.post(
        "/v1/customers",
        json={"email": "ada@example.com", "first_name": "Ada", "phone": "+1 415 555 0100"},
        headers=h,
    ).json()
    text = csv_text(
        [
            ["email", "first_name", "status", "stage", "phone", "ltv", "created_at"],
            [
                "ada@example.com",
                "Adeline",
                "vip",
                "customer",
                "+1 415 555 0199",
                "99.50",
                "2020-01-02T03:04:05Z",
            ],
        ]
    )
    run = imported(tenant, text, overwrite=True)
    assert run["progress"]["updated"] == 1
    after = tenant.client.get(f"/v1/customers/{ada['id']}", headers=h).json()
    assert (after["first_name"], after["status"], after["lifecycle_stage"]) == (
        "Adeline",
        "vip",
        "customer",
    )
    assert after["phone_e164"] == "+14155550100"
    # an existing customer's LTV is its ledger's: kept, and the report says so
    assert after["ltv"] == "0.00"
    (row,) = rows(tenant, run["id"])
    assert {"field": "ltv", "kept": "0.00", "given": "99.50"} in row["changes"]["conflicts"]
    assert {"field": "created_at", "kept": ada["created_at"].replace("Z", "+00:00"),
            "given": "2020-01-02T03:04:05+00:00"} in row["changes"]["conflicts"]  # fmt: skip
    assert after["created_at"] == ada["created_at"]
    history = tenant.client.get(f"/v1/customers/{ada['id']}/transitions", headers=h).json()
    assert [(t["from_stage"], t["to_stage"]) for t in history["items"]] == [
        ("prospect", "customer")
    ]


def test_an_external_key_upserts_and_the_file_wins_for_its_own_records(tenant):
    first = csv_text(
        [
            ["Customer ID", "email", "first_name", "tags"],
            ["c-1", "ada@example.com", "Ada", "a"],
            ["c-2", "bob@example.com", "Bob", ""],
        ]
    )
    run = imported(tenant, first, source="shopify")
    assert run["progress"]["created"] == 2
    second = csv_text(
        [
            ["Customer ID", "email", "first_name", "tags"],
            ["c-1", "ada.l@example.com", "Ada", "b"],
            ["c-3", "cy@example.com", "Cy", ""],
        ]
    )
    run = imported(tenant, second, source="shopify")
    assert (run["progress"]["created"], run["progress"]["updated"]) == (1, 1)
    report = rows(tenant, run["id"])
    assert report[0]["matched_by"] == "external_id"
    people = _by_email(tenant)
    assert set(people) == {"ada.l@example.com", "bob@example.com", "cy@example.com"}
    ada = people["ada.l@example.com"]
    assert ada["tags"] == ["a", "b"]
    assert ada["sources"][0]["source"] == "shopify"
    assert ada["sources"][0]["external_id"] == "c-1"
    # Importing the same file again changes nothing
    again = imported(tenant, second, source="shopify")
    assert again["progress"]["unchanged"] == 2
    assert again["progress"]["updated"] == 0


def test_a_source_name_of_another_tool_namespaces_its_keys(tenant):
    text = csv_text([["Record ID", "email"], ["42", "ada@example.com"]])
    imported(tenant, text, source="HubSpot")
    imported(
        tenant, csv_text([["Record ID", "email"], ["42", "ada@example.com"]]), source="pipedrive"
    )
    sources = {(s["source"], s["external_id"]) for c in customers(tenant) for s in c["sources"]}
    assert sources == {("import", "hubspot:42"), ("import", "pipedrive:42")}


def test_match_modes_skip_and_create(tenant):
    h = tenant.headers()
    ada = tenant.client.post("/v1/customers", json={"email": "ada@example.com"}, headers=h).json()
    text = csv_text([["email", "company"], ["ada@example.com", "ACME"], ["new@example.com", "New"]])
    run = imported(tenant, text, match="skip")
    assert (run["progress"]["skipped"], run["progress"]["created"]) == (1, 1)
    assert rows(tenant, run["id"])[0]["customer_id"] == ada["id"]
    assert tenant.client.get(f"/v1/customers/{ada['id']}", headers=h).json()["company"] is None
    text = csv_text([["email"], ["ada@example.com"], ["other@example.com"]])
    run = imported(tenant, text, match="create")
    assert (run["progress"]["failed"], run["progress"]["created"]) == (1, 1)
    assert "already exists" in errors(tenant, run["id"])[0]["reason"]


def test_mapping_overrides_default_tags_and_delimited_tags(tenant):
    text = "Mail;Who;Level;Labels\nada@example.com;Ada Lovelace;gold;a, b\n"
    run = imported(
        tenant,
        text,
        mapping={"Who": "full_name", "Level": "attr.tier"},
        map=["Mail=email"],
        tags="imported,spring",
    )
    assert run["delimiter"] == ";"
    (ada,) = customers(tenant)
    assert (ada["first_name"], ada["last_name"]) == ("Ada", "Lovelace")
    assert ada["attributes"] == {"tier": "gold"}
    assert ada["tags"] == ["a", "b", "imported", "spring"]


def test_the_error_report_lists_row_field_value_and_reason_also_as_csv(tenant):
    text = csv_text(
        [
            ["email", "stage", "created_at", "first_name"],
            ["ok@example.com", "customer", "", "Ok"],
            ["not an email", "customer", "", '=HYPERLINK("x")'],
            ["b@example.com", "Wizard", "yesterday", ""],
        ]
    )
    run = imported(tenant, text)
    assert (run["progress"]["created"], run["progress"]["failed"]) == (1, 2)
    assert run["errors_count"] == 3
    found = errors(tenant, run["id"])
    assert [(e["row"], e["line"], e["column"], e["field"]) for e in found] == [
        (2, 3, "email", "email"),
        (3, 4, "stage", "lifecycle_stage"),
        (3, 4, "created_at", "created_at"),
    ]
    assert found[1]["value"] == "Wizard"
    assert "must be one of" in found[1]["reason"]
    response = tenant.client.get(
        f"/v1/imports/{run['id']}/errors", params={"format": "csv"}, headers=tenant.headers()
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    table = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff"))))
    assert table[0] == ["row", "line", "column", "field", "value", "reason"]
    assert [r[0] for r in table[1:]] == ["2", "3", "3"]
    failed = [r for r in rows(tenant, run["id"]) if r["action"] == "fail"]
    assert [r["row"] for r in failed] == [2, 3]
    assert failed[1]["errors"][0]["field"] == "lifecycle_stage"


def test_json_and_ndjson_files(tenant):
    docs = [
        {
            "email": "ada@example.com",
            "name": "Ada Lovelace",
            "tags": ["a"],
            "attributes": {"score": 5},
            "consent": {"email": True},
        },
        {"email": "bob@example.com", "addresses": [{"city": "Paris", "country": "FR"}]},
    ]
    import json

    run = imported(tenant, json.dumps(docs), "people.json")
    assert run["format"] == "json"
    assert run["progress"]["created"] == 2
    ndjson = "\n".join(json.dumps({"email": f"n{i}@example.com"}) for i in range(3))
    run = imported(tenant, ndjson, "people.ndjson")
    assert run["format"] == "ndjson"
    assert run["progress"]["created"] == 3
    ada = _by_email(tenant)["ada@example.com"]
    assert ada["attributes"] == {"score": 5}
    assert ada["consent"]["email"] is True
    assert ada["last_name"] == "Lovelace"


def test_imports_are_listed_and_isolated_between_tenants(tenant, other_tenant):
    run = imported(tenant, csv_text([["email"], ["ada@example.com"]]))
    listed = tenant.client.get("/v1/imports", headers=tenant.headers()).json()["items"]
    assert [i["id"] for i in listed] == [run["id"]]
    for path in ("", "/errors", "/rows"):
        response = other_tenant.client.get(
            f"/v1/imports/{run['id']}{path}", headers=other_tenant.headers()
        )
        assert response.status_code == 404
    assert (
        other_tenant.client.get("/v1/imports", headers=other_tenant.headers()).json()["items"] == []
    )


def test_the_list_of_imports_refuses_a_filter_it_does_not_have(tenant):
    """``?state=running`` answered every import, as if all were running."""
    imported(tenant, csv_text([["email"], ["ada@example.com"]]))
    h = tenant.headers()
    for params in ({"state": "running"}, {"limit": "5", "dry_run": "true"}):
        response = tenant.client.get("/v1/imports", params=params, headers=h)
        assert response.status_code == 422, response.text
        error = response.json()["error"]
        assert error["details"][0]["field"] in params
        assert "takes limit and cursor" in error["message"]
    assert tenant.client.get("/v1/imports", params={"state": "x"}).status_code == 401
    assert len(tenant.client.get("/v1/imports?limit=5", headers=h).json()["items"]) == 1


def test_permissions(tenant):
    viewer, ingest = tenant.key("viewer"), tenant.key("ingest")
    text = csv_text([["email"], ["ada@example.com"]])
    assert upload(tenant, text, key=viewer).status_code == 403
    response = upload(tenant, text, key=ingest, match="skip")
    assert response.status_code == 202
    run_id = response.json()["id"]
    assert (
        tenant.client.get(f"/v1/imports/{run_id}", headers=tenant.headers(viewer)).status_code
        == 200
    )
    revert = tenant.client.post(f"/v1/imports/{run_id}/revert", headers=tenant.headers(ingest))
    assert revert.status_code == 403


def test_an_ingest_key_creates_customers_and_changes_none(tenant):
    """``ingest`` is create only: its import may not update the customers it matches (it
    did, with ``overwrite``: names, notes, a stage, a status set to blocked), nor stop
    another's import, whose record it cannot read."""
    ingest = tenant.key("ingest")
    made(tenant, {"email": "ada@example.com", "last_name": "Lovelace"})
    text = csv_text([["email", "last_name", "status"], ["ada@example.com", "Byron", "blocked"],
                     ["bob@example.com", "Builder", ""]])  # fmt: skip
    for fields in ({}, {"match": "update", "overwrite": True}):
        refused = upload(tenant, text, key=ingest, **fields)
        assert refused.status_code == 403, refused.text
        assert "match skip" in refused.json()["error"]["message"]
    assert len(tenant.client.get("/v1/imports", headers=tenant.headers()).json()["items"]) == 0
    skipped = upload(tenant, text, key=ingest, match="skip", overwrite=True)
    assert skipped.status_code == 202, skipped.text
    drain(tenant)
    progress = status(tenant, skipped.json()["id"])["progress"]
    assert (progress["created"], progress["skipped"], progress["updated"]) == (1, 1, 0)
    (ada,) = customers(tenant, q="ada@example.com")
    assert (ada["last_name"], ada["status"]) == ("Lovelace", "active")
    for fields in ({"dry_run": True}, {"match": "create"}):
        assert upload(tenant, text, key=ingest, **fields).status_code == 202
    running = upload(tenant, text, match="skip").json()["id"]  # an admin's
    stop = tenant.client.post(f"/v1/imports/{running}/cancel", headers=tenant.headers(ingest))
    assert stop.status_code == 403, stop.text
    assert "filename" not in stop.text
    assert status(tenant, running)["state"] == "queued"


def test_preview_shows_the_mapping_and_the_first_rows_with_their_errors(tenant):
    text = csv_text(
        [
            ["E-mail", "Phone Number", "Stage", "Mystery"],
            ["ada@example.com", "+1 415 555 0100", "customer", "x"],
            ["bad", "12", "nope", ""],
        ]
    )
    response = upload(tenant, text, path="/v1/imports/preview")
    assert response.status_code == 200, response.text
    body = response.json()
    assert [(c["name"], c["field"]) for c in body["columns"]] == [
        ("E-mail", "email"),
        ("Phone Number", "phone"),
        ("Stage", "lifecycle_stage"),
        ("Mystery", None),
    ]
    first, second = body["rows"]
    assert first["values"]["email"] == "ada@example.com"
    assert first["errors"] == []
    assert {e["field"] for e in second["errors"]} == {"email", "phone", "lifecycle_stage"}  # all
    assert "attr.<name>" in body["fields"]
    assert tenant.client.get("/v1/imports", headers=tenant.headers()).json()["items"] == []
    # what the import reads besides the API's fields, and a phone read as the import reads it
    # (in the country of the address: no false alarm)
    text = csv_text([["E-Mail", "Telefon", "LTV", "Birthday", "Ort", "Land", "id"],
                     ["b@example.com", "030 1234567", "12,50", "1980-02-03", "Berlin", "DE",
                      "00000000-0000-0000-0000-000000000007"]])  # fmt: skip
    (row,) = upload(tenant, text, path="/v1/imports/preview").json()["rows"]
    assert row["errors"] == []
    assert row["values"]["ltv"] == "12.50"
    assert row["values"]["attributes"] == {"birthday": "1980-02-03"}
    assert row["values"]["id"] == "00000000-0000-0000-0000-000000000007"
    assert status  # (imported helpers stay in use)


def test_two_overrides_for_one_column_are_a_422_not_the_last_one_winning(tenant):
    text = csv_text([["Email", "Tier"], ["ada@example.com", "gold"]])
    # the column is found whatever the key's case: both keys name it
    folded = upload(tenant, text, path="/v1/imports/preview",
                    mapping={"Tier": "attr.tier", "tier": "attr.level"})  # fmt: skip
    assert folded.status_code == 422, folded.text
    (detail,) = folded.json()["error"]["details"]
    assert detail["field"] == "mapping.tier"
    assert "the same column as 'Tier'" in detail["message"]
    items = upload(tenant, text, path="/v1/imports/preview", map=["Tier=attr.tier", "Tier=notes"])
    assert items.status_code == 422, items.text
    assert "column 'Tier' is mapped twice (attr.tier, notes)" in items.json()["error"]["message"]
    same = upload(tenant, text, path="/v1/imports/preview",
                  mapping={"Tier": "attr.tier", "TIER": "attr.tier"})  # fmt: skip
    assert same.status_code == 200, same.text  # said twice alike: nothing to choose between
    assert [c["field"] for c in same.json()["columns"]] == ["email", "attr.tier"]
    # one in mapping, another in map: map won, silently
    for path in ("/v1/imports/preview", "/v1/imports"):
        both = upload(tenant, text, path=path, mapping={"Tier": "attr.tier"}, map="Tier=notes")
        assert both.status_code == 422, both.text
        error = both.json()["error"]
        assert error["message"] == (
            "mapping: column 'Tier' is mapped twice (attr.tier in mapping, notes in map)"
        )
        assert error["details"] == [
            {"field": "mapping.Tier", "message": "mapped twice", "value": "Tier=notes"}
        ]
    alike = upload(tenant, text, path="/v1/imports/preview", mapping={"Tier": "attr.tier"},
                   map="Tier=attr.tier")  # fmt: skip
    assert alike.status_code == 200, alike.text
    assert [c["field"] for c in alike.json()["columns"]] == ["email", "attr.tier"]


def test_a_german_spreadsheet_is_understood_without_a_mapping(tenant):
    """Latin-1, semicolons, German headers (accents folded) and "Name" beside "Vorname"."""
    text = (
        "Kundennummer;Vorname;Name;E-Mail-Adresse;Telefon;Straße;PLZ;Ort;Land\n"
        "K-1;Jürgen;Müller;juergen@example.de;030 1234567;Hauptstraße 5;10115;Berlin;DE\n"
    )
    run = imported(tenant, text.encode("latin-1"), "kunden.csv")
    assert run["state"] == "done", run
    assert run["progress"]["created"] == 1
    assert {c["name"]: c["field"] for c in run["columns"]} == {
        "Kundennummer": "external_id",
        "Vorname": "first_name",
        "Name": "last_name",
        "E-Mail-Adresse": "email",
        "Telefon": "phone",
        "Straße": "address1_line1",
        "PLZ": "address1_postcode",
        "Ort": "address1_city",
        "Land": "address1_country",
    }
    person = _by_email(tenant)["juergen@example.de"]
    assert (person["first_name"], person["last_name"]) == ("Jürgen", "Müller")
    assert person["phone_e164"] == "+49301234567"  # read in the row's country
    address = person["addresses"][0]
    assert (address["line1"], address["postcode"], address["city"]) == (
        "Hauptstraße 5",
        "10115",
        "Berlin",
    )


def test_downloading_an_imports_reports_as_csv_is_audited_as_an_export(tenant):
    """The error and row reports hold customers' data: their CSV downloads are audited (who,
    which import, which report and rows), as exports are; reading their JSON pages is not."""
    run = imported(tenant, csv_text([["email"], ["ada@example.com"], ["nope"]]))
    viewer = tenant.headers(tenant.key("viewer"))
    base = f"/v1/imports/{run['id']}"
    for path, params in ((f"{base}/errors", {}), (f"{base}/rows", {"action": "fail"})):
        assert tenant.client.get(path, params=params, headers=viewer).status_code == 200
        csv_download = tenant.client.get(path, params={**params, "format": "csv"}, headers=viewer)
        assert csv_download.status_code == 200
    entries = tenant.client.get(
        "/v1/audit", params={"action": "export"}, headers=tenant.headers()
    ).json()["items"]
    metas = sorted((e["meta"]["report"], json.dumps(e["meta"]["filter"])) for e in entries)
    assert metas == [("import_errors", "{}"), ("import_rows", '{"action": "fail"}')]
    assert {e["meta"]["import_id"] for e in entries} == {run["id"]}
    assert {e["actor"]["type"] for e in entries} == {"api_key"}
    assert tenant.client.get("/v1/audit/verify", headers=tenant.headers()).json()["ok"]
