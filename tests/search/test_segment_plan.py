"""A segment filter reads an assigned segment's members once, not once per customer
(EXPLAIN, both engines). SQLite, which has no statistics, looked each customer of the list
up in turn, so a segment of few customers read them all: 100 members of 100,000 customers
sorted by -ltv took 0.27 s, with its count 0.43 s (13 ms and 1 ms as one list)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.plans import assert_read_once, explain, filtered_page
from tests.search.helpers import create, ids


def _assign(tenant, customer: str, segment: str, **body) -> None:
    r = tenant.client.post(
        f"/v1/customers/{customer}/segments/{segment}", json=body, headers=tenant.headers()
    )
    assert r.status_code == 201, r.text


def test_a_segment_filter_reads_its_members_once(backend, tenant):
    made = tenant.client.post(
        "/v1/segments", json={"name": "Upgraders", "kind": "custom"}, headers=tenant.headers()
    )
    assert made.status_code == 201, made.text
    seg = made.json()
    ada, bob, cyd = (create(tenant)["id"] for _ in range(3))
    _assign(tenant, ada, seg["id"])
    until = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    _assign(tenant, bob, seg["id"], expires_at=until)
    for sort in ("-ltv", "last_name", None):
        params = {"segment": seg["key"], **({"sort": sort} if sort else {})}
        assert sorted(ids(tenant, **params)) == sorted([ada, bob]), sort
    assert ids(tenant, segment_none=seg["key"]) == [cyd]
    plan = explain(backend, tenant, filtered_page(backend, tenant, "segment", [seg["key"]]))
    assert_read_once(backend, plan)
