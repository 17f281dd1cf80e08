"""A local phone is read the same way by the API, an import and match=true: in the tenant's
region first, then in the customer's country (kit.phones.phone_regions), both engines."""

from __future__ import annotations

from tests.imports.helpers import csv_text, customers, imported, rows

ROWS = [
    ("Hans", "(415) 555-0101", "DE"),  # a US number written the US way: also valid in Germany
    ("Greta", "030 1234567", "DE"),  # Berlin, with its trunk 0: not a US number
    ("Grace", "07911 123456", "GB"),
    ("Bad", "12", "DE"),
]
READ = {"Hans": "+14155550101", "Greta": "+49301234567", "Grace": "+447911123456"}


def test_an_import_and_the_api_read_a_local_phone_alike(tenant):
    text = csv_text(
        [["first_name", "phone", "address1_city", "address1_country"]]
        + [[name, phone, "Town", country] for name, phone, country in ROWS]
    )
    run = imported(tenant, text)
    assert (run["progress"]["created"], run["progress"]["failed"]) == (3, 1)
    failed = rows(tenant, run["id"])[3]
    assert "read with the region US or DE" in failed["errors"][0]["reason"]
    imported_phones = {c["first_name"]: c["phone_e164"] for c in customers(tenant)}
    assert imported_phones == READ
    for name, phone, country in ROWS:
        body = {"first_name": name, "last_name": "Api", "phone": phone,
                "addresses": [{"city": "Town", "country": country}]}  # fmt: skip
        r = tenant.client.post("/v1/customers", json=body, headers=tenant.headers())
        if name == "Bad":
            assert r.status_code == 422
        else:
            assert r.status_code == 201, r.text
            assert r.json()["phone_e164"] == READ[name]
        # match=true finds the imported customer by that phone (same reading in the matcher)
        r = tenant.client.post(
            "/v1/customers",
            params={"match": "true"},
            json={
                "first_name": name,
                "phone": phone,
                "addresses": [{"city": "Town", "country": country}],
            },  # fmt: skip
            headers=tenant.headers(),
        )
        if name != "Bad":
            assert r.headers["x-match-outcome"] == "matched", (name, r.text)


def test_a_phone_given_to_a_customer_is_read_in_its_country(tenant, other_tenant):
    """A record matching a German customer by email, its phone in the German local form and
    no address: read in the customer's country, as match=true reads it; a record that matches
    no one (or is skipped) still fails on the phone no region of its own reads."""
    for t in (tenant, other_tenant):
        made = t.client.post(
            "/v1/customers",
            json={"email": "hans@example.de", "first_name": "Hans",
                  "addresses": [{"city": "Berlin", "country": "DE"}]},
            headers=t.headers(),
        )  # fmt: skip
        assert made.status_code == 201, made.text
    api = other_tenant.client.post(
        "/v1/customers",
        params={"match": "true"},
        json={"email": "hans@example.de", "phone": "030 1234567"},
        headers=other_tenant.headers(),
    )
    assert api.json()["phone_e164"] == "+49301234567"
    table = [["email", "phone"], ["hans@example.de", "030 1234567"],
             ["new@example.de", "030 7654321"]]  # fmt: skip
    for dry_run in (True, False):
        run = imported(tenant, csv_text(table), dry_run=dry_run)
        report = rows(tenant, run["id"])
        assert [r["action"] for r in report] == ["update", "fail"], report
        assert report[1]["errors"][0]["field"] == "phone"
        assert report[1]["errors"][0]["column"] == "phone"
        assert "read with the region US" in report[1]["errors"][0]["reason"]
    assert {c["email"]: c["phone_e164"] for c in customers(tenant)} == {
        "hans@example.de": "+49301234567"
    }
