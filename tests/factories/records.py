"""Helpers for record-keeping tests: customers, transitions, events, orders through the API."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import text

from tests.factories.customers import customer_payload


def new_customer(tenant: Any, **fields: Any) -> dict[str, Any]:
    r = tenant.client.post(
        "/v1/customers", json=customer_payload(**fields), headers=tenant.headers()
    )
    assert r.status_code == 201, r.text
    return r.json()


def transition(tenant: Any, customer_id: str, key: str | None = None, **body: Any) -> Any:
    return tenant.client.post(
        f"/v1/customers/{customer_id}/transitions", json=body, headers=tenant.headers(key)
    )


def get_customer(tenant: Any, customer_id: str, **params: Any) -> Any:
    return tenant.client.get(
        f"/v1/customers/{customer_id}", params=params, headers=tenant.headers()
    )


def order(tenant: Any, customer: str, **body: Any) -> Any:
    payload = {"customer_id": customer, "amount": "10.00", **body}
    return tenant.client.post("/v1/orders", json=payload, headers=tenant.headers())


def events(tenant: Any, body: Any, key: str | None = None) -> Any:
    return tenant.client.post("/v1/events", json=body, headers=tenant.headers(key))


def verify(tenant: Any) -> dict[str, Any]:
    r = tenant.client.get("/v1/audit/verify", headers=tenant.headers())
    assert r.status_code == 200, r.text
    return r.json()


def count_rows(backend: Any, table: str, **where: Any) -> int:
    """Rows of a table as the owner sees them (no RLS), for 'nothing was written' checks."""
    clause = " AND ".join(f"{k} = :{k}" for k in where) or "1 = 1"
    params = {
        k: (v.hex if backend.name == "sqlite" and isinstance(v, uuid.UUID) else v)
        for k, v in where.items()
    }
    with backend.owner.connect() as conn:
        return int(
            conn.execute(text(f"SELECT count(*) FROM {table} WHERE {clause}"), params).scalar()
        )
