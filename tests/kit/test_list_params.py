"""Every GET list with filters refuses a query parameter it does not read (SQLite and
PostgreSQL): a misspelt one (``?stagee=customer`` on a segment's members, ``?acton=merge`` on
the audit log, ``?row=4`` on an import's problems) was ignored and the list answered as if no
filter had been asked for."""

from __future__ import annotations

from typing import Any

import pytest

from tests.imports.helpers import imported
from tests.search.helpers import create

NOT_OURS = "not a parameter of"
# path, a misspelt parameter, whether the list also takes the filters of GET /v1/customers
LISTS = [
    ("/v1/segments/{segment_id}/members", "stagee", True),
    ("/v1/stats", "segmnet", True),
    ("/v1/audit", "acton", False),
    ("/v1/customers/{customer_id}/audit", "acton", False),
    ("/v1/customers/{customer_id}/timeline", "typ", False),
    ("/v1/duplicates", "customer", False),
    ("/v1/merges", "customerid", False),
    ("/v1/jobs", "status", False),
    ("/v1/imports/{import_id}/rows", "actions", False),
    ("/v1/imports/{import_id}/errors", "row", False),  # ?row=4 listed every row's problems
]
VALUES = {"action": "create", "format": "json", "revert": "kept", "state": "dead"}
VALUES |= {"filter": "stage:customer", "sort": "-created_at", "q": "ann", "type": "order"}


def _ids(tenant) -> dict[str, str]:
    customer = create(tenant, lifecycle_stage="customer")
    r = tenant.client.post("/v1/segments", json={"name": "Picked"}, headers=tenant.headers())
    assert r.status_code == 201, r.text
    segment = r.json()["id"]
    r = tenant.client.post(
        f"/v1/customers/{customer['id']}/segments/{segment}", json={}, headers=tenant.headers()
    )
    assert r.status_code == 201, r.text
    run = imported(tenant, "email,first_name\nann@example.com,Ann\n")
    return {"customer_id": customer["id"], "segment_id": segment, "import_id": run["id"]}


def _value(param: dict[str, Any], ids: dict[str, str]) -> str:
    schema = param["schema"]
    kinds = {(o.get("type"), o.get("format")) for o in schema.get("anyOf", [schema])}
    if ("string", "uuid") in kinds:
        return ids["customer_id"]
    if ("string", "date-time") in kinds:
        return "2026-01-01T00:00:00Z"
    if ("boolean", None) in kinds:
        return "true"
    if ("integer", None) in kinds:
        return "1"
    if ("number", None) in kinds:
        return "0.5"
    return VALUES.get(param["name"], "x")


@pytest.mark.parametrize(("path", "misspelt", "filters"), LISTS)
def test_a_misspelt_parameter_is_a_422_naming_it(tenant, path, misspelt, filters):
    ids = _ids(tenant)
    url, h = path.format(**ids), tenant.headers()
    assert tenant.client.get(url, headers=h).status_code == 200
    response = tenant.client.get(url, params={misspelt: "customer"}, headers=h)
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "invalid_input"
    assert error["message"].startswith(f"unknown parameter: {misspelt}; "), error["message"]
    assert "take" in error["message"]
    assert [d["field"] for d in error["details"]] == [misspelt]
    assert error["details"][0]["message"].startswith(NOT_OURS)
    response = tenant.client.get(url, params={"zz": "1", "aa": "2"}, headers=h)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["message"].startswith("unknown parameters: aa, zz; ")
    # no key, no answer about parameters: the 401 comes first
    assert tenant.client.get(url, params={misspelt: "x"}).status_code == 401


@pytest.mark.parametrize(("path", "misspelt", "filters"), LISTS)
def test_every_declared_parameter_is_accepted(tenant, path, misspelt, filters):
    from rolodex.search.params import OTHER_FILTERS, SIMPLE

    ids = _ids(tenant)
    url, h = path.format(**ids), tenant.headers()
    spec = tenant.client.get("/openapi.json").json()["paths"][path]
    params = [p for p in spec["get"].get("parameters", []) if p["in"] == "query"]
    assert params or filters
    for param in params:
        name = param["name"]
        response = tenant.client.get(url, params={name: _value(param, ids)}, headers=h)
        assert NOT_OURS not in response.text, name
        if name != "cursor":
            assert response.status_code == 200, (name, response.text)
    if filters:
        names = [*SIMPLE, *OTHER_FILTERS, "attr.tier", "attr.score>", "attr.score>5"]
        for name in names:
            response = tenant.client.get(url, params={name: "1"}, headers=h)
            assert NOT_OURS not in response.text, name
            assert response.status_code != 500, (name, response.text)
        response = tenant.client.get(url, params={"stage": "customer"}, headers=h)
        assert response.status_code == 200, response.text
