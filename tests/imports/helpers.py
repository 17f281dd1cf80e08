"""Helpers of the import tests: upload a file, run the queued jobs, read results."""

from __future__ import annotations

import csv
import io
import uuid
from typing import Any

from rolodex.jobs.worker import Worker
from tests.conftest import TenantCtx


def upload(
    tenant: TenantCtx,
    content: bytes | str,
    filename: str = "customers.csv",
    *,
    key: str | None = None,
    path: str = "/v1/imports",
    **fields: Any,
) -> Any:
    data = content.encode() if isinstance(content, str) else content
    form: dict[str, Any] = {}
    for name, value in fields.items():
        if isinstance(value, bool):
            form[name] = "true" if value else "false"
        elif isinstance(value, dict):
            import json

            form[name] = json.dumps(value)
        else:
            form[name] = value
    return tenant.client.post(
        path,
        files={"file": (filename, data, "application/octet-stream")},
        data=form,
        headers=tenant.headers(key),
    )


def drain(tenant: TenantCtx) -> None:
    """Run every due job (imports, reverts) to the end."""
    Worker(tenant.client.app.state.db).drain()  # type: ignore[attr-defined]


def imported(
    tenant: TenantCtx, content: bytes | str, filename: str = "customers.csv", **fields: Any
) -> dict[str, Any]:
    """Upload, run, and return the finished import."""
    response = upload(tenant, content, filename, **fields)
    assert response.status_code == 202, response.text
    drain(tenant)
    return status(tenant, response.json()["id"])


def status(tenant: TenantCtx, import_id: str) -> dict[str, Any]:
    response = tenant.client.get(f"/v1/imports/{import_id}", headers=tenant.headers())
    assert response.status_code == 200, response.text
    return response.json()


def rows(tenant: TenantCtx, import_id: str, **params: Any) -> list[dict[str, Any]]:
    out, cursor = [], None
    while True:
        query = {**params, "limit": 1000, **({"cursor": cursor} if cursor else {})}
        page = tenant.client.get(
            f"/v1/imports/{import_id}/rows", params=query, headers=tenant.headers()
        ).json()
        out += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return out


def errors(tenant: TenantCtx, import_id: str) -> list[dict[str, Any]]:
    page = tenant.client.get(
        f"/v1/imports/{import_id}/errors", params={"limit": 1000}, headers=tenant.headers()
    ).json()
    return page["items"]


def customers(tenant: TenantCtx, **params: Any) -> list[dict[str, Any]]:
    out, cursor = [], None
    while True:
        query = {**params, "limit": 500, **({"cursor": cursor} if cursor else {})}
        page = tenant.client.get("/v1/customers", params=query, headers=tenant.headers()).json()
        out += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return out


def csv_text(rows: list[list[Any]], delimiter: str = ",") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def posted_one_by_one(tenant: TenantCtx, docs: list[dict[str, Any]]) -> list[str]:
    """Each doc posted to POST /v1/customers?match=true: the X-Match-Outcome of each."""
    outcomes = []
    for doc in docs:
        response = tenant.client.post(
            "/v1/customers", params={"match": "true"}, json=doc, headers=tenant.headers()
        )
        assert response.status_code in (200, 201), response.text
        outcomes.append(response.headers["X-Match-Outcome"])
    return outcomes


def post_labelled(tenant: TenantCtx, bodies: list[dict[str, Any]]) -> list[str]:
    """Create these customers, each labelled ``base N`` in its attributes (see ``label``);
    their ids."""
    ids = []
    for n, body in enumerate(bodies):
        made = tenant.client.post(
            "/v1/customers",
            json={**body, "attributes": {**body.get("attributes", {}), "base": f"base {n}"}},
            headers=tenant.headers(),
        )
        assert made.status_code == 201, made.text
        ids.append(made.json()["id"])
    return ids


def crowd(tenant: TenantCtx, body: dict[str, Any], n: int) -> list[str]:
    """``n`` customers made of ``body`` by ``post_labelled``, the last five made oldest
    (created_at set back a year): with more holders of a blocking key than the cap of 50,
    which ones a record meets is decided by age, not by storage order. Their ids."""
    from datetime import timedelta

    from sqlalchemy import update

    from rolodex.kit.time import utcnow
    from rolodex.models import Customer

    ids = post_labelled(tenant, [body] * n)
    db = tenant.client.app.state.db  # type: ignore[attr-defined]
    with db.session(tenant.id) as session:
        year_ago = utcnow() - timedelta(days=365)
        for k, cid in enumerate(ids[-5:]):
            session.execute(
                update(Customer)
                .where(Customer.tenant_id == tenant.id, Customer.id == uuid.UUID(cid))
                .values(created_at=year_ago + timedelta(minutes=k))
            )
        session.commit()
    return ids


def label(customer: dict[str, Any]) -> str:
    """``base N`` for a customer made by ``post_labelled``, ``row N`` for one an incoming doc
    with ``attributes.row`` made."""
    attrs = customer["attributes"]
    return str(attrs.get("base") or f"row {attrs.get('row')}")


def imported_and_posted(
    tenant: TenantCtx, other: TenantCtx, incoming: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[str]]:
    """``incoming`` (each labelled ``row N``, from 1) imported at once into ``tenant`` and
    posted one by one to match_or_create in ``other``: the import's report rows and the posted
    outcomes, which must agree record by record on created or matched."""
    import json

    docs = [
        {**body, "attributes": {**body.get("attributes", {}), "row": n}}
        for n, body in enumerate(incoming, start=1)
    ]
    outcomes = posted_one_by_one(other, docs)
    report = rows(tenant, imported(tenant, json.dumps(docs), "incoming.json")["id"])
    assert [("created" if r["action"] == "create" else "matched") for r in report] == outcomes
    return report, outcomes


def queued_pairs(tenant: TenantCtx) -> set[tuple[str, ...]]:
    """The pairs queued for review (``GET /v1/duplicates``), each as its two ``label``s."""
    people = {c["id"]: c for c in customers(tenant, limit=200)}
    pairs = tenant.client.get(
        "/v1/duplicates", params={"limit": 200}, headers=tenant.headers()
    ).json()["items"]
    return {
        tuple(sorted((label(people[p["customer_a"]["id"]]), label(people[p["customer_b"]["id"]]))))
        for p in pairs
    }


def imported_table(tenant: TenantCtx, table: list[list[Any]], **fields: Any) -> str:
    """Import these rows (a header first) to the end; the import's id."""
    run = imported(tenant, csv_text(table), **fields)
    assert run["state"] == "done", run
    return str(run["id"])


def reverted(tenant: TenantCtx, import_id: str) -> dict[str, Any]:
    """Revert the import to the end; its revert's figures."""
    response = tenant.client.post(f"/v1/imports/{import_id}/revert", headers=tenant.headers())
    assert response.status_code == 202, response.text
    drain(tenant)
    return dict(status(tenant, import_id)["revert"])


def customer(tenant: TenantCtx, customer_id: str) -> dict[str, Any]:
    response = tenant.client.get(f"/v1/customers/{customer_id}", headers=tenant.headers())
    assert response.status_code == 200, response.text
    return dict(response.json())


def made(tenant: TenantCtx, body: dict[str, Any]) -> dict[str, Any]:
    """A customer made through the API (``POST /v1/customers``), as it answered."""
    response = tenant.client.post("/v1/customers", json=body, headers=tenant.headers())
    assert response.status_code == 201, response.text
    return dict(response.json())


def consented(tenant: TenantCtx, *emails: str) -> None:
    """Customers of these emails, each having said yes to email (for an import to revoke)."""
    for email in emails:
        made = tenant.client.post(
            "/v1/customers",
            json={"email": email, "consent": {"email": True}},
            headers=tenant.headers(),
        )
        assert made.status_code == 201, made.text
