"""A cursor whose values are not of its sort columns' types is a 422, never a 500 (SQLite and
PostgreSQL). Cursors are unsigned: a string for a time, a NULL or a boolean for a row number
reached the database, which answered with an error (a 500) or, for a string compared with
an audit sequence on SQLite, with rows."""

from __future__ import annotations

import base64
from typing import Any

import orjson
import pytest

from tests.conftest import TenantCtx
from tests.imports.helpers import drain, upload
from tests.web.helpers import assert_page, signed_in

ZERO_UUID = "00000000-0000-0000-0000-000000000000"
A_TIME = "2024-01-01T00:00:00+00:00"

# What a forger may put in place of a genuine value, by the genuine value's kind.
WRONG: dict[str, list[list[Any]]] = {
    "dt": [
        ["v", "abc"],
        ["v", None],
        ["v", True],
        ["v", 1704067200],
        ["uuid", ZERO_UUID],
        ["dec", "1.00"],
        ["dt", 5],
        ["dt", "yesterday"],
    ],
    "uuid": [
        ["v", "abc"],
        ["v", None],
        ["v", 7],
        ["uuid", "not-a-uuid"],
        ["uuid", 1],
        ["dt", A_TIME],
    ],
    "int": [
        ["v", None],
        ["v", True],
        ["v", "abc"],
        ["v", 1.5],
        ["v", 2**63],
        ["dt", A_TIME],
        ["uuid", ZERO_UUID],
    ],
    "str": [["v", None], ["v", 1], ["v", False], ["v", "a\x00b"], ["dt", A_TIME]],
    "dec": [["v", "10.00"], ["v", 1.5], ["v", None], ["dec", 10], ["uuid", ZERO_UUID]],
}
# Wrong in shape, whatever the sort: an unknown marker, an item that is not a pair.
MALFORMED: list[Any] = [["x", 1], ["v"], ["v", 1, 2], "v", None, {"v": 1}]


def _decode(cursor: str) -> dict[str, Any]:
    payload: dict[str, Any] = orjson.loads(
        base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    )
    return payload


def _encode(payload: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(payload)).decode().rstrip("=")


def _kind(item: list[Any]) -> str:
    marker, value = item
    if marker == "v":
        return "int" if isinstance(value, int) else "str"
    return str(marker)


def _forgeries(cursor: str) -> list[str]:
    """Every cursor ``cursor`` becomes with one value wrong, and with values missing or extra."""
    payload = _decode(cursor)
    out = []
    for i, item in enumerate(payload["v"]):
        for wrong in WRONG[_kind(item)] + MALFORMED:
            values = list(payload["v"])
            values[i] = wrong
            out.append(_encode({**payload, "v": values}))
    out.append(_encode({**payload, "v": payload["v"][:-1]}))
    out.append(_encode({**payload, "v": [*payload["v"], payload["v"][-1]]}))
    return out


def _refused(response: Any) -> None:
    assert response.status_code == 422, (response.status_code, response.text)
    error = response.json()["error"]
    assert error["code"] == "invalid_input", error
    assert error["message"] == "cursor: not a cursor from this list and sort", error
    assert [d["field"] for d in error["details"]] == ["cursor"], error


def _walk(tenant: TenantCtx, path: str, params: dict[str, Any]) -> list[Any]:
    """Every item of a list, a page of one at a time through its genuine cursors."""
    seen, cursor = [], None
    while True:
        query = {**params, "limit": 1, **({"cursor": cursor} if cursor else {})}
        response = tenant.client.get(path, params=query, headers=tenant.headers())
        assert response.status_code == 200, response.text
        page = response.json()
        seen += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            return seen


def _lists(tenant: TenantCtx) -> list[tuple[str, dict[str, Any]]]:
    """Two or more of each listed thing: customers, imports with failed rows, audit entries."""
    h = tenant.headers()
    for i in range(3):
        made = tenant.client.post("/v1/customers", json={"email": f"c{i}@example.com"}, headers=h)
        assert made.status_code == 201, made.text
    csv = "email\na@example.com\nnot-an-email\nalso-not-one\n"
    runs = [upload(tenant, csv, f"file-{n}.csv").json()["id"] for n in range(2)]
    drain(tenant)
    return [
        ("/v1/customers", {}),
        ("/v1/customers", {"sort": "-ltv"}),
        ("/v1/customers", {"sort": "order_count"}),
        ("/v1/customers", {"sort": "email"}),
        ("/v1/imports", {}),
        (f"/v1/imports/{runs[0]}/errors", {}),
        (f"/v1/imports/{runs[0]}/rows", {}),
        ("/v1/audit", {}),
    ]


def test_a_cursor_with_a_value_of_the_wrong_type_is_refused(tenant: TenantCtx) -> None:
    for path, params in _lists(tenant):
        first = tenant.client.get(path, params={**params, "limit": 1}, headers=tenant.headers())
        genuine = first.json()["next_cursor"]
        assert genuine, (path, params)
        for forged in _forgeries(genuine):
            response = tenant.client.get(
                path, params={**params, "cursor": forged}, headers=tenant.headers()
            )
            _refused(response)


def test_genuine_cursors_still_reach_every_item_once(tenant: TenantCtx) -> None:
    for path, params in _lists(tenant):
        everything = tenant.client.get(
            path, params={**params, "limit": 100}, headers=tenant.headers()
        ).json()
        assert everything["next_cursor"] is None
        assert len(everything["items"]) >= 2, path
        assert _walk(tenant, path, params) == everything["items"], (path, params)


@pytest.mark.parametrize("path", ["/audit", "/imports", "/customers"])
def test_a_forged_cursor_on_a_dashboard_page_is_a_page(tenant: TenantCtx, path: str) -> None:
    """The dashboard reads the same cursors: a forged one is said on a page, not a 500."""
    _lists(tenant)
    signed_in(tenant)
    api = {"/audit": "/v1/audit", "/imports": "/v1/imports", "/customers": "/v1/customers"}
    genuine = tenant.client.get(api[path], params={"limit": 1}, headers=tenant.headers())
    payload = _decode(genuine.json()["next_cursor"])
    payload["v"][0] = ["v", None]
    response = tenant.client.get(path, params={"cursor": _encode(payload)})
    # The customer list shows a bad search as a message above the list, as it always has.
    text = assert_page(response, 200 if path == "/customers" else 422)
    assert "Page: not a cursor from this list and sort" in text
