"""Soft delete and restore: a deleted customer leaves lists, search and counts, answers 404
by id (unless an admin asks), and comes back whole on restore."""

from __future__ import annotations

from tests.factories.records import get_customer, new_customer, transition


def _listed_ids(tenant, **params):
    r = tenant.client.get(
        "/v1/customers", params={"limit": 500, **params}, headers=tenant.headers()
    )
    assert r.status_code == 200, r.text
    return {c["id"] for c in r.json()["items"]}, r.headers.get("X-Total-Count")


def _stats(tenant):
    body = tenant.client.get("/v1/stats", headers=tenant.headers()).json()
    return body["total_customers"], body["total_ltv"]


def test_deleted_customer_leaves_list_search_and_counts_and_comes_back(tenant):
    keep = new_customer(tenant, last_name="Keeper", company="Zebra Works")["id"]
    gone = new_customer(tenant, last_name="Goner", company="Zebra Works")["id"]
    transition(tenant, gone, stage="customer", ltv_amount="42.00")
    assert _listed_ids(tenant, count="true") == ({keep, gone}, "2")

    assert _stats(tenant) == (2, "42.00")
    r = tenant.client.delete(f"/v1/customers/{gone}", headers=tenant.headers())
    assert r.status_code == 204
    assert _stats(tenant) == (1, "0.00")
    assert _listed_ids(tenant, count="true") == ({keep}, "1")
    assert _listed_ids(tenant, q="zebra")[0] == {keep}
    assert _listed_ids(tenant, q="goner")[0] == set()
    assert _listed_ids(tenant, stage="customer")[0] == set()
    assert _listed_ids(tenant, ltv_min="1")[0] == set()
    assert get_customer(tenant, gone).status_code == 404
    assert (
        tenant.client.patch(
            f"/v1/customers/{gone}", json={"notes": "x"}, headers=tenant.headers()
        ).status_code
        == 404
    )
    assert (
        tenant.client.delete(f"/v1/customers/{gone}", headers=tenant.headers()).status_code == 404
    )

    admin_view = get_customer(tenant, gone, include_deleted="true")
    assert admin_view.status_code == 200
    assert admin_view.json()["deleted_at"] is not None
    assert _listed_ids(tenant, include_deleted="true")[0] == {keep, gone}

    r = tenant.client.post(f"/v1/customers/{gone}/restore", headers=tenant.headers())
    assert r.status_code == 200
    assert r.json()["deleted_at"] is None
    assert r.json()["ltv"] == "42.00"
    assert _listed_ids(tenant, count="true") == ({keep, gone}, "2")
    assert _listed_ids(tenant, q="goner")[0] == {gone}
    assert get_customer(tenant, gone).status_code == 200
    assert _stats(tenant) == (2, "42.00")
    # history survived
    history = tenant.client.get(f"/v1/customers/{gone}/transitions", headers=tenant.headers())
    assert len(history.json()["items"]) == 1


def test_only_admins_see_deleted_customers(tenant):
    cid = new_customer(tenant)["id"]
    tenant.client.delete(f"/v1/customers/{cid}", headers=tenant.headers())
    agent = tenant.key("agent")
    r = tenant.client.get(
        f"/v1/customers/{cid}", params={"include_deleted": "true"}, headers=tenant.headers(agent)
    )
    assert r.status_code == 403
    r = tenant.client.get(
        "/v1/customers", params={"include_deleted": "true"}, headers=tenant.headers(agent)
    )
    assert r.status_code == 403


def test_viewer_cannot_delete_or_restore(tenant):
    cid = new_customer(tenant)["id"]
    viewer = tenant.key("viewer")
    assert (
        tenant.client.delete(f"/v1/customers/{cid}", headers=tenant.headers(viewer)).status_code
        == 403
    )
    assert get_customer(tenant, cid).status_code == 200
    tenant.client.delete(f"/v1/customers/{cid}", headers=tenant.headers())
    r = tenant.client.post(f"/v1/customers/{cid}/restore", headers=tenant.headers(viewer))
    assert r.status_code == 403
    assert get_customer(tenant, cid).status_code == 404


def test_recreating_a_deleted_email_is_allowed_and_restore_then_conflicts(tenant):
    old = new_customer(tenant, email="Sam@Example.com")["id"]
    tenant.client.delete(f"/v1/customers/{old}", headers=tenant.headers())
    new = new_customer(tenant, email="sam@example.com")["id"]
    assert new != old
    r = tenant.client.post(f"/v1/customers/{old}/restore", headers=tenant.headers())
    assert r.status_code == 409
    error = r.json()["error"]
    assert error["code"] == "duplicate_email"
    assert "cannot restore" in error["message"]
    assert "sam@example.com" in error["message"]
    assert error["details"]["existing_id"] == new
    assert get_customer(tenant, old).status_code == 404  # still deleted
    tenant.client.delete(f"/v1/customers/{new}", headers=tenant.headers())
    assert (
        tenant.client.post(f"/v1/customers/{old}/restore", headers=tenant.headers()).status_code
        == 200
    )


def test_restoring_a_live_customer_changes_nothing(tenant):
    cid = new_customer(tenant)["id"]
    r = tenant.client.post(f"/v1/customers/{cid}/restore", headers=tenant.headers())
    assert r.status_code == 200
    audit = tenant.client.get(f"/v1/customers/{cid}/audit", headers=tenant.headers()).json()
    assert [e["action"] for e in audit["items"]] == ["create"]


def test_delete_and_restore_are_audited(tenant):
    cid = new_customer(tenant)["id"]
    tenant.client.delete(f"/v1/customers/{cid}", headers=tenant.headers())
    tenant.client.post(f"/v1/customers/{cid}/restore", headers=tenant.headers())
    items = tenant.client.get(f"/v1/customers/{cid}/audit", headers=tenant.headers()).json()[
        "items"
    ]
    assert [(e["action"], e["changed"]) for e in items] == [
        ("restore", ["deleted_at"]),
        ("delete", ["deleted_at"]),
        ("create", items[-1]["changed"]),
    ]


def test_other_tenant_cannot_delete(tenant, other_tenant):
    cid = new_customer(tenant)["id"]
    r = other_tenant.client.delete(f"/v1/customers/{cid}", headers=other_tenant.headers())
    assert r.status_code == 404
    assert get_customer(tenant, cid).status_code == 200
