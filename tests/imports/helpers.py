"""Helpers of the import tests: upload a file, run the queued jobs, read results."""

from __future__ import annotations

import csv
import io
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
