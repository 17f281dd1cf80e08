"""Reverting an import on SQLite and PostgreSQL after writes that the audit log does not name
field by field (an event's last activity, a hand-picked segment), a name edited in part, an
edit made while the revert runs, and emails passed along by the import itself."""

from __future__ import annotations

import threading
from typing import Any

from tests.conftest import TenantCtx
from tests.imports.helpers import csv_text, customers, drain, rows, status
from tests.imports.helpers import customer as _get
from tests.imports.helpers import imported_table as _imported
from tests.imports.helpers import reverted as _revert
from tests.imports.test_runs import start


def _emails(tenant: TenantCtx, **params: Any) -> list[str]:
    return sorted(c["email"] for c in customers(tenant, **params))


def test_a_later_activity_is_not_undone_with_the_imported_last_active_time(tenant):
    h = tenant.headers()
    x = tenant.client.post("/v1/customers", json={"email": "act@example.com"}, headers=h).json()
    run_id = _imported(
        tenant,
        [["email", "last_active_at", "company"], ["act@example.com", "2025-01-01T00:00:00Z", "Co"]],
    )
    event = {"type": "page_view", "customer_id": x["id"], "occurred_at": "2026-03-01T12:00:00Z"}
    assert tenant.client.post("/v1/events", json=event, headers=h).status_code == 201
    assert _get(tenant, x["id"])["last_active_at"] == "2026-03-01T12:00:00Z"
    done = _revert(tenant, run_id)
    assert (done["state"], done["reverted"], done["partly"]) == ("partial", 0, 1)
    after = _get(tenant, x["id"])
    assert (after["company"], after["last_active_at"]) == (None, "2026-03-01T12:00:00Z")
    (row,) = rows(tenant, run_id)
    assert row["revert_reason"].startswith("partly: kept last_active_at")
    assert "not the import's" in row["revert_reason"]


def test_a_name_edited_in_part_since_keeps_its_full_name_whole(tenant):
    h = tenant.headers()
    x = tenant.client.post(
        "/v1/customers",
        json={"email": "nm@example.com", "first_name": "Al", "last_name": "Bo"},
        headers=h,
    ).json()
    run_id = _imported(
        tenant, [["email", "first_name", "last_name"], ["nm@example.com", "Ann", "Lee"]],
        overwrite=True,
    )  # fmt: skip
    tenant.client.patch(f"/v1/customers/{x['id']}", json={"first_name": "Anna"}, headers=h)
    done = _revert(tenant, run_id)
    assert (done["state"], done["partly"]) == ("partial", 1)
    after = _get(tenant, x["id"])
    assert (after["first_name"], after["last_name"], after["full_name"]) == (
        "Anna",
        "Bo",
        "Anna Bo",
    )
    assert _emails(tenant, q="Bo") == ["nm@example.com"]  # searchable by the name given back
    assert _emails(tenant, q="Lee") == []
    (row,) = rows(tenant, run_id)
    assert row["revert_reason"].startswith("partly: kept first_name, changed since")


def test_a_customer_picked_into_a_segment_since_is_in_use_and_kept(tenant):
    h = tenant.headers()
    seg = tenant.client.post("/v1/segments", json={"name": "Hand picked"}, headers=h).json()
    run_id = _imported(tenant, [["email"], ["picked@example.com"], ["other@example.com"]])
    picked = next(c for c in customers(tenant) if c["email"] == "picked@example.com")
    r = tenant.client.post(f"/v1/customers/{picked['id']}/segments/{seg['id']}", headers=h)
    assert r.status_code == 201, r.text
    done = _revert(tenant, run_id)
    assert (done["state"], done["reverted"], done["kept"]) == ("partial", 1, 1)
    assert _emails(tenant) == ["picked@example.com"]
    members = tenant.client.get(f"/v1/segments/{seg['id']}/members", headers=h).json()
    assert [m["id"] for m in members["items"]] == [picked["id"]]
    (row,) = rows(tenant, run_id, revert="kept")
    assert row["revert_reason"] == "in use since the import (segment_memberships)"


def test_emails_passed_along_by_the_import_are_given_back_in_one_pass(tenant):
    _imported(tenant, [["external_id", "email"], ["K1", "a@example.com"], ["K2", "b@example.com"]])
    run_id = _imported(
        tenant, [["external_id", "email"], ["K1", "c@example.com"], ["K2", "a@example.com"]]
    )  # K2 took the email K1 let go of
    done = _revert(tenant, run_id)
    assert (done["state"], done["reverted"], done["kept"]) == ("done", 2, 0)
    assert _emails(tenant) == ["a@example.com", "b@example.com"]
    by_key = {c["email"]: c for c in customers(tenant)}
    assert [s["external_id"] for s in by_key["a@example.com"]["sources"]] == ["K1"]


def test_an_email_given_back_still_stays_with_someone_outside_the_import(tenant):
    h = tenant.headers()
    _imported(tenant, [["external_id", "email"], ["K1", "a@example.com"], ["K2", "b@example.com"]])
    run_id = _imported(
        tenant, [["external_id", "email"], ["K1", "c@example.com"], ["K2", "a@example.com"]]
    )
    taker = tenant.client.post("/v1/customers", json={"email": "b@example.com"}, headers=h)
    assert taker.status_code == 201  # b@, which K2 let go of, is someone else's now
    done = _revert(tenant, run_id)
    # K2 cannot get b@ back, so keeps a@, so K1 cannot get a@ back either
    assert (done["state"], done["reverted"], done["kept"]) == ("partial", 0, 2)
    assert _emails(tenant) == ["a@example.com", "b@example.com", "c@example.com"]
    reasons = sorted(r["revert_reason"] for r in rows(tenant, run_id, revert="kept"))
    assert f"b@example.com belongs to customer {taker.json()['id']} now" in reasons[1]
    assert "a@example.com belongs to customer" in reasons[0]


def test_an_edit_made_while_the_revert_decides_is_not_overwritten(tenant, monkeypatch):
    """PostgreSQL: the customer was read before it was locked, and a change committed in
    between was written over with the value read (its field kept, yet lost)."""
    from rolodex.identity import batch_repository

    h = tenant.headers()
    x = tenant.client.post("/v1/customers", json={"email": "race@example.com"}, headers=h).json()
    run_id = _imported(
        tenant, [["email", "company", "notes"], ["race@example.com", "Imported", "n"]]
    )
    real = batch_repository.customer_rows
    done: dict[str, Any] = {}
    edit = threading.Thread(
        target=lambda: done.update(
            r=tenant.client.patch(f"/v1/customers/{x['id']}", json={"company": "Mine"}, headers=h)
        )
    )

    def read_then_someone_edits(*args: Any, **kwargs: Any) -> Any:
        out = real(*args, **kwargs)
        if not edit.is_alive() and "r" not in done:
            edit.start()
            edit.join(1.5)  # it waits for the revert when the customer is locked
        return out

    monkeypatch.setattr(batch_repository, "customer_rows", read_then_someone_edits)
    tenant.client.post(f"/v1/imports/{run_id}/revert", headers=h)
    drain(tenant)
    edit.join(30)
    assert done["r"].status_code == 200, done["r"].text
    assert status(tenant, run_id)["revert"]["state"] in ("done", "partial")
    after = _get(tenant, x["id"])
    assert (after["company"], after["notes"]) == ("Mine", None)


def test_an_update_of_every_kind_of_field_untouched_since_is_reverted_to_the_letter(tenant):
    """What the import left is compared with what the customer holds now (datetimes, consent,
    attributes, UTM, names): untouched, it all goes back, and nothing is called changed."""
    h = tenant.headers()
    body = {
        "email": "full@example.com",
        "first_name": "Fay",
        "last_name": "Old",
        "company": "Old Co",
        "attributes": {"tier": "silver", "score": 3},
        "last_active_at": "2024-05-01T08:30:00.123456Z",
    }
    x = tenant.client.post("/v1/customers", json=body, headers=h).json()
    table = [
        ["email", "first_name", "last_name", "company", "attr.tier", "attr.points",
         "last_active_at", "email_consent", "email_consent_at", "utm_campaign", "phone",
         "lifecycle_stage", "tags"],
        ["full@example.com", "Zelda", "New", "Quux Co", "gold", "7", "2025-02-03T04:05:06.654321Z",
         "yes", "2025-01-01T10:00:00Z", "spring", "+1 415 555 0199", "customer", "imported"],
    ]  # fmt: skip
    run_id = _imported(tenant, table, overwrite=True)
    changed = _get(tenant, x["id"])
    assert (changed["full_name"], changed["consent"]["email"], changed["utm"]["campaign"]) == (
        "Zelda New", True, "spring"
    )  # fmt: skip
    done = _revert(tenant, run_id)
    assert (done["state"], done["reverted"], done["partly"], done["kept"]) == ("done", 1, 0, 0)
    after = _get(tenant, x["id"])
    skip = {"updated_at"}
    assert {k: v for k, v in after.items() if k not in skip} == {
        k: v for k, v in x.items() if k not in skip
    }
    assert _emails(tenant, q="Zelda") == _emails(tenant, q="Quux") == []
    assert _emails(tenant, q="Fay Old") == ["full@example.com"]


def test_an_email_the_import_freed_then_gave_to_a_customer_it_made_goes_back(tenant):
    from tests.imports.test_runs import run_inline

    _imported(tenant, [["external_id", "email"], ["K1", "a@example.com"]])
    table = [["external_id", "email"], ["K1", "moved@example.com"], ["K9", "a@example.com"]]
    run_id = start(tenant, csv_text(table))
    run_inline(tenant, run_id, batch_rows=1)  # K1 lets a@ go, then K9 is made with it
    assert status(tenant, run_id)["progress"]["created"] == 1
    done = _revert(tenant, run_id)
    assert (done["state"], done["reverted"], done["kept"]) == ("done", 2, 0)
    (k1,) = customers(tenant)
    assert (k1["email"], [s["external_id"] for s in k1["sources"]]) == ("a@example.com", ["K1"])


def test_an_import_passing_emails_along_to_a_customer_it_makes_runs_and_reverts(tenant):
    """K1 lets a@ go, K2 takes it and lets b@ go, K3 is made with b@, all in one batch: the
    new customer went in before the others let go of their emails (a unique violation, and
    the import retried for ever)."""
    _imported(tenant, [["external_id", "email"], ["K1", "a@example.com"], ["K2", "b@example.com"]])
    table = [["external_id", "email"], ["K1", "c@example.com"], ["K2", "a@example.com"],
             ["K3", "b@example.com"]]  # fmt: skip
    run_id = _imported(tenant, table)
    assert (status(tenant, run_id)["progress"]["created"], _emails(tenant)) == (
        1, ["a@example.com", "b@example.com", "c@example.com"]
    )  # fmt: skip
    done = _revert(tenant, run_id)
    assert (done["state"], done["reverted"], done["kept"]) == ("done", 3, 0)
    assert _emails(tenant) == ["a@example.com", "b@example.com"]
    by_email = {c["email"]: [s["external_id"] for s in c["sources"]] for c in customers(tenant)}
    assert by_email == {"a@example.com": ["K1"], "b@example.com": ["K2"]}


def test_emails_passed_along_go_back_in_one_pass_across_the_reverts_batches(tenant, monkeypatch):
    """K1 decided in a batch before K2: K1's earlier email was still K2's then, and the pass
    ended partial saying so, though K2 gave it up in the next batch."""
    from rolodex.imports import revert
    from tests.imports.test_runs import run_inline

    _imported(tenant, [["external_id", "email"], ["K1", "a@example.com"], ["K2", "b@example.com"]])
    table = [["external_id", "email"], ["K1", "c@example.com"], ["K2", "a@example.com"]]
    run_id = start(tenant, csv_text(table))
    run_inline(tenant, run_id, batch_rows=1)
    monkeypatch.setattr(revert, "BATCH", 1)
    done = _revert(tenant, run_id)
    assert (done["state"], done["reverted"], done["partly"], done["kept"]) == ("done", 2, 0, 0)
    assert _emails(tenant) == ["a@example.com", "b@example.com"]
    assert [r["revert"] for r in rows(tenant, run_id)] == ["reverted", "reverted"]
