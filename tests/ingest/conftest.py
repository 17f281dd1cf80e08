"""Webhook fixtures: a tenant with a Shopify and a Klaviyo source, senders, a worker."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from rolodex.config import get_settings
from rolodex.db import Database
from rolodex.jobs.worker import Stats, Worker
from rolodex.models import InboxItem, Job
from tests.conftest import TenantCtx
from tests.ingest.payloads import (
    KLAVIYO_SECRET,
    SHOPIFY_SECRET,
    body_of,
    klaviyo_headers,
    shopify_headers,
)


@dataclass
class Hooks:
    tenant: TenantCtx
    shopify_source: str
    klaviyo_source: str

    @property
    def client(self) -> TestClient:
        return self.tenant.client

    @property
    def db(self) -> Database:
        return self.client.app.state.db  # type: ignore[attr-defined,no-any-return]

    def shopify(self, topic: str, payload: Any, **kw: Any) -> Any:
        body = payload if isinstance(payload, bytes) else body_of(payload)
        headers = shopify_headers(topic, body, **kw)
        return self.client.post(
            f"/v1/hooks/{self.tenant.slug}/shopify", content=body, headers=headers
        )

    def klaviyo(self, payload: Any, **kw: Any) -> Any:
        body = payload if isinstance(payload, bytes) else body_of(payload)
        return self.client.post(
            f"/v1/hooks/{self.tenant.slug}/klaviyo",
            content=body,
            headers=klaviyo_headers(body, **kw),
        )

    def work(self) -> Stats:
        return Worker(self.db).drain()

    def counts(self) -> tuple[int, int]:
        """(inbox rows, jobs) of the tenant."""
        with self.db.session(self.tenant.id, write=False) as s:
            inbox = s.scalar(select(func.count()).select_from(InboxItem)) or 0
            jobs = s.scalar(select(func.count()).select_from(Job)) or 0
        return int(inbox), int(jobs)

    def customer(self, email: str) -> dict[str, Any]:
        r = self.client.get(
            "/v1/customers",
            params={"q": email, "include_deleted": "true"},
            headers=self.tenant.headers(),
        )
        assert r.status_code == 200, r.text
        found = [c for c in r.json()["items"] if (c["email"] or "").lower() == email.lower()]
        assert len(found) == 1, found
        return found[0]

    def customers(self) -> list[dict[str, Any]]:
        r = self.client.get("/v1/customers", params={"limit": 500}, headers=self.tenant.headers())
        assert r.status_code == 200, r.text
        return r.json()["items"]  # type: ignore[no-any-return]


def add_source(tenant: TenantCtx, provider: str, secret: str) -> str:
    r = tenant.client.post(
        "/v1/sources", json={"provider": provider, "secret": secret}, headers=tenant.headers()
    )
    assert r.status_code == 201, r.text
    return r.json()["id"]  # type: ignore[no-any-return]


@pytest.fixture
def hooks(tenant: TenantCtx) -> Hooks:
    return Hooks(
        tenant,
        add_source(tenant, "shopify", SHOPIFY_SECRET),
        add_source(tenant, "klaviyo", KLAVIYO_SECRET),
    )


@pytest.fixture
def cli_env(backend, monkeypatch):
    """The CLI's settings point at this test's database."""
    monkeypatch.setenv("ROLODEX_DATABASE_URL", backend.url)
    monkeypatch.setenv("ROLODEX_ENV", "test")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()
