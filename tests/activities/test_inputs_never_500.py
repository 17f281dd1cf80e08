"""No body sent to the record-keeping endpoints answers 500."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories.records import new_customer

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True)
    | st.text(max_size=30)
    | st.sampled_from(["customer", "paid", "page_view", "2026-01-01T00:00:00Z", "25.50", "1e999"]),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
fields = st.sampled_from(
    ["stage", "reason", "ltv_amount", "type", "customer_id", "event_id", "occurred_at",
     "properties", "amount", "status", "items", "currency", "external_id", "placed_at", "email"]
)  # fmt: skip
bodies = st.dictionaries(fields, json_values, max_size=6) | st.lists(
    st.dictionaries(fields, json_values, max_size=5), max_size=3
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=bodies, target=st.sampled_from(["transitions", "events", "orders"]))
def test_no_body_gives_a_500(tenant, body, target):
    cid = new_customer(tenant)["id"]
    if isinstance(body, dict) and target != "transitions" and "customer_id" not in body:
        body = {**body, "customer_id": cid}
    path = {
        "transitions": f"/v1/customers/{cid}/transitions",
        "events": "/v1/events",
        "orders": "/v1/orders",
    }[target]
    r = tenant.client.post(
        path,
        content=json.dumps(body).encode(),
        headers={**tenant.headers(), "Content-Type": "application/json"},
    )
    assert r.status_code < 500, r.text


@pytest.mark.parametrize(
    ("target", "raw", "field"),
    [
        ("events", '{"type": "page_view", "customer_id": "%s", "properties": {"a": "\\ud800"}}',
         "properties"),
        ("events", '{"type": "page_view", "customer_id": "%s", "properties": {"a": NaN}}',
         "properties"),
        ("events", '{"type": "page_view", "customer_id": "%s", "properties": {"a": [1e400]}}',
         "properties"),
        ("customers", '{"attributes": {"a": "\\udfff"}}', "attributes"),
        ("customers", '{"attributes": {"a": {"b": Infinity}}}', "attributes"),
        # beyond 64 bits: no export could write them (PostgreSQL gives 1e20 back as an int)
        ("customers", '{"attributes": {"big": 18446744073709551616}}', "attributes"),
        ("customers", '{"attributes": {"big": [1e20]}}', "attributes"),
        ("events", '{"type": "page_view", "customer_id": "%s", "properties": {"n": -1e19}}',
         "properties"),
    ],
)  # fmt: skip
def test_json_postgres_cannot_store_is_422_on_both_engines(tenant, target, raw, field):
    cid = new_customer(tenant)["id"]
    body = raw % cid if "%s" in raw else raw
    r = tenant.client.post(
        f"/v1/{target}",
        content=body.encode(),
        headers={**tenant.headers(), "Content-Type": "application/json"},
    )
    assert r.status_code == 422, r.text
    assert r.json()["error"]["details"][0]["field"] == field
