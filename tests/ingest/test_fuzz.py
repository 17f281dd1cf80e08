"""No input gives a 500: random bodies and headers to the hook endpoints, signed or not; and
whatever a signed delivery holds, its job ends done or dead (never a crashed worker)."""

from __future__ import annotations

import json
from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.ingest.conftest import Hooks
from tests.ingest.payloads import klaviyo_headers, shopify_customer, shopify_headers
from tests.ingest.test_shopify_hooks import shopify_order

TOPICS = [
    "customers/create",
    "customers/update",
    "customers/delete",
    "orders/create",
    "orders/paid",
    "orders/updated",
    "refunds/create",
    "customer.tags_added",
    "customer.tags_removed",
    "customers_email_marketing_consent/update",
    "customers_marketing_consent/update",
    "customers/purchasing_summary",
    "products/update",
    "",
    "x" * 300,
]
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5)
    ),
    max_leaves=20,
)
FIELDS = [
    "id",
    "email",
    "total_price",
    "customer",
    "line_items",
    "addresses",
    "refunds",
    "transactions",
    "order_id",
    "customerId",
    "tags",
    "updated_at",
    "phone",
    "data",
    "email_marketing_consent",
    "first_name",
    "financial_status",
    "currency",
]
FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _mutated(base: dict, changes: dict) -> bytes:
    return json.dumps({**base, **changes}).encode()


@FUZZ
@given(
    body=st.binary(max_size=300),
    topic=st.sampled_from(TOPICS),
    header=st.text(max_size=60),
    tenant_ref=st.text(max_size=80),
)
def test_unsigned_garbage_is_refused_cleanly(hooks: Hooks, body, topic, header, tenant_ref):
    headers = {
        "X-Shopify-Topic": topic.encode("ascii", "ignore").decode() or "t",
        "X-Shopify-Hmac-Sha256": header.encode("ascii", "ignore").decode() or "x",
        "Klaviyo-Signature": "ab",
        "Klaviyo-Timestamp": header.encode("ascii", "ignore").decode(),
    }
    for provider in ("shopify", "klaviyo"):
        r = hooks.client.post(
            f"/v1/hooks/{hooks.tenant.slug}/{provider}", content=body, headers=headers
        )
        assert r.status_code == 401, r.text
        ref = quote(tenant_ref, safe="") or "x"
        r = hooks.client.post(f"/v1/hooks/{ref}/{provider}", content=body, headers=headers)
        assert r.status_code in (401, 404, 405, 422), r.text
    assert hooks.counts() == (0, 0)


@FUZZ
@given(
    topic=st.sampled_from(TOPICS),
    changes=st.dictionaries(st.sampled_from(FIELDS), JSON, max_size=4),
    raw=st.one_of(st.none(), st.binary(max_size=200)),
)
def test_signed_shopify_payloads_of_any_shape_end_done_or_dead(hooks: Hooks, topic, changes, raw):
    customer = shopify_customer()
    base = shopify_order(customer) if topic.startswith("orders") else customer
    body = raw if raw is not None else _mutated(base, changes)
    url = f"/v1/hooks/{hooks.tenant.slug}/shopify"
    r = hooks.client.post(url, content=body, headers=shopify_headers(topic or "x", body))
    assert r.status_code == 200, r.text
    stats = hooks.work()
    assert stats.retried == 0, "a payload problem must not be retried as if transient"
    states = {
        j["state"]
        for j in hooks.client.get(
            "/v1/jobs", params={"limit": 500}, headers=hooks.tenant.headers()
        ).json()["items"]
    }
    assert states <= {"done", "dead"}


@FUZZ
@given(
    events=st.lists(
        st.fixed_dictionaries(
            {
                "external_id": JSON,
                "topic": st.sampled_from(
                    ["event:klaviyo.opened_email", "profile:updated", "x", ""]
                ),
                "payload": JSON,
            }
        ),
        max_size=3,
    )
)
def test_signed_klaviyo_batches_of_any_shape_end_done_or_dead(hooks: Hooks, events):
    body = json.dumps({"data": events, "meta": {}}).encode()
    r = hooks.client.post(
        f"/v1/hooks/{hooks.tenant.slug}/klaviyo", content=body, headers=klaviyo_headers(body)
    )
    assert r.status_code == 200, r.text
    stats = hooks.work()
    assert stats.retried == 0


def test_hostile_bodies_are_stored_and_end_dead_not_retried(hooks: Hooks):
    nested = b"[" * 1000 + b"]" * 1000  # deeper than the applier recurses
    nul = b'{"id": 5, "email": "a\\u0000b@example.com", "first_name": "N\\u0000ul"}'
    assert hooks.shopify("customers/create", nested).status_code == 200
    assert hooks.shopify("customers/create", nul).status_code == 200
    stats = hooks.work()
    assert stats.retried == 0
    assert stats.dead == 1  # the nested one; NULs are dropped from the values, the rest applies
    [customer] = hooks.customers()
    assert customer["first_name"] == "Nul"


def test_a_time_with_no_utc_instant_is_read_as_unknown():
    """0001-01-01T00:00:00+01:00 is a valid ISO time before UTC's first instant: a payload
    holding it is applied without that time, not retried until dead."""
    from datetime import UTC, datetime

    from rolodex.ingest.records import when

    assert when("0001-01-01T00:00:00+01:00") is None
    assert when("9999-12-31T23:59:59-01:00") is None
    assert when("2024-01-01T00:30:00+01:00") == datetime(2023, 12, 31, 23, 30, tzinfo=UTC)
