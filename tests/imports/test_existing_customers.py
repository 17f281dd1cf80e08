"""What an import does to customers that already exist, on SQLite and PostgreSQL, held to what
the API does for the same change: consent, attributes, erased and merged customers."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import TenantCtx
from tests.imports.helpers import csv_text, imported, rows


def made(tenant: TenantCtx, **body: Any) -> dict[str, Any]:
    response = tenant.client.post("/v1/customers", json=body, headers=tenant.headers())
    assert response.status_code == 201, response.text
    return dict(response.json())


def current(tenant: TenantCtx, customer_id: str) -> dict[str, Any]:
    response = tenant.client.get(f"/v1/customers/{customer_id}", headers=tenant.headers())
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_an_older_consent_in_a_file_does_not_undo_a_later_unsubscribe(tenant):
    ann = made(tenant, email="ann@example.com", consent={"email": True, "source": "signup"})
    revoked = tenant.client.patch(
        f"/v1/customers/{ann['id']}",
        json={"consent": {"email": False, "source": "unsubscribe link"}},
        headers=tenant.headers(),
    ).json()["consent"]
    old_crm = csv_text(
        [
            ["email", "email_consent", "email_consent_at", "email_consent_source"],
            ["ann@example.com", "yes", "2020-01-01T00:00:00Z", "old crm"],
        ]
    )
    dry = rows(tenant, imported(tenant, old_crm, dry_run=True)["id"])
    done = rows(tenant, imported(tenant, old_crm)["id"])

    assert current(tenant, ann["id"])["consent"] == revoked  # still unsubscribed, as stored
    for report in (dry, done):
        (row,) = report
        assert row["action"] == "unchanged"
        assert row["changes"]["conflicts"] == [
            {
                "field": "email_consent",
                "kept": f"False ({revoked['email_at'].replace('Z', '+00:00')})",
                "given": "True (2020-01-01T00:00:00+00:00)",
            }
        ]


def test_a_consent_in_a_file_applies_when_newer_or_undated_as_the_api_applies_it(tenant):
    ann = made(tenant, email="ann@example.com", consent={"email": True, "source": "signup"})
    bob = made(tenant, email="bob@example.com", consent={"sms": False})
    since = current(tenant, ann["id"])["consent"]["email_at"]
    newer = csv_text(
        [
            ["email", "email_consent", "sms_consent", "sms_consent_at", "sms_consent_source"],
            ["ann@example.com", "no", "", "", ""],  # undated: now, as PATCH does
            ["bob@example.com", "", "yes", "2024-06-01T00:00:00Z", "kiosk"],  # none stored
        ]
    )
    report = rows(tenant, imported(tenant, newer)["id"])

    assert [r["action"] for r in report] == ["update", "update"]
    ann_consent = current(tenant, ann["id"])["consent"]
    assert ann_consent["email"] is False
    assert ann_consent["email_at"] > since
    assert ann_consent["email_source"] == "import"  # the change came from the import
    bob_consent = current(tenant, bob["id"])["consent"]
    assert (bob_consent["sms"], bob_consent["sms_at"], bob_consent["sms_source"]) == (
        True,
        "2024-06-01T00:00:00Z",
        "kiosk",
    )


def test_an_export_from_before_an_erasure_does_not_bring_the_erased_data_back(tenant):
    ann = made(tenant, email="ann@example.com", first_name="Ann", last_name="Lee",
               phone="+1 415 555 0101", attributes={"tier": "gold"})  # fmt: skip
    export = tenant.client.get("/v1/exports", params={"format": "csv"}, headers=tenant.headers())
    assert export.status_code == 200, export.text
    erased = tenant.client.post(
        f"/v1/customers/{ann['id']}/erase", json={"confirm": ann["id"]}, headers=tenant.headers()
    )
    assert erased.status_code == 200, erased.text
    blank = current(tenant, ann["id"])

    for dry_run in (True, False):
        for overwrite in (False, True):
            run = imported(tenant, export.text, dry_run=dry_run, overwrite=overwrite)
            (row,) = rows(tenant, run["id"])
            assert row["action"] == "fail"
            assert [(e["field"], e["reason"]) for e in row["errors"]] == [
                ("id", "belongs to a customer whose personal data was erased; not imported again")
            ]
    assert current(tenant, ann["id"]) == blank
    assert (
        tenant.client.get("/v1/customers", params={"q": "Lee"}, headers=tenant.headers()).json()[
            "items"
        ]
        == []
    )


def merge(tenant: TenantCtx, survivor: str, duplicate: str) -> None:
    response = tenant.client.post(
        "/v1/merges",
        json={"survivor_id": survivor, "duplicate_id": duplicate},
        headers=tenant.headers(),
    )
    assert response.status_code == 201, response.text


def kept(tenant: TenantCtx, customer_id: str) -> dict[str, Any]:
    """A deleted (or merged-away) customer as stored."""
    response = tenant.client.get(
        f"/v1/customers/{customer_id}", params={"include_deleted": "true"},
        headers=tenant.headers(),
    )  # fmt: skip
    assert response.status_code == 200, response.text
    assert response.json()["deleted_at"] is not None
    return dict(response.json())


def test_an_export_row_of_a_customer_merged_since_updates_its_survivor(tenant):
    ann = made(tenant, email="ann@example.com", first_name="Ann", last_name="Lee")
    dup = made(tenant, email="ann.lee@example.com", first_name="Ann", last_name="Lee")
    dup2 = made(tenant, email="a.lee@example.com", first_name="Ann", last_name="Lee")
    export = csv_text(
        [
            ["id", "email", "first_name", "last_name", "company"],
            [dup["id"], dup["email"], "Ann", "Lee", "Acme Ltd"],
            [dup2["id"], dup2["email"], "Ann", "Lee", "Other Co"],
        ]
    )
    merge(tenant, dup["id"], dup2["id"])  # dup2 → dup → ann: a chain of merges
    merge(tenant, ann["id"], dup["id"])
    before = current(tenant, ann["id"])
    merged_away = [kept(tenant, m["id"]) for m in (dup, dup2)]

    dry = rows(tenant, imported(tenant, export, dry_run=True)["id"])
    done = rows(tenant, imported(tenant, export)["id"])

    for report in (dry, done):
        assert [(r["action"], r["customer_id"], r["matched_by"]) for r in report] == [
            ("update", ann["id"], "merged_id"),
            ("unchanged", ann["id"], "merged_id"),
        ]
        # the duplicate's values fill the survivor (as the merge did); they never replace it
        assert report[0]["changes"]["conflicts"] == [
            {"field": "email", "kept": "ann@example.com", "given": "ann.lee@example.com"}
        ]
        assert {"field": "company", "kept": "Acme Ltd", "given": "Other Co"} in report[1][
            "changes"
        ]["conflicts"]
    after = current(tenant, ann["id"])
    assert after["company"] == "Acme Ltd"
    assert {k: v for k, v in after.items() if k not in ("company", "updated_at")} == {
        k: v for k, v in before.items() if k not in ("company", "updated_at")
    }
    assert [kept(tenant, m["id"]) for m in (dup, dup2)] == merged_away  # as the merge left them


def test_a_row_of_a_customer_merged_into_a_deleted_one_asks_for_the_restore(tenant):
    ann = made(tenant, email="ann@example.com", first_name="Ann", last_name="Lee")
    dup = made(tenant, email="ann.lee@example.com", first_name="Ann", last_name="Lee")
    merge(tenant, ann["id"], dup["id"])
    deleted = tenant.client.delete(f"/v1/customers/{ann['id']}", headers=tenant.headers())
    assert deleted.status_code in (200, 204), deleted.text
    export = csv_text([["id", "email", "company"], [dup["id"], dup["email"], "Acme Ltd"]])

    (row,) = rows(tenant, imported(tenant, export)["id"])

    assert row["action"] == "fail"
    assert [(e["field"], e["reason"]) for e in row["errors"]] == [
        ("id", "belongs to a deleted customer; restore it first")
    ]


def test_a_null_attribute_in_a_file_is_no_value_never_a_stored_null(tenant):
    ann = made(tenant, email="ann@example.com", attributes={"tier": "gold", "visits": 3})
    api_made = made(tenant, email="api@example.com", attributes={"tier": None, "visits": 1})
    docs = [
        {"email": "ann@example.com", "attributes": {"tier": None, "club": "chess"}},
        {"email": "new@example.com", "attributes": {"tier": None, "visits": 1}},
    ]
    for overwrite in (False, True):
        imported(tenant, json.dumps(docs), "people.json", overwrite=overwrite)

    assert current(tenant, ann["id"])["attributes"] == {
        "tier": "gold",
        "visits": 3,
        "club": "chess",
    }
    (new,) = [
        c
        for c in tenant.client.get(
            "/v1/customers", params={"q": "new@example.com"}, headers=tenant.headers()
        ).json()["items"]
    ]
    assert new["attributes"] == api_made["attributes"] == {"visits": 1}
