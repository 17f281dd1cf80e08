"""Event ingestion: one or a batch, every SPEC type and custom ones, idempotent by event id."""

from __future__ import annotations

import uuid

import pytest

from rolodex.models.activities import EVENT_TYPES
from tests.factories.records import count_rows, events, get_customer, new_customer


def test_one_event_is_stored_and_moves_last_active(tenant):
    cid = new_customer(tenant)["id"]
    r = events(
        tenant,
        {
            "type": "page_view",
            "customer_id": cid,
            "occurred_at": "2026-05-01T10:00:00Z",
            "session_id": "s-1",
            "properties": {"path": "/pricing", "ms": 812},
            "utm_source": "newsletter",
            "ip": "203.0.113.7",
            "user_agent": "Mozilla/5.0",
        },
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["accepted"], body["duplicates"]) == (1, 0)
    assert body["items"][0]["customer_id"] == cid
    assert get_customer(tenant, cid).json()["last_active_at"] == "2026-05-01T10:00:00Z"
    # an older event never moves it back
    events(
        tenant, {"type": "email_open", "customer_id": cid, "occurred_at": "2026-04-01T00:00:00Z"}
    )
    assert get_customer(tenant, cid).json()["last_active_at"] == "2026-05-01T10:00:00Z"


def test_batch_with_every_spec_type_and_a_custom_one(tenant, backend):
    a, b = new_customer(tenant), new_customer(tenant)
    batch = [{"type": t, "customer_id": a["id"]} for t in EVENT_TYPES]
    batch.append({"type": "quote_requested", "email": b["email"].upper()})  # by email, any case
    r = events(tenant, batch)
    assert r.status_code == 201, r.text
    assert r.json()["accepted"] == len(EVENT_TYPES) + 1
    assert r.json()["items"][-1]["customer_id"] == b["id"]
    assert count_rows(backend, "activities") == len(EVENT_TYPES) + 1
    assert get_customer(tenant, b["id"]).json()["last_active_at"] is not None


def test_event_ids_make_ingestion_idempotent(tenant, backend):
    cid = new_customer(tenant)["id"]
    first = events(tenant, [{"type": "purchase", "customer_id": cid, "event_id": "evt-1"}]).json()
    again = events(
        tenant,
        [
            {"type": "purchase", "customer_id": cid, "event_id": "evt-1"},
            {"type": "page_view", "customer_id": cid, "event_id": "evt-2"},
            {"type": "page_view", "customer_id": cid, "event_id": "evt-2"},
            {"type": "page_view", "customer_id": cid},
            {"type": "page_view", "customer_id": cid},
        ],
    ).json()
    assert [i["duplicate"] for i in again["items"]] == [True, False, True, False, False]
    assert again["items"][0]["id"] == first["items"][0]["id"]
    assert again["items"][1]["id"] == again["items"][2]["id"]
    assert (again["accepted"], again["duplicates"]) == (3, 2)
    assert count_rows(backend, "activities") == 4


def test_same_event_id_in_two_tenants_is_two_events(tenant, other_tenant, backend):
    mine, theirs = new_customer(tenant)["id"], new_customer(other_tenant)["id"]
    events(tenant, {"type": "page_view", "customer_id": mine, "event_id": "shared"})
    r = events(other_tenant, {"type": "page_view", "customer_id": theirs, "event_id": "shared"})
    assert r.json()["duplicates"] == 0
    assert count_rows(backend, "activities") == 2


def test_a_batch_of_1000_is_taken_and_1001_refused(tenant, backend):
    cid = new_customer(tenant)["id"]
    batch = [{"type": "page_view", "customer_id": cid, "event_id": f"e{n}"} for n in range(1001)]
    r = events(tenant, batch)
    assert r.status_code == 422
    assert "1000" in r.json()["error"]["message"]
    assert count_rows(backend, "activities") == 0
    r = events(tenant, batch[:1000])
    assert r.status_code == 201
    assert r.json()["accepted"] == 1000
    assert count_rows(backend, "activities") == 1000


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"type": "page view"}, "type"),
        ({"type": ""}, "type"),
        ({"type": "order"}, "body"),
        ({"type": "page_view", "customer_id": None}, "body"),
        ({"type": "page_view", "ip": "999.1.1.1"}, "ip"),
        ({"type": "page_view", "occurred_at": "2999-01-01T00:00:00Z"}, "occurred_at"),
        ({"type": "page_view", "properties": "x"}, "properties"),
        ({"type": "page_view", "color": "red"}, "color"),
    ],
)
def test_bad_event_is_422_naming_the_field(tenant, backend, body, field):
    cid = new_customer(tenant)["id"]
    payload = {"customer_id": cid, **body}
    if payload.get("customer_id") is None:
        payload.pop("customer_id")
    r = events(tenant, payload)
    assert r.status_code == 422, r.text
    assert [d["field"] for d in r.json()["error"]["details"]] == [field]
    r = events(tenant, [{"type": "page_view", "customer_id": cid}, payload])
    assert r.status_code == 422
    assert r.json()["error"]["details"][0]["field"] == (
        f"[1].{field}" if field != "body" else "[1]"
    )
    assert count_rows(backend, "activities") == 0


@pytest.mark.parametrize("body", [[], "text", 5, None])
def test_not_an_event_is_422(tenant, body):
    r = events(tenant, body)
    assert r.status_code == 422


def test_unknown_or_deleted_customer_fails_the_whole_batch(tenant, backend):
    live, gone = new_customer(tenant)["id"], new_customer(tenant)["id"]
    tenant.client.delete(f"/v1/customers/{gone}", headers=tenant.headers())
    r = events(
        tenant,
        [
            {"type": "page_view", "customer_id": live},
            {"type": "page_view", "customer_id": gone},
            {"type": "page_view", "customer_id": str(uuid.uuid4())},
            {"type": "page_view", "email": "nobody@example.com"},
        ],
    )
    assert r.status_code == 422
    fields = [d["field"] for d in r.json()["error"]["details"]]
    assert fields == ["[1].customer_id", "[2].customer_id", "[3].email"]
    assert count_rows(backend, "activities") == 0


def test_another_tenants_customer_is_unknown(tenant, other_tenant, backend):
    theirs = new_customer(other_tenant)["id"]
    r = events(tenant, {"type": "page_view", "customer_id": theirs})
    assert r.status_code == 422
    assert count_rows(backend, "activities") == 0


def test_ingest_role_may_send_events_viewer_may_not(tenant):
    cid = new_customer(tenant)["id"]
    body = {"type": "page_view", "customer_id": cid}
    assert events(tenant, body, key=tenant.key("ingest")).status_code == 201
    assert events(tenant, body, key=tenant.key("viewer")).status_code == 403
