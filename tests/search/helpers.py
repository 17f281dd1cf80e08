"""Small helpers shared by the search, segment and view tests."""

from __future__ import annotations

from typing import Any

from tests.conftest import TenantCtx
from tests.factories.customers import customer_payload


def create(tenant: TenantCtx, **fields: Any) -> dict[str, Any]:
    r = tenant.client.post(
        "/v1/customers", json=customer_payload(**fields), headers=tenant.headers()
    )
    assert r.status_code == 201, r.text
    return r.json()


def person(tenant: TenantCtx, first: str, last: str, **fields: Any) -> dict[str, Any]:
    """A customer with only a name (no email/phone that could match a query by accident)."""
    fields.setdefault("email", ...)
    fields.setdefault("phone", ...)
    return create(tenant, first_name=first, last_name=last, **fields)


def listing(tenant: TenantCtx, **params: Any) -> dict[str, Any]:
    r = tenant.client.get("/v1/customers", params=params, headers=tenant.headers())
    assert r.status_code == 200, r.text
    return r.json()


def ids(tenant: TenantCtx, **params: Any) -> list[str]:
    return [c["id"] for c in listing(tenant, **params)["items"]]


def all_ids(tenant: TenantCtx, path: str = "/v1/customers", **params: Any) -> list[str]:
    """Every id of a list, page by page."""
    out: list[str] = []
    cursor = None
    for _ in range(200):
        query = {**params, **({"cursor": cursor} if cursor else {})}
        r = tenant.client.get(path, params=query, headers=tenant.headers())
        assert r.status_code == 200, r.text
        body = r.json()
        out += [c["id"] for c in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            return out
    raise AssertionError("pagination did not end")


def bulk_people(tenant: TenantCtx, names: list[tuple[str, str]], **fields: Any) -> list[str]:
    """Customers written straight through the ORM in one transaction (fast; it also shows
    that the search index follows writes that bypass the API)."""
    import uuid

    from rolodex.models import Customer

    db = tenant.client.app.state.db  # type: ignore[attr-defined]
    out = []
    with db.session(tenant.id) as session:
        for first, last in names:
            c = Customer(
                tenant_id=tenant.id,
                id=uuid.uuid4(),
                first_name=first,
                last_name=last,
                full_name=f"{first} {last}",
                attributes={},
                **fields,
            )
            session.add(c)
            out.append(str(c.id))
    return out
