"""Rate limits per API key and per webhook source: 429 with Retry-After; memory by default,
Redis when configured (shared by every process)."""

from __future__ import annotations

import os
import uuid

import pytest
import redis
from fastapi.testclient import TestClient

from rolodex.app import create_app
from rolodex.config import Settings
from rolodex.errors import RateLimited
from rolodex.ratelimit import RateLimiter
from tests.conftest import make_tenant
from tests.ingest.conftest import add_source
from tests.ingest.payloads import SHOPIFY_SECRET, body_of, shopify_customer, shopify_headers

REDIS_URL = os.environ.get("ROLODEX_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def limited_client(backend):
    settings = backend.db.settings.model_copy(
        update={"rate_limit_api": "5/minute", "rate_limit_hooks": "3/minute"}
    )
    with TestClient(create_app(settings, backend.db), raise_server_exceptions=False) as client:
        yield client


def test_an_api_key_past_its_limit_gets_429_with_retry_after(limited_client):
    tenant = make_tenant(limited_client)
    other_key = tenant.key("agent")  # its own budget
    codes = [
        limited_client.get("/v1/customers", headers=tenant.headers()).status_code for _ in range(5)
    ]
    assert codes == [200] * 5
    r = limited_client.get("/v1/customers", headers=tenant.headers())
    assert r.status_code == 429
    assert r.json()["error"]["code"] == "rate_limited"
    assert 1 <= int(r.headers["Retry-After"]) <= 60
    assert limited_client.get("/v1/customers", headers=tenant.headers(other_key)).status_code == 200


def test_a_webhook_source_past_its_limit_gets_429(limited_client):
    tenant = make_tenant(limited_client)
    add_source(tenant, "shopify", SHOPIFY_SECRET)
    url = f"/v1/hooks/{tenant.slug}/shopify"
    codes = []
    for _ in range(4):
        body = body_of(shopify_customer())
        codes.append(
            limited_client.post(
                url, content=body, headers=shopify_headers("customers/create", body)
            ).status_code
        )
    assert codes == [200, 200, 200, 429]
    body = body_of(shopify_customer())
    r = limited_client.post(url, content=body, headers=shopify_headers("customers/create", body))
    assert r.status_code == 429
    assert int(r.headers["Retry-After"]) >= 1
    # Unverified requests are refused before they cost the source anything.
    assert (
        limited_client.post(url, content=b"{}", headers={"X-Shopify-Hmac-Sha256": "x"}).status_code
        == 401
    )


def test_redis_storage_is_shared_between_processes():
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:  # the suite's service check says how to reach Redis
        pytest.fail(f"Redis is not reachable at {REDIS_URL}: {exc}")
    settings = Settings(redis_url=REDIS_URL, rate_limit_api="4/minute", env="test")
    one, two = RateLimiter(settings), RateLimiter(settings)  # two API processes
    assert type(one.storage).__name__ == "RedisStorage"
    key = f"test-{uuid.uuid4()}"
    one.hit_api(key)
    two.hit_api(key)
    one.hit_api(key)
    two.hit_api(key)
    with pytest.raises(RateLimited) as caught:
        one.hit_api(key)
    assert caught.value.retry_after >= 1
    one.count_rejected("tenant", key)
    two.count_rejected("tenant", key)
    assert one.rejected("tenant", key) == 2


def test_an_unreachable_redis_lets_requests_through():
    settings = Settings(redis_url="redis://127.0.0.1:1/0", rate_limit_api="1/minute", env="test")
    limiter = RateLimiter(settings)
    limiter.hit_api("k")
    limiter.hit_api("k")  # fails open: no exception
