"""A forged cursor of the duplicates list (GET /v1/duplicates and the dashboard's page) is a
422, never a 500 or a wrong page (SQLite and PostgreSQL). Cursors are unsigned: an object in
place of the [score, id] pair was a 500; a bool, a string, NaN or infinity for the score
answered a page as if it were a score (NaN: no pair on SQLite, every pair on PostgreSQL)."""

from __future__ import annotations

import base64
import json
from typing import Any

from tests.web.helpers import assert_page, signed_in

ZERO = "00000000-0000-0000-0000-000000000000"
MAIN_ST = {"line1": "1 Main St", "city": "Springfield", "postcode": "62701", "country": "US"}
FORGED: list[Any] = [
    {"0": 1},
    {"0": 0.5, "1": ZERO},
    [True, ZERO],
    [False, ZERO],
    ["nan", ZERO],
    ["1e999", ZERO],
    ["-1e999", ZERO],
    ["0.5", ZERO],
    [10**40, ZERO],
    [-0.5, ZERO],
    [1.5, ZERO],
    [None, ZERO],
    [0.5, None],
    [0.5, 5],
    [0.5, "not-a-uuid"],
    [0.5],
    [0.5, ZERO, 3],
    [],
    "0.5",
    0.5,
    None,
]
NOT_JSON = ["!!!", "garbage", "W!!!zEsMl0", "é", "e30" + "=" * 3, "x" * 199]


def _encode(value: Any) -> str:
    # json, not orjson: a forger's integer may be past 64 bits
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


def _pairs(tenant: Any, n: int) -> None:
    """``n`` candidate pairs: two records of one Kim Park at each of ``n`` addresses."""
    for i in range(n):
        where = [{**MAIN_ST, "line1": f"{i + 1} Elm Rd"}]
        for mail in ("a", "b"):
            r = tenant.client.post(
                "/v1/customers",
                params={"match": "true"},
                json={"first_name": "Kim", "last_name": f"Park{i}",
                      "email": f"k{i}@{mail}.com", "addresses": where},
                headers=tenant.headers(),
            )  # fmt: skip
            assert r.status_code == 201, r.text


def _forgeries() -> list[str]:
    return [_encode(f) for f in FORGED] + NOT_JSON


def test_a_forged_cursor_is_refused_by_the_api(tenant):
    _pairs(tenant, 2)
    for cursor in _forgeries():
        response = tenant.client.get(
            "/v1/duplicates", params={"cursor": cursor}, headers=tenant.headers()
        )
        assert response.status_code == 422, (cursor, response.status_code, response.text)
        error = response.json()["error"]
        assert error["message"] == "cursor: not a cursor from this list", (cursor, error)
        assert [d["field"] for d in error["details"]] == ["cursor"]


def test_a_forged_cursor_on_the_dashboard_page_is_said_on_a_page(tenant):
    _pairs(tenant, 1)
    signed_in(tenant)
    for cursor in _forgeries():
        text = assert_page(tenant.client.get("/duplicates", params={"cursor": cursor}), 422)
        assert "Page: not a page of this list; start again" in text, cursor


def test_genuine_cursors_still_reach_every_pair_once(tenant):
    _pairs(tenant, 3)
    h = tenant.headers()
    everything = tenant.client.get("/v1/duplicates", params={"limit": 100}, headers=h).json()
    assert len(everything["items"]) == 3
    seen, cursor = [], None
    while True:
        params = {"limit": 1, **({"cursor": cursor} if cursor else {})}
        page = tenant.client.get("/v1/duplicates", params=params, headers=h)
        assert page.status_code == 200, page.text
        seen += page.json()["items"]
        cursor = page.json()["next_cursor"]
        if not cursor:
            break
    assert seen == everything["items"]
    # a cursor at either end of the scores is one a list can hold
    for score, expected in ((1, 3), (1.0, 3), (0, 0)):
        page = tenant.client.get(
            "/v1/duplicates", params={"cursor": _encode([score, ZERO])}, headers=h
        )
        assert page.status_code == 200, page.text
        assert len(page.json()["items"]) == expected, score
