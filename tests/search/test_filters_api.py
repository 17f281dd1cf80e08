"""Filters and sorts of GET /v1/customers, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.search.helpers import all_ids, create


def test_the_seed_question(tenant, other_tenant):
    """ "Show me all VIP customers from the Spring 2025 campaign who are in the lead stage"."""
    spring = {"campaign": "Spring 2025"}
    want = [
        create(tenant, status="vip", lifecycle_stage="lead_qualified", utm=spring)["id"],
        create(tenant, status="vip", lifecycle_stage="lead_qualified", utm=spring)["id"],
    ]
    create(tenant, status="vip", lifecycle_stage="customer", utm=spring)  # not a lead
    create(tenant, status="active", lifecycle_stage="lead_qualified", utm=spring)  # not VIP
    create(tenant, status="vip", lifecycle_stage="lead_qualified", utm={"campaign": "Fall 2025"})
    create(tenant, status="vip", lifecycle_stage="lead_qualified")  # no campaign
    deleted = create(tenant, status="vip", lifecycle_stage="lead_qualified", utm=spring)
    tenant.client.delete(f"/v1/customers/{deleted['id']}", headers=tenant.headers())
    create(other_tenant, status="vip", lifecycle_stage="lead_qualified", utm=spring, phone=None)
    by_params = all_ids(tenant, status="vip", campaign="spring 2025", stage="lead_qualified")
    assert sorted(by_params) == sorted(want)
    by_language = all_ids(tenant, filter='status:vip campaign:"Spring 2025" stage:lead_qualified')
    assert sorted(by_language) == sorted(want)
    as_json = (
        '{"and": [{"field": "status", "op": "eq", "value": "vip"},'
        ' {"field": "campaign", "op": "eq", "value": "Spring 2025"},'
        ' {"field": "stage", "op": "in", "value": ["lead_qualified"]}]}'
    )
    assert sorted(all_ids(tenant, filter=as_json)) == sorted(want)


def test_tags_any_all_none(tenant):
    ab = create(tenant, tags=["a", "b"])["id"]
    a = create(tenant, tags=["A"])["id"]
    none = create(tenant, tags=[])["id"]
    assert sorted(all_ids(tenant, tag_any="a,b")) == sorted([ab, a])
    assert all_ids(tenant, tag="a,b") == [ab]
    assert all_ids(tenant, tag_all="a,b") == [ab]
    assert all_ids(tenant, tag_none="a") == [none]
    assert all_ids(tenant, filter="-tag:b tag:a") == [a]


def test_custom_attributes_equality_and_ranges(tenant):
    gold5 = create(tenant, attributes={"loyalty_tier": "gold", "score": 5})["id"]
    gold9 = create(tenant, attributes={"loyalty_tier": "gold", "score": 9.5})["id"]
    silver = create(tenant, attributes={"loyalty_tier": "silver", "score": "7"})["id"]
    plain = create(tenant, attributes={})["id"]
    params = {"attr.loyalty_tier": "gold"}
    assert sorted(all_ids(tenant, **params)) == sorted([gold5, gold9])
    assert sorted(all_ids(tenant, **{"attr.score>": "5"})) == sorted([gold5, gold9])
    assert all_ids(tenant, **{"attr.score>6": ""}) == [gold9]
    assert all_ids(tenant, **{"attr.score<": "5"}) == [gold5]
    assert all_ids(tenant, **{"attr.score": "7"}) == [silver]  # "7" the text matches too
    assert sorted(all_ids(tenant, filter="-attr.loyalty_tier=gold")) == sorted([silver, plain])
    assert all_ids(tenant, filter="attr.loyalty_tier:silver,bronze") == [silver]
    assert all_ids(tenant, filter="attr.score:*") == []  # no value is "*"
    exists = '{"field": "attr.score", "op": "exists", "value": false}'
    assert all_ids(tenant, filter=exists) == [plain]


def test_ltv_time_and_country_ranges(tenant):
    now = datetime.now(UTC)
    old = create(tenant, last_active_at=(now - timedelta(days=100)).isoformat(),
                 addresses=[{"country": "GB"}])["id"]  # fmt: skip
    recent = create(tenant, last_active_at=(now - timedelta(days=2)).isoformat(),
                    addresses=[{"country": "US"}])["id"]  # fmt: skip
    never = create(tenant)["id"]
    assert all_ids(tenant, last_active_after="-30d") == [recent]
    assert all_ids(tenant, last_active_before="-30d") == [old]
    never_active = '{"field": "last_active_at", "op": "exists", "value": false}'
    assert all_ids(tenant, filter=never_active) == [never]
    assert all_ids(tenant, country="gb") == [old]
    assert sorted(all_ids(tenant, created_after="-1d")) == sorted([old, recent, never])
    assert all_ids(tenant, created_before="2000-01-01") == []
    assert all_ids(tenant, ltv_min="0.01") == []
    assert all_ids(tenant, sort="-last_active_at", limit=1)[:3] == [recent, old, never]


def _order(tenant, customer_id, amount, days_ago, status="paid"):
    placed = (datetime.now(UTC) - timedelta(days=days_ago)).isoformat()
    r = tenant.client.post(
        "/v1/orders",
        json={"customer_id": customer_id, "amount": amount, "placed_at": placed, "status": status},
        headers=tenant.headers(),
    )
    assert r.status_code == 201, r.text


def test_order_count_last_order_and_days_since(tenant):
    a, b, c, none = (create(tenant)["id"] for _ in range(4))
    _order(tenant, a, "10.00", 200)
    _order(tenant, a, "10.00", 100)
    _order(tenant, b, "50.00", 10)
    _order(tenant, c, "5.00", 40)
    _order(tenant, c, "5.00", 1, status="cancelled")  # cancelled orders do not count
    assert all_ids(tenant, sort="-order_count,created_at", limit=2)[:1] == [a]
    assert all_ids(tenant, orders_min="2") == [a]
    assert sorted(all_ids(tenant, orders_max="0")) == [none]
    assert all_ids(tenant, sort="-last_order_at", limit=3) == [b, c, a, none]
    assert all_ids(tenant, sort="days_since_last_order", limit=3) == [b, c, a, none]
    assert all_ids(tenant, sort="-days_since_last_order", limit=3) == [none, a, c, b]
    assert all_ids(tenant, filter="days_since_last_order>=30") == sorted_by_created(tenant, [a, c])
    assert all_ids(tenant, filter="days_since_last_order<30") == [b]
    assert all_ids(tenant, last_order_after="-60d", sort="-ltv") == [b, c]
    assert all_ids(tenant, sort="-ltv", limit=1) == [b, a, c, none]


def sorted_by_created(tenant, wanted):
    order = all_ids(tenant, sort="-created_at")
    return [i for i in order if i in wanted]


def test_several_sort_keys_and_keyset_under_inserts(tenant):
    stages = ["customer", "prospect", "customer", "churned", "prospect", "customer"]
    made = [create(tenant, lifecycle_stage=s) for s in stages]
    sort = "lifecycle_stage,-created_at"
    first = tenant.client.get(
        "/v1/customers", params={"sort": sort, "limit": 2}, headers=tenant.headers()
    ).json()
    create(tenant, lifecycle_stage="churned")  # sorts before the cursor: not seen after it
    create(tenant, lifecycle_stage="prospect")  # after the cursor: seen once
    rest = all_ids(tenant, sort=sort, limit=2, cursor=first["next_cursor"])
    seen = [c["id"] for c in first["items"]] + rest
    assert len(seen) == len(set(seen)) == len(made) + 1
    stages = [c["lifecycle_stage"] for c in tenant.client.get(
        "/v1/customers", params={"sort": sort, "limit": 50}, headers=tenant.headers()
    ).json()["items"]]  # fmt: skip
    assert stages == sorted(stages)


def test_count_header_only_on_request(tenant):
    for _ in range(3):
        create(tenant, status="vip")
    r = tenant.client.get("/v1/customers", params={"status": "vip"}, headers=tenant.headers())
    assert "X-Total-Count" not in r.headers
    r = tenant.client.get(
        "/v1/customers", params={"status": "vip", "count": "true", "limit": 1},
        headers=tenant.headers(),
    )  # fmt: skip
    assert r.headers["X-Total-Count"] == "3"
    assert len(r.json()["items"]) == 1


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"stage": "lead"}, "stage"),
        ({"status": "gold"}, "status"),
        ({"country": "Narnia"}, "country"),
        ({"orders_min": "-3"}, "orders_min"),
        ({"filter": "ltv>>5"}, "filter.ltv"),
        ({"filter": "{bad json"}, "filter"),
        ({"segment": "no-such-segment"}, "segment"),
        ({"attr.bad key": "1"}, "attr.bad key"),
        ({"sort": "days_since_last_order,bogus"}, "sort"),
        ({"last_active_after": "soon"}, "last_active_after"),
    ],
)
def test_bad_filters_are_422_naming_the_field(tenant, params, field):
    r = tenant.client.get("/v1/customers", params=params, headers=tenant.headers())
    assert r.status_code == 422, r.text
    assert r.json()["error"]["details"][0]["field"] == field
