"""The timeline merges activities, orders, stage, tag and note changes and deletions,
newest first, with keyset pagination and a type filter."""

from __future__ import annotations

import uuid

from tests.factories.records import events, new_customer, order, transition


def _timeline(tenant, cid, **params):
    r = tenant.client.get(f"/v1/customers/{cid}/timeline", params=params, headers=tenant.headers())
    assert r.status_code == 200, r.text
    return r.json()


def _walk(tenant, cid, **params):
    items, cursor = [], None
    while True:
        page = _timeline(tenant, cid, **params, **({"cursor": cursor} if cursor else {}))
        items += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return items


def _busy_customer(tenant):
    cid = new_customer(tenant)["id"]
    events(
        tenant,
        [
            {"type": "page_view", "customer_id": cid, "occurred_at": "2026-01-01T10:00:00Z"},
            {"type": "add_to_cart", "customer_id": cid, "occurred_at": "2026-01-02T10:00:00Z"},
            {"type": "quote_requested", "customer_id": cid, "occurred_at": "2026-01-03T10:00:00Z"},
        ],
    )
    order(tenant, cid, amount="20.00", placed_at="2026-01-04T10:00:00Z")
    transition(tenant, cid, stage="customer", reason="bought")
    tenant.client.patch(
        f"/v1/customers/{cid}", json={"add_tags": ["vip"]}, headers=tenant.headers()
    )
    tenant.client.patch(
        f"/v1/customers/{cid}", json={"notes": "likes grills"}, headers=tenant.headers()
    )
    tenant.client.delete(f"/v1/customers/{cid}", headers=tenant.headers())
    tenant.client.post(f"/v1/customers/{cid}/restore", headers=tenant.headers())
    return cid


def test_everything_merged_newest_first(tenant):
    cid = _busy_customer(tenant)
    items = _timeline(tenant, cid, limit=100)["items"]
    types = [i["type"] for i in items]
    assert types == [
        "restored",
        "deleted",
        "note_change",
        "tag_change",
        "stage_change",  # the manual transition
        "stage_change",  # the paid order's (prospect → customer), as it was recorded
        "created",
        "order",
        "quote_requested",
        "add_to_cart",
        "page_view",
    ]
    times = [i["at"] for i in items]
    assert times == sorted(times, reverse=True)
    by_type = {i["type"]: i for i in items}
    assert by_type["tag_change"]["data"]["after"]["tags"] == ["newsletter", "vip"]
    assert by_type["note_change"]["data"]["after"]["notes"] == "likes grills"
    assert by_type["stage_change"]["data"]["to_stage"] == "customer"
    assert by_type["order"]["data"]["amount"] == "20.00"


def test_pages_cover_every_item_once(tenant):
    cid = _busy_customer(tenant)
    everything = _timeline(tenant, cid, limit=100)["items"]
    for size in (1, 2, 3, 7):
        walked = _walk(tenant, cid, limit=size)
        assert [(i["source"], i["id"], i["type"]) for i in walked] == [
            (i["source"], i["id"], i["type"]) for i in everything
        ]


def test_same_instant_items_are_paged_without_loss(tenant):
    cid = new_customer(tenant)["id"]
    same = "2026-02-02T02:02:02Z"
    events(
        tenant, [{"type": "page_view", "customer_id": cid, "occurred_at": same} for _ in range(5)]
    )
    order(tenant, cid, placed_at=same)
    order(tenant, cid, placed_at=same)
    walked = _walk(tenant, cid, limit=2, type="page_view,order")
    assert len(walked) == 7
    assert len({(i["source"], i["id"]) for i in walked}) == 7


def test_type_filter(tenant):
    cid = _busy_customer(tenant)
    only = _timeline(tenant, cid, type="page_view,order")["items"]
    assert [i["type"] for i in only] == ["order", "page_view"]
    deletions = _timeline(tenant, cid, type=["deleted", "restored"])["items"]
    assert [i["type"] for i in deletions] == ["restored", "deleted"]
    assert _timeline(tenant, cid, type="nothing_like_this")["items"] == []


def test_bad_cursor_and_unknown_customer(tenant, other_tenant):
    cid = _busy_customer(tenant)
    for bad in ("garbage", "WyIyMDI2IiwgOSwgIngiXQ"):
        r = tenant.client.get(
            f"/v1/customers/{cid}/timeline", params={"cursor": bad}, headers=tenant.headers()
        )
        assert r.status_code == 422, r.text
    r = tenant.client.get(f"/v1/customers/{uuid.uuid4()}/timeline", headers=tenant.headers())
    assert r.status_code == 404
    r = other_tenant.client.get(f"/v1/customers/{cid}/timeline", headers=other_tenant.headers())
    assert r.status_code == 404


def test_deleted_customers_timeline_needs_an_admin(tenant):
    cid = new_customer(tenant)["id"]
    tenant.client.delete(f"/v1/customers/{cid}", headers=tenant.headers())
    assert (
        tenant.client.get(f"/v1/customers/{cid}/timeline", headers=tenant.headers()).status_code
        == 404
    )
    agent = tenant.key("agent")
    r = tenant.client.get(
        f"/v1/customers/{cid}/timeline",
        params={"include_deleted": True},
        headers=tenant.headers(agent),
    )
    assert r.status_code == 403
    items = _timeline(tenant, cid, include_deleted=True)["items"]
    assert [i["type"] for i in items] == ["deleted", "created"]


def test_merges_appear_on_both_timelines_and_moved_activities_follow(tenant):
    survivor = new_customer(tenant)["id"]
    duplicate = new_customer(tenant)["id"]
    events(tenant, {"type": "page_view", "customer_id": duplicate,
                    "occurred_at": "2026-01-05T00:00:00Z"})  # fmt: skip
    r = tenant.client.post(
        "/v1/merges",
        json={"survivor_id": survivor, "duplicate_id": duplicate},
        headers=tenant.headers(),
    )
    assert r.status_code in (200, 201), r.text
    kinds = [i["type"] for i in _timeline(tenant, survivor)["items"]]
    assert kinds[0] == "merge"
    assert "page_view" in kinds
    merged_away = _timeline(tenant, duplicate, include_deleted=True)["items"]
    assert merged_away[0]["type"] == "merge"
