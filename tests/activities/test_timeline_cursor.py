"""A forged cursor of a customer's timeline (the API's and the dashboard's "more") is a 422,
never a 500 or a wrong page (SQLite and PostgreSQL). A cursor is [time, source rank, id]:
an audit sequence number past a BIGINT reached the database (a 500 on both engines), a bool
rank passed for a number, and int() read "1_0" or " 1" as a sequence number."""

from __future__ import annotations

import base64
import json
from typing import Any

from tests.activities.test_timeline_api import _busy_customer
from tests.web.helpers import assert_page, signed_in

ZERO = "00000000-0000-0000-0000-000000000000"
SEQ_RANKS = {3, 4, 5}  # tag_change, note_change, audit: items of the audit log

AT: list[Any] = [None, 5, "yesterday", "0001-01-01T00:00:00+01:00", "nan"]
RANK: list[Any] = [True, False, 1.0, "1", None, 6, -1, 10**40]
SEQ: list[Any] = [None, 5, str(10**40), str(2**63), "-1", "1_0", " 1", "+1", "01", ZERO]
UUID: list[Any] = [None, 5, "x", str(10**40), "1"]
SHAPE: list[Any] = [{"0": 1}, {"a": 1, "b": 2, "c": 3}, [ZERO, 0], [], "x", None, 3]
NOT_JSON = ["!!!", "garbage", "é", "W!!!zEsMl0", "x" * 1999]


def _decode(cursor: str) -> list[Any]:
    payload: list[Any] = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    return payload


def _encode(value: Any) -> str:
    # json, not orjson: a forger's integer may be past 64 bits
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


def _genuine(tenant: Any, cid: str) -> list[str]:
    """The cursor after each item of the timeline, a page of one at a time."""
    cursors, cursor = [], None
    while True:
        params = {"limit": 1, **({"cursor": cursor} if cursor else {})}
        page = tenant.client.get(
            f"/v1/customers/{cid}/timeline", params=params, headers=tenant.headers()
        )
        assert page.status_code == 200, page.text
        cursor = page.json()["next_cursor"]
        if not cursor:
            return cursors
        cursors.append(cursor)


def _forgeries(genuine: list[str]) -> list[str]:
    """Each genuine cursor with its time, its rank or its id wrong, and wrong in shape."""
    out = [_encode(s) for s in SHAPE] + NOT_JSON
    for cursor in genuine:
        at, rank, ident = _decode(cursor)
        out += [_encode([a, rank, ident]) for a in AT]
        out += [_encode([at, r, ident]) for r in RANK]
        out += [_encode([at, rank, i]) for i in (SEQ if rank in SEQ_RANKS else UUID)]
        out += [_encode([at, rank, ident, ident]), _encode([at, rank])]
    return out


def test_a_forged_cursor_is_refused(tenant):
    cid = _busy_customer(tenant)
    genuine = _genuine(tenant, cid)
    assert {_decode(c)[1] for c in genuine} >= {0, 1, 2, 3, 4, 5}  # every kind of source
    signed_in(tenant)
    for cursor in _forgeries(genuine):
        response = tenant.client.get(
            f"/v1/customers/{cid}/timeline", params={"cursor": cursor}, headers=tenant.headers()
        )
        assert response.status_code == 422, (_decode_or_raw(cursor), response.text)
        error = response.json()["error"]
        assert error["message"] == "cursor: not a cursor from this timeline", error
        assert [d["field"] for d in error["details"]] == ["cursor"]
        page = tenant.client.get(f"/customers/{cid}/timeline", params={"cursor": cursor})
        assert "Page: not a cursor from this timeline" in assert_page(page, 422)


def test_genuine_cursors_read_on_the_dashboard_too(tenant):
    """The dashboard's "more" takes the same cursors: each is a page, and the last one
    shows the first item."""
    cid = _busy_customer(tenant)
    genuine = _genuine(tenant, cid)
    signed_in(tenant)
    for cursor in genuine:
        assert_page(tenant.client.get(f"/customers/{cid}/timeline", params={"cursor": cursor}))
    last = assert_page(
        tenant.client.get(f"/customers/{cid}/timeline", params={"cursor": genuine[-1]})
    )
    assert "page_view" in last.lower() or "page view" in last.lower()


def _decode_or_raw(cursor: str) -> Any:
    try:
        return _decode(cursor)
    except ValueError:
        return cursor[:50]
