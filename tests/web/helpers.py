"""Shared steps of the dashboard page tests: users, sign-in, CSRF tokens, API shortcuts."""

from __future__ import annotations

import re
from typing import Any

from tests.factories.customers import customer_payload

PASSWORD = "correct horse battery"


def make_user(tenant: Any, role: str = "admin", email: str | None = None) -> str:
    from rolodex.tenants import service

    db = tenant.client.app.state.db
    email = email or f"{role}-{tenant.slug}@example.com"
    with db.session(tenant.id) as session:
        service.create_user(session, tenant.id, email, PASSWORD, role=role)
    return email


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


def signed_in(tenant: Any, role: str = "admin") -> str:
    """Sign a new user of ``role`` in on the tenant's client; returns a CSRF token."""
    email = make_user(tenant, role)
    client = tenant.client
    page = client.get("/signin")
    r = client.post(
        "/signin",
        data={"email": email, "password": PASSWORD, "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    return csrf_of(client.get("/").text)


def new_customer(tenant: Any, **fields: Any) -> dict[str, Any]:
    r = tenant.client.post(
        "/v1/customers", json=customer_payload(**fields), headers=tenant.headers()
    )
    assert r.status_code == 201, r.text
    return r.json()  # type: ignore[no-any-return]


def api_customer(tenant: Any, customer_id: str) -> dict[str, Any]:
    r = tenant.client.get(f"/v1/customers/{customer_id}", headers=tenant.headers())
    return r.json()  # type: ignore[no-any-return]


def assert_page(r: Any, status: int = 200) -> str:
    """A dashboard answer: HTML (never the API's JSON), no stack trace."""
    assert r.status_code == status, (r.status_code, r.text[:500])
    assert r.headers["content-type"].startswith("text/html"), r.headers["content-type"]
    assert "Traceback" not in r.text
    return str(r.text)
