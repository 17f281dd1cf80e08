"""Reverting imports on SQLite and PostgreSQL when later writes are in the way: an email
another customer took since, and several imports reverted newest first."""

from __future__ import annotations

from tests.imports.helpers import csv_text, customers, drain, rows, status
from tests.imports.test_runs import start


def _revert(tenant, run_id):
    r = tenant.client.post(f"/v1/imports/{run_id}/revert", headers=tenant.headers())
    assert r.status_code == 202, r.text
    drain(tenant)
    return status(tenant, run_id)["revert"]


def test_an_email_someone_else_took_since_stays_and_the_revert_finishes(tenant):
    h = tenant.headers()
    first = start(tenant, csv_text([["external_id", "email"], ["K1", "a1@example.com"]]))
    drain(tenant)
    (a,) = customers(tenant)
    second = start(tenant, csv_text([["external_id", "email", "company"],
                                     ["NEW1", "new1@example.com", ""],
                                     ["K1", "a2@example.com", "A Co"]]))  # fmt: skip
    drain(tenant)
    assert status(tenant, first)["state"] == status(tenant, second)["state"] == "done"
    # a1@ is free now: someone takes it
    taker = tenant.client.post("/v1/customers", json={"email": "a1@example.com"}, headers=h)
    assert taker.status_code == 201
    done = _revert(tenant, second)
    assert (done["state"], done["reverted"], done["partly"], done["kept"]) == ("partial", 1, 1, 0)
    after = tenant.client.get(f"/v1/customers/{a['id']}", headers=h).json()
    assert (after["email"], after["company"]) == ("a2@example.com", None)  # company undone
    (row,) = [r for r in rows(tenant, second) if r["customer_id"] == a["id"]]
    assert row["revert_reason"].startswith("partly: kept email")
    assert f"a1@example.com belongs to customer {taker.json()['id']} now" in row["revert_reason"]
    emails = {c["email"] for c in customers(tenant)}
    assert emails == {"a1@example.com", "a2@example.com"}  # new1@, created by it, removed


def test_imports_revert_newest_first(tenant):
    h = tenant.headers()
    x = tenant.client.post("/v1/customers", json={"email": "x@example.com"}, headers=h).json()
    one = start(tenant, csv_text([["email", "company", "tags"],
                                  ["x@example.com", "A1", "t1"],
                                  ["made1@example.com", "", ""]]))  # fmt: skip
    drain(tenant)
    text = csv_text([["email", "company", "notes", "tags"],
                     ["x@example.com", "A2", "n2", "t2"],
                     ["made1@example.com", "C Co", "", ""]])  # fmt: skip
    two = start(tenant, text, overwrite=True)
    drain(tenant)
    assert _revert(tenant, two)["reverted"] == 2
    done = _revert(tenant, one)
    assert (done["state"], done["reverted"], done["kept"]) == ("done", 2, 0)
    after = tenant.client.get(f"/v1/customers/{x['id']}", headers=h).json()
    assert (after["company"], after["notes"], "t1" in after["tags"]) == (None, None, False)
    assert {c["email"] for c in customers(tenant)} == {"x@example.com"}
    # an edit between the two imports still counts: reverting oldest... after a user's edit
    three = start(tenant, csv_text([["email", "company"], ["x@example.com", "A3"]]))
    drain(tenant)
    tenant.client.patch(f"/v1/customers/{x['id']}", json={"company": "Mine"}, headers=h)
    four = start(tenant, csv_text([["email", "company"], ["x@example.com", "A4"]]),
                 overwrite=True)  # fmt: skip
    drain(tenant)
    assert _revert(tenant, four)["reverted"] == 1
    assert tenant.client.get(f"/v1/customers/{x['id']}", headers=h).json()["company"] == "Mine"
    done = _revert(tenant, three)
    assert (done["reverted"], done["kept"]) == (0, 1)  # the user's edit since is kept
    assert tenant.client.get(f"/v1/customers/{x['id']}", headers=h).json()["company"] == "Mine"
