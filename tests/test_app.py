"""Errors, limits, health and the OpenAPI document."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories.customers import customer_payload


def test_missing_malformed_and_unknown_keys_are_401(tenant):
    c = tenant.client
    assert c.get("/v1/customers").status_code == 401
    assert c.get("/v1/customers", headers={"Authorization": "Bearer nope"}).status_code == 401
    forged = tenant.admin_key[:-4] + "AAAA"
    r = c.get("/v1/customers", headers={"Authorization": f"Bearer {forged}"})
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "unauthorized"
    assert c.get("/v1/customers", headers={"Authorization": "Basic abc"}).status_code == 401


def test_revoked_key_stops_working(tenant):
    from rolodex.auth.keys import parse_key
    from rolodex.tenants import service

    key = tenant.key("agent")
    assert tenant.client.get("/v1/customers", headers=tenant.headers(key)).status_code == 200
    db = tenant.client.app.state.db
    with db.session(tenant.id) as session:
        service.revoke_key(session, tenant.id, parse_key(key).key_id)
    tenant.client.app.state.key_cache.clear()
    assert tenant.client.get("/v1/customers", headers=tenant.headers(key)).status_code == 401


def test_body_over_the_limit_is_413(tenant):
    limit = tenant.client.app.state.settings.max_body_bytes
    big = {"first_name": "x", "notes": "y" * (limit + 10)}
    r = tenant.client.post("/v1/customers", json=big, headers=tenant.headers())
    assert r.status_code == 413
    assert r.json()["error"]["code"] == "payload_too_large"


def test_malformed_json_is_400_and_wrong_type_is_422(tenant):
    h = {**tenant.headers(), "Content-Type": "application/json"}
    r = tenant.client.post("/v1/customers", content=b"{not json", headers=h)
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "invalid_json"
    r = tenant.client.post("/v1/customers", content=b"[1,2]", headers=h)
    assert r.status_code == 422


def test_unknown_route_and_method_use_the_error_shape(tenant):
    r = tenant.client.get("/v1/nothing-here", headers=tenant.headers())
    assert r.status_code == 404
    assert set(r.json()["error"]) == {"code", "message", "details"}
    r = tenant.client.put("/v1/customers", headers=tenant.headers())
    assert r.status_code == 405
    assert r.json()["error"]["code"] == "method_not_allowed"


def test_health_and_readiness(app_client):
    assert app_client.get("/healthz").json() == {"status": "ok"}
    assert app_client.get("/readyz").json() == {"status": "ready"}


def test_openapi_documents_every_error_response(app_client):
    spec = app_client.get("/openapi.json").json()
    assert "ErrorBody" in spec["components"]["schemas"]
    for path, ops in spec["paths"].items():
        if not path.startswith("/v1/"):
            continue
        for method, op in ops.items():
            documented = set(op["responses"])
            for status in ("401", "403", "404", "409", "413", "422", "429"):
                assert status in documented, f"{method.upper()} {path} lacks {status}"
            schema = op["responses"]["422"]["content"]["application/json"]["schema"]
            assert schema["$ref"].endswith("/ErrorBody")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
field_names = st.sampled_from(
    list(customer_payload()) + ["addresses", "consent", "utm", "attributes", "status", "sources"]
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=st.dictionaries(field_names, json_values, max_size=6) | json_values)
def test_no_body_gives_a_500(tenant, body):
    r = tenant.client.post(
        "/v1/customers",
        content=json.dumps(body).encode(),
        headers={**tenant.headers(), "Content-Type": "application/json"},
    )
    assert r.status_code < 500, r.text
    assert r.status_code in (201, 400, 409, 422)


@pytest.mark.parametrize(
    "query",
    ["sort=-ltv,,created_at", "tag=&stage=", "q=%00%ff", "cursor=%00", "limit=-1", "country=ZZZ"],
)
def test_odd_queries_never_500(tenant, query):
    r = tenant.client.get(f"/v1/customers?{query}", headers=tenant.headers())
    assert r.status_code < 500, r.text


@pytest.mark.parametrize(
    "path",
    ["/v1/customers/%00", "/v1/hooks/%00/shopify", "/v1/segments/a%00b", "/customers/%00"],
)
def test_nul_in_the_path_is_a_clear_422(tenant, path):
    r = tenant.client.get(path, headers=tenant.headers())
    assert r.status_code == 422, r.text
    assert r.json()["error"]["details"][0]["field"] == "path"


def test_metrics_and_request_id(tenant):
    r = tenant.client.get("/v1/customers", headers={**tenant.headers(), "X-Request-Id": "abc123"})
    assert r.headers["x-request-id"] == "abc123"
    assert len(tenant.client.get("/healthz").headers["x-request-id"]) == 32
    body = tenant.client.get("/metrics").text
    assert 'rolodex_http_requests_total{method="GET",route="/v1/customers",status="200"}' in body


def test_the_server_and_workers_collect_cyclic_garbage_less_often(app_client):
    """The app's startup (and `rolodex worker`) raise the collector's thresholds: with
    CPython's defaults a webhook worker spent ~13% of its time collecting (kit/runtime.py)."""
    import gc

    from rolodex.kit import runtime

    assert all(a >= b for a, b in zip(gc.get_threshold(), runtime.GC_THRESHOLDS, strict=True))
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    try:
        runtime.tune_gc()
        assert gc.get_threshold() == runtime.GC_THRESHOLDS
        gc.set_threshold(50_000, 60, 200)
        runtime.tune_gc()  # never lowers a threshold
        assert gc.get_threshold() == (50_000, 60, 200)
    finally:
        gc.set_threshold(*before)
