"""Saved views through the API, on SQLite and PostgreSQL."""

from __future__ import annotations

from tests.search.helpers import all_ids, create


def make(tenant, key=None, **body):
    r = tenant.client.post("/v1/views", json=body, headers=tenant.headers(key))
    assert r.status_code == 201, r.text
    return r.json()


def test_a_view_saves_filter_sort_and_columns_and_applies_to_the_list(tenant):
    view = make(
        tenant,
        name="VIP leads by LTV",
        filter="status:vip stage:lead_qualified",
        sort="-ltv",
        columns=["full_name", "email", "ltv"],
    )
    assert view["filter"] == {
        "and": [
            {"field": "status", "op": "in", "value": ["vip"]},
            {"field": "stage", "op": "in", "value": ["lead_qualified"]},
        ]
    }
    assert (view["sort"], view["columns"], view["shared"], view["mine"]) == (
        "-ltv", ["full_name", "email", "ltv"], False, True
    )  # fmt: skip
    want = create(tenant, status="vip", lifecycle_stage="lead_qualified")
    create(tenant, status="vip", lifecycle_stage="customer")
    assert all_ids(tenant, view=view["id"]) == [want["id"]]
    # explicit parameters narrow it further
    assert all_ids(tenant, view=view["id"], tag_any="nothing-has-this") == []


def test_private_views_are_their_owners_own(tenant):
    alice, bob = tenant.key("agent"), tenant.key("agent")
    private = make(
        tenant, alice, name="Mine", filter={"field": "status", "op": "eq", "value": "vip"}
    )
    shared = make(tenant, alice, name="Team", filter="stage:customer", shared=True)
    seen_by_bob = tenant.client.get("/v1/views", headers=tenant.headers(bob)).json()["items"]
    assert [(v["name"], v["mine"]) for v in seen_by_bob] == [("Team", False)]
    r = tenant.client.get(f"/v1/views/{private['id']}", headers=tenant.headers(bob))
    assert r.status_code == 404
    r = tenant.client.get(
        "/v1/customers", params={"view": private["id"]}, headers=tenant.headers(bob)
    )
    assert r.status_code == 404
    # a shared view is changed by its owner or an admin, not by anyone else
    r = tenant.client.patch(
        f"/v1/views/{shared['id']}", json={"name": "X"}, headers=tenant.headers(bob)
    )
    assert r.status_code == 403
    r = tenant.client.patch(
        f"/v1/views/{shared['id']}", json={"name": "Team (new)", "sort": "last_name"},
        headers=tenant.headers(alice),
    )  # fmt: skip
    assert (r.json()["name"], r.json()["sort"]) == ("Team (new)", "last_name")
    r = tenant.client.delete(f"/v1/views/{shared['id']}", headers=tenant.headers())  # admin
    assert r.status_code == 204
    names = [
        v["name"]
        for v in tenant.client.get("/v1/views", headers=tenant.headers(alice)).json()["items"]
    ]
    assert names == ["Mine"]


def test_views_of_other_tenants_are_invisible(tenant, other_tenant):
    v = make(tenant, name="Shared", shared=True)
    r = other_tenant.client.get(f"/v1/views/{v['id']}", headers=other_tenant.headers())
    assert r.status_code == 404
    assert (
        other_tenant.client.get("/v1/views", headers=other_tenant.headers()).json()["items"] == []
    )


def test_bad_views_are_422_naming_the_field(tenant):
    for body, field in [
        ({"name": "x", "filter": "stage:nope"}, "filter.stage"),
        ({"name": "x", "sort": "password"}, "sort"),
        ({"name": "x", "columns": ["secret_sauce"]}, "columns"),
        ({"name": ""}, "name"),
        ({"name": "x", "filter": {"and": 3}}, "filter"),
    ]:
        r = tenant.client.post("/v1/views", json=body, headers=tenant.headers())
        assert r.status_code == 422, (body, r.text)
        assert r.json()["error"]["details"][0]["field"] == field, body
