"""Times with no UTC instant and forged cursors get a 422, never a 500 (SQLite and
PostgreSQL). Everything is stored in UTC, and 0001-01-01T00:00:00+01:00 falls before its
first instant (9999-12-31T23:59:59-01:00 after its last): converting them raised
OverflowError deep in the database layer."""

from __future__ import annotations

import base64
from typing import Any

import orjson
import pytest

from rolodex.kit.time import OUT_OF_RANGE
from tests.conftest import TenantCtx

NO_UTC_INSTANT = ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"]


def _unprocessable(response: Any, where: str) -> None:
    assert response.status_code == 422, response.text
    body = response.json()["error"]
    assert where in body["message"] or where in str(body["details"]), body


@pytest.mark.parametrize("when", NO_UTC_INSTANT)
def test_a_time_with_no_utc_instant_is_refused_in_bodies_and_queries(
    tenant: TenantCtx, when: str
) -> None:
    c, h = tenant.client, tenant.headers()
    made = c.post("/v1/customers", json={"email": "t@example.com"}, headers=h)
    cid = made.json()["id"]
    order = {"customer_id": cid, "amount": "10.00"}
    bodies = [
        ("POST", "/v1/customers", {"email": "u@example.com", "last_active_at": when}),
        ("PATCH", f"/v1/customers/{cid}", {"last_active_at": when}),
        ("POST", "/v1/orders", {**order, "placed_at": when}),
        ("POST", "/v1/events", {"customer_id": cid, "type": "page_view", "occurred_at": when}),
    ]
    for method, path, body in bodies:
        response = c.request(method, path, json=body, headers=h)
        (field,) = [k for k, v in body.items() if v == when]
        _unprocessable(response, field)
        details = response.json()["error"]["details"]
        assert any("out of range" in d["message"] for d in details), details
    queries = [
        ("/v1/customers", {"created_after": when}, "created_after"),
        ("/v1/customers", {"last_active_before": when}, "last_active_before"),
        ("/v1/exports", {"format": "csv", "created_after": when}, "created_after"),
        ("/v1/audit", {"since": when}, "since"),
    ]
    for path, params, field in queries:
        _unprocessable(c.get(path, params=params, headers=h), field)
    listed = c.get("/v1/customers", params={"created_after": when}, headers=h).json()
    assert OUT_OF_RANGE in listed["error"]["message"]
    assert c.get(f"/v1/customers/{cid}", headers=h).json()["last_active_at"] is None


def _forged(cursor: str, kind: str, value: str) -> str:
    payload = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    payload["v"] = [[kind, value] if item[0] == kind else item for item in payload["v"]]
    return base64.urlsafe_b64encode(orjson.dumps(payload)).decode().rstrip("=")


def test_a_forged_cursor_is_refused(tenant: TenantCtx) -> None:
    c, h = tenant.client, tenant.headers()
    for i in range(3):
        c.post("/v1/customers", json={"email": f"c{i}@example.com"}, headers=h)
    newest = c.get("/v1/customers", params={"limit": 1}, headers=h).json()["next_cursor"]
    for when in NO_UTC_INSTANT:
        forged = _forged(newest, "dt", when)
        _unprocessable(c.get("/v1/customers", params={"cursor": forged}, headers=h), "cursor")
    richest = c.get("/v1/customers", params={"limit": 1, "sort": "-ltv"}, headers=h)
    for amount in ["1e999999", "NaN", "-Infinity", "abc"]:
        forged = _forged(richest.json()["next_cursor"], "dec", amount)
        response = c.get("/v1/customers", params={"sort": "-ltv", "cursor": forged}, headers=h)
        _unprocessable(response, "cursor")
    cid = c.get("/v1/customers", headers=h).json()["items"][0]["id"]
    timeline = base64.urlsafe_b64encode(orjson.dumps([NO_UTC_INSTANT[0], 1, "x"])).decode()
    response = c.get(f"/v1/customers/{cid}/timeline", params={"cursor": timeline}, headers=h)
    _unprocessable(response, "cursor")
