"""JSON keys the first records lack, on SQLite and PostgreSQL: mapped, imported and listed."""

from __future__ import annotations

import json

from tests.imports.helpers import customers, drain, imported, status, upload


def test_a_key_first_seen_after_the_sample_can_be_mapped_and_is_listed(tenant):
    docs = [{"email": f"late{i}@example.com"} for i in range(60)]
    docs[59]["Tier"] = "gold"
    docs[59]["Company"] = "Late Co"
    response = upload(tenant, json.dumps(docs), "people.json", mapping={"Tier": "attr.tier"})
    assert response.status_code == 202, response.text
    drain(tenant)
    run = status(tenant, response.json()["id"])
    assert run["progress"]["created"] == 60
    by_email = {c["email"]: c for c in customers(tenant)}
    assert by_email["late59@example.com"]["attributes"].get("tier") == "gold"
    assert by_email["late59@example.com"]["company"] == "Late Co"
    cols = {c["name"]: (c["field"], c["how"]) for c in run["columns"]}
    assert cols["Tier"] == ("attr.tier", "explicit")
    assert cols["Company"] == ("company", "auto")


def test_a_mapping_by_the_normal_name_of_a_json_key_is_imported(tenant):
    content = '[{"E-mail": "jm@example.com", "Loyalty Tier": "gold"}]'
    run = imported(tenant, content, "people.json", mapping={"loyalty_tier": "attr.tier"})
    cols = {c["name"]: (c["field"], c["how"]) for c in run["columns"]}
    assert cols["Loyalty Tier"] == ("attr.tier", "explicit")
    (person,) = customers(tenant)
    assert person["attributes"].get("tier") == "gold"


def test_keys_past_the_first_256_kib_can_be_mapped_and_are_listed(tenant):
    pad = "n" * 1000
    docs = [{"email": f"far{i}@example.com", "notes": pad} for i in range(300)]
    docs[299].update({"Tier": "gold", "Company": "Far Co"})
    run = imported(tenant, json.dumps(docs), "people.json", mapping={"Tier": "attr.tier"})
    assert run["progress"]["created"] == 300
    cols = {c["name"]: (c["field"], c["how"]) for c in run["columns"]}
    assert cols["Tier"] == ("attr.tier", "explicit")
    assert cols["Company"] == ("company", "auto")
    far = {c["email"]: c for c in customers(tenant)}["far299@example.com"]
    assert (far["attributes"].get("tier"), far["company"]) == ("gold", "Far Co")


def test_a_mapped_key_in_no_early_record_is_said(tenant):
    docs = [{"email": f"w{i}@example.com"} for i in range(3)]
    run = imported(tenant, json.dumps(docs), "people.json", mapping={"Tierr": "attr.tier"})
    assert any("'Tierr' is in none of the first records" in w for w in run["warnings"])
