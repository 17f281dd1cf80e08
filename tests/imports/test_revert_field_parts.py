"""Reverting an import on SQLite and PostgreSQL when later edits touched other parts of the
same field: another custom attribute, another tag, the other consent, another UTM part,
another address. Only the parts changed since are kept; the import's other parts go back."""

from __future__ import annotations

from typing import Any

from tests.conftest import TenantCtx
from tests.imports.helpers import customer as _get
from tests.imports.helpers import imported_table as _imported
from tests.imports.helpers import reverted as _revert
from tests.imports.helpers import rows


def _patch(tenant: TenantCtx, customer_id: str, body: dict[str, Any]) -> None:
    r = tenant.client.patch(f"/v1/customers/{customer_id}", json=body, headers=tenant.headers())
    assert r.status_code == 200, r.text


TABLE = [
    ["email", "attr.tier", "attr.points", "tags", "email_consent", "utm_campaign",
     "address1_line1", "address1_city", "address1_country"],
    ["parts@example.com", "gold", "7", "imported", "yes", "spring", "2 Rue B", "Paris", "FR"],
]  # fmt: skip


def _customer(tenant: TenantCtx) -> dict[str, Any]:
    body = {
        "email": "parts@example.com",
        "attributes": {"since": 2019},
        "tags": ["base"],
        "addresses": [{"line1": "1 Rue A", "city": "Lyon", "country": "FR"}],
    }
    r = tenant.client.post("/v1/customers", json=body, headers=tenant.headers())
    assert r.status_code == 201, r.text
    return dict(r.json())


def test_edits_to_other_parts_of_a_field_leave_the_imports_parts_revertible(tenant):
    x = _customer(tenant)
    run_id = _imported(tenant, TABLE, overwrite=True)
    imported = _get(tenant, x["id"])
    assert imported["attributes"] == {"since": 2019, "tier": "gold", "points": 7}
    assert len(imported["addresses"]) == 2
    # Since: another attribute, another tag, SMS consent, another UTM part, another address
    _patch(tenant, x["id"], {"attributes": {"note": "call first"}})
    _patch(tenant, x["id"], {"add_tags": ["mine"]})
    _patch(tenant, x["id"], {"consent": {"sms": True}})
    _patch(tenant, x["id"], {"utm": {"source": "google", "campaign": "spring"}})
    done = _revert(tenant, run_id)
    assert (done["state"], done["reverted"], done["partly"], done["kept"]) == ("done", 1, 0, 0)
    after = _get(tenant, x["id"])
    assert after["attributes"] == {"since": 2019, "note": "call first"}
    assert after["tags"] == ["base", "mine"]
    assert (after["consent"]["email"], after["consent"]["sms"]) == (False, True)
    assert after["utm"]["source"] == "google"
    assert after["utm"]["campaign"] is None
    assert [a["city"] for a in after["addresses"]] == ["Lyon"]
    assert tenant.client.get("/v1/audit/verify", headers=tenant.headers()).json()["ok"]


def test_the_parts_changed_since_are_kept_and_listed_by_name(tenant):
    x = _customer(tenant)
    run_id = _imported(tenant, TABLE, overwrite=True)
    _patch(tenant, x["id"], {"attributes": {"tier": "platinum"}})  # the import's own key
    _patch(tenant, x["id"], {"remove_tags": ["base"]})
    done = _revert(tenant, run_id)
    assert (done["state"], done["reverted"], done["partly"], done["kept"]) == ("partial", 0, 1, 0)
    after = _get(tenant, x["id"])
    assert after["attributes"] == {"since": 2019, "tier": "platinum"}  # points went back
    assert after["tags"] == []  # the import's tag gone, base removed by hand since
    assert after["consent"]["email"] is False
    (row,) = rows(tenant, run_id)
    assert row["revert_reason"].startswith(
        "partly: kept attributes.tier, changed since the import (audit entry"
    )
    assert [a["city"] for a in after["addresses"]] == ["Lyon"]
    # asked again, the same is kept and nothing more changes
    again = _revert(tenant, run_id)
    assert (again["state"], again["partly"]) == ("partial", 1)


def test_search_and_segments_follow_a_revert(tenant):
    h = tenant.headers()
    x = tenant.client.post(
        "/v1/customers", json={"email": "x@example.com", "company": "Oldco"}, headers=h
    ).json()
    seg = tenant.client.post(
        "/v1/segments", json={"name": "Imported", "filter": "tag:imported"}, headers=h
    )
    assert seg.status_code == 201, seg.text
    table = [["email", "first_name", "company", "tags"],
             ["x@example.com", "", "Newco", "imported"],
             ["zeb@example.com", "Zebulon", "Zebco", "imported"]]  # fmt: skip
    run_id = _imported(tenant, table, overwrite=True)

    def found(q: str) -> list[str]:
        r = tenant.client.get("/v1/customers", params={"q": q}, headers=h)
        return sorted(c["email"] for c in r.json()["items"])

    def members() -> int:
        r = tenant.client.get(f"/v1/segments/{seg.json()['id']}", params={"counts": "true"},
                              headers=h)  # fmt: skip
        return int(r.json()["member_count"])

    assert (found("Zebulon"), found("Newco"), members()) == (["zeb@example.com"], [x["email"]], 2)
    assert _revert(tenant, run_id)["state"] == "done"
    assert (found("Zebulon"), found("Zebco"), found("Newco")) == ([], [], [])
    assert found("Oldco") == [x["email"]]  # searchable by its old value again
    assert members() == 0
