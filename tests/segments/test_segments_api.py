"""Segments through the API, on SQLite and PostgreSQL: dynamic and assigned membership,
expiry without a job, history, members paging like the customer list."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import text as sql

from tests.search.helpers import all_ids, create


def segment(tenant, **body):
    r = tenant.client.post("/v1/segments", json=body, headers=tenant.headers())
    assert r.status_code == 201, r.text
    return r.json()


def assign(tenant, customer_id, segment_id, **body):
    return tenant.client.post(
        f"/v1/customers/{customer_id}/segments/{segment_id}", json=body, headers=tenant.headers()
    )


def members(tenant, segment_id, **params):
    return all_ids(tenant, f"/v1/segments/{segment_id}/members", **params)


def test_dynamic_segment_answers_the_seed_question(tenant):
    leads = segment(
        tenant,
        name="VIP spring leads",
        kind="behavioral",
        filter='status:vip campaign:"Spring 2025" stage:lead_qualified',
    )
    assert leads["membership"] == "dynamic"
    assert leads["key"] == "vip-spring-leads"
    spring = {"campaign": "Spring 2025"}
    a = create(tenant, status="vip", lifecycle_stage="lead_qualified", utm=spring)
    create(tenant, status="vip", lifecycle_stage="customer", utm=spring)
    gone = create(tenant, status="vip", lifecycle_stage="lead_qualified", utm=spring)
    tenant.client.delete(f"/v1/customers/{gone['id']}", headers=tenant.headers())
    assert members(tenant, leads["id"]) == [a["id"]]
    # membership is a filter everywhere: by id, by key, in the language, negated
    assert all_ids(tenant, segment=leads["id"]) == [a["id"]]
    assert all_ids(tenant, segment="vip-spring-leads") == [a["id"]]
    assert all_ids(tenant, filter="segment:vip-spring-leads") == [a["id"]]
    assert a["id"] not in all_ids(tenant, segment_none="vip-spring-leads")
    got = tenant.client.get(f"/v1/segments/{leads['id']}", headers=tenant.headers()).json()
    assert got["member_count"] == 1
    # a change to the customer moves them out at once: no job involved
    tenant.client.patch(
        f"/v1/customers/{a['id']}", json={"lifecycle_stage": "customer"}, headers=tenant.headers()
    )
    assert members(tenant, leads["id"]) == []


def test_members_page_filter_and_sort_like_the_customer_list(tenant):
    seg = segment(tenant, name="Gold", filter={"field": "attr.tier", "op": "eq", "value": "gold"})
    made = [create(tenant, attributes={"tier": "gold"}, lifecycle_stage=s)
            for s in ["customer", "prospect", "customer", "customer", "prospect"]]  # fmt: skip
    create(tenant, attributes={"tier": "silver"})
    paged = members(tenant, seg["id"], limit=2, sort="created_at")
    assert paged == [c["id"] for c in made]
    assert len(members(tenant, seg["id"], stage="customer")) == 3
    r = tenant.client.get(
        f"/v1/segments/{seg['id']}/members", params={"count": "true", "limit": 1},
        headers=tenant.headers(),
    )  # fmt: skip
    assert r.headers["X-Total-Count"] == "5"


def test_assigned_membership_with_confidence_and_removal(tenant):
    seg = segment(tenant, name="Likely upgraders", kind="custom")
    assert seg["membership"] == "assigned"
    c = create(tenant)
    r = assign(tenant, c["id"], seg["id"], assigned_by="model", confidence=0.83)
    assert r.status_code == 201, r.text
    assert (r.json()["assigned_by"], r.json()["confidence"]) == ("model", 0.83)
    r = assign(tenant, c["id"], seg["id"], assigned_by="manual", confidence=1)
    assert r.status_code == 200
    assert members(tenant, seg["id"]) == [c["id"]]
    now = tenant.client.get(f"/v1/customers/{c['id']}/segments", headers=tenant.headers()).json()
    assert [(i["segment_key"], i["assigned_by"]) for i in now["items"]] == [
        ("likely-upgraders", "manual")
    ]
    r = tenant.client.delete(
        f"/v1/customers/{c['id']}/segments/{seg['id']}", headers=tenant.headers()
    )
    assert r.status_code == 204
    assert members(tenant, seg["id"]) == []
    again = tenant.client.delete(
        f"/v1/customers/{c['id']}/segments/{seg['id']}", headers=tenant.headers()
    )
    assert again.status_code == 404


def test_expired_assignment_stops_counting_without_any_job(backend, tenant):
    seg = segment(tenant, name="Trial")
    keep, lapse = create(tenant), create(tenant)
    soon = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    assert assign(tenant, keep["id"], seg["id"]).status_code == 201
    assert assign(tenant, lapse["id"], seg["id"], expires_at=soon).status_code == 201
    assert sorted(members(tenant, seg["id"])) == sorted([keep["id"], lapse["id"]])
    # Time passes: the expiry is now behind us. Nothing else runs.
    past = datetime.now(UTC) - timedelta(minutes=5)
    key = lapse["id"].replace("-", "") if backend.name == "sqlite" else lapse["id"]
    when = past.replace(tzinfo=None) if backend.name == "sqlite" else past
    with backend.owner.begin() as conn:
        for table in ("segment_memberships", "segment_history"):
            conn.execute(
                sql(f"UPDATE {table} SET expires_at = :t WHERE customer_id = :c"),
                {"t": when, "c": key},
            )
    assert members(tenant, seg["id"]) == [keep["id"]]
    assert all_ids(tenant, segment=seg["key"]) == [keep["id"]]
    assert (
        tenant.client.get(f"/v1/segments/{seg['id']}", headers=tenant.headers()).json()[
            "member_count"
        ]
        == 1
    )
    mine = tenant.client.get(
        f"/v1/customers/{lapse['id']}/segments", params={"history": "true"},
        headers=tenant.headers(),
    ).json()  # fmt: skip
    assert mine["items"] == []
    [stay] = mine["history"]
    assert stay["left_reason"] == "expired"
    assert stay["left_at"] is not None
    # Assigning again starts a new stay.
    assert assign(tenant, lapse["id"], seg["id"]).status_code == 201
    again = tenant.client.get(
        f"/v1/customers/{lapse['id']}/segments", params={"history": "true"},
        headers=tenant.headers(),
    ).json()  # fmt: skip
    assert [h["left_reason"] for h in again["history"]] == ["expired", None]


def test_history_keeps_every_stay(tenant):
    seg = segment(tenant, name="Newsletter")
    c = create(tenant)
    assign(tenant, c["id"], seg["id"])
    tenant.client.delete(f"/v1/customers/{c['id']}/segments/{seg['id']}", headers=tenant.headers())
    assign(tenant, c["id"], seg["id"], confidence=0.5)
    h = tenant.client.get(
        f"/v1/customers/{c['id']}/segments", params={"history": "true"}, headers=tenant.headers()
    ).json()["history"]
    assert [(x["left_reason"], x["confidence"]) for x in h] == [("removed", 1.0), (None, 0.5)]
    assert h[0]["left_at"] >= h[0]["entered_at"]


def test_soft_deleted_customers_are_never_members(tenant):
    seg = segment(tenant, name="Hand picked")
    dyn = segment(tenant, name="Everyone", filter="created>=-1d")
    c = create(tenant)
    assign(tenant, c["id"], seg["id"])
    tenant.client.delete(f"/v1/customers/{c['id']}", headers=tenant.headers())
    assert members(tenant, seg["id"]) == []
    assert members(tenant, dyn["id"]) == []
    assert all_ids(tenant, segment=seg["key"]) == []
    assert assign(tenant, c["id"], seg["id"]).status_code == 404


def test_segment_errors(tenant):
    dyn = segment(tenant, name="Dyn", filter="status:vip")
    c = create(tenant)
    assert assign(tenant, c["id"], dyn["id"]).status_code == 409
    plain = segment(tenant, name="Plain")
    r = assign(tenant, c["id"], plain["id"], confidence=1.5)
    assert r.status_code == 422
    assert r.json()["error"]["details"][0]["field"] == "confidence"
    past = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    r = assign(tenant, c["id"], plain["id"], expires_at=past)
    assert r.json()["error"]["details"][0]["field"] == "expires_at"
    bad = {"name": "Bad", "filter": "stage:nope"}
    r = tenant.client.post("/v1/segments", json=bad, headers=tenant.headers())
    assert r.status_code == 422
    loop = {"name": "Loop", "filter": "segment:loop", "key": "loop"}
    assert (
        tenant.client.post("/v1/segments", json=loop, headers=tenant.headers()).status_code == 422
    )
    dup = {"name": "Again", "key": dyn["key"]}
    assert tenant.client.post("/v1/segments", json=dup, headers=tenant.headers()).status_code == 409
    viewer = tenant.key("viewer")
    r = tenant.client.post("/v1/segments", json={"name": "V"}, headers=tenant.headers(viewer))
    assert r.status_code == 403


def test_segments_of_other_tenants_are_invisible(tenant, other_tenant):
    seg = segment(tenant, name="Mine")
    theirs = create(other_tenant, phone=None)
    r = assign(other_tenant, theirs["id"], seg["id"])
    assert r.status_code == 404
    r = other_tenant.client.get(f"/v1/segments/{seg['id']}", headers=other_tenant.headers())
    assert r.status_code == 404
    assert (
        other_tenant.client.get("/v1/segments", headers=other_tenant.headers()).json()["items"]
        == []
    )
    r = other_tenant.client.get(
        "/v1/customers", params={"segment": seg["key"]}, headers=other_tenant.headers()
    )
    assert r.status_code == 422


def test_segment_membership_filters_lists_exports_and_stats(tenant):
    seg = segment(tenant, name="Picked")
    picked = [create(tenant, status="vip"), create(tenant)]
    create(tenant, status="vip")  # not picked
    for c in picked:
        assign(tenant, c["id"], seg["id"])
    assert sorted(all_ids(tenant, segment=seg["key"])) == sorted(c["id"] for c in picked)
    stats = tenant.client.get(
        "/v1/stats", params={"segment": seg["key"]}, headers=tenant.headers()
    ).json()
    assert (stats["total_customers"], stats["vip"]) == (2, 1)
    everyone = tenant.client.get("/v1/stats", headers=tenant.headers()).json()
    assert everyone["total_customers"] == 3
    r = tenant.client.get(
        "/v1/exports", params={"format": "ndjson", "segment": seg["key"]}, headers=tenant.headers()
    )
    assert r.status_code == 200, r.text
    exported = [line for line in r.text.splitlines() if line.strip()]
    assert len(exported) == 2
    assert all(c["id"] in r.text for c in picked)


def test_a_segment_used_by_another_cannot_be_deleted(tenant):
    base = segment(tenant, name="Base")
    on_top = segment(tenant, name="On top", filter=f"segment:{base['key']} status:vip")
    r = tenant.client.delete(f"/v1/segments/{base['id']}", headers=tenant.headers())
    assert r.status_code == 409
    assert r.json()["error"]["details"]["used_by"] == on_top["id"]
    assert (
        tenant.client.delete(f"/v1/segments/{on_top['id']}", headers=tenant.headers()).status_code
        == 204
    )
    assert (
        tenant.client.delete(f"/v1/segments/{base['id']}", headers=tenant.headers()).status_code
        == 204
    )
    assert (
        tenant.client.get(f"/v1/segments/{base['id']}", headers=tenant.headers()).status_code == 404
    )


def test_editing_a_dynamic_segment_changes_its_members_at_once(tenant):
    seg = segment(tenant, name="Tier", filter="attr.tier=gold")
    gold, silver = (
        create(tenant, attributes={"tier": "gold"}),
        create(tenant, attributes={"tier": "silver"}),
    )
    assert members(tenant, seg["id"]) == [gold["id"]]
    r = tenant.client.patch(
        f"/v1/segments/{seg['id']}", json={"filter": "attr.tier=silver", "kind": "value"},
        headers=tenant.headers(),
    )  # fmt: skip
    assert r.status_code == 200, r.text
    assert r.json()["kind"] == "value"
    assert members(tenant, seg["id"]) == [silver["id"]]
    listed = tenant.client.get("/v1/segments", params={"counts": "true"}, headers=tenant.headers())
    assert [(s["key"], s["member_count"]) for s in listed.json()["items"]] == [("tier", 1)]
    r = tenant.client.patch(
        f"/v1/segments/{seg['id']}", json={"filter": None}, headers=tenant.headers()
    )
    assert r.status_code == 422
