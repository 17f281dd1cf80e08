"""Malformed input to the identity endpoints answers 4xx with the error shape, never 500."""

from __future__ import annotations

import uuid

import pytest

from tests.identity.helpers import create

U = str(uuid.uuid4())
JSON = {"content-type": "application/json"}

BAD = [
    ("post", "/v1/merges", {"json": {"survivor_id": U}}),
    ("post", "/v1/merges", {"json": {"survivor_id": 1, "duplicate_id": [U]}}),
    ("post", "/v1/merges", {"json": {"survivor_id": U, "duplicate_id": U, "x": 1}}),
    ("post", "/v1/merges", {"content": b"{not json", "headers": JSON}),
    ("post", "/v1/merges", {"params": {"dry_run": "maybe"}, "json": {}}),
    ("post", "/v1/merges", {"json": {"survivor_id": U, "duplicate_id": str(uuid.uuid4())}}),
    ("post", "/v1/merges", {"params": {"dry_run": "true"},
                            "json": {"survivor_id": U, "duplicate_id": U}}),
    ("post", "/v1/merges/not-a-uuid/undo", {}),
    ("get", "/v1/merges/not-a-uuid", {}),
    ("get", "/v1/merges", {"params": {"limit": "0"}}),
    ("get", "/v1/merges", {"params": {"customer_id": "x"}}),
    ("get", "/v1/duplicates", {"params": {"min_score": "2"}}),
    ("get", "/v1/duplicates", {"params": {"min_score": "nan"}}),
    ("get", "/v1/duplicates", {"params": {"cursor": "!!!"}}),
    ("get", "/v1/duplicates", {"params": {"cursor": "WzEsMl0"}}),  # [1,2]
    ("get", "/v1/duplicates", {"params": {"limit": "100000"}}),
    ("post", "/v1/duplicates/x/dismiss", {}),
    ("post", "/v1/duplicates/scan", {"json": {"auto_merge": "sometimes"}}),
    ("post", "/v1/duplicates/scan", {"json": [1, 2]}),
    ("get", "/v1/duplicates/scans/nope", {}),
    ("put", "/v1/identity/settings", {"json": {"auto_merge_threshold": "high"}}),
    ("put", "/v1/identity/settings", {"json": {"auto_merge_threshold": -1}}),
    ("put", "/v1/identity/settings", {"content": b'{"auto_merge_threshold": NaN}',
                                      "headers": JSON}),
    ("post", "/v1/customers", {"params": {"match": "true"}, "json": {"email": "a@" + "x" * 400}}),
    ("post", "/v1/customers", {"params": {"match": "true"}, "json": {"phone": "+1"}}),
    ("post", "/v1/customers", {"params": {"match": "true"},
                               "json": {"first_name": "Zoë", "addresses": [{"country": "XX"}]}}),
    ("post", "/v1/customers", {"params": {"match": "perhaps"}, "json": {}}),
]  # fmt: skip


@pytest.mark.parametrize(("method", "path", "kwargs"), BAD)
def test_bad_input_is_a_client_error(tenant, method, path, kwargs):
    kwargs = dict(kwargs)  # the table is shared by both engines' runs
    headers = {**tenant.headers(), **kwargs.pop("headers", {})}
    r = getattr(tenant.client, method)(path, headers=headers, **kwargs)
    assert 400 <= r.status_code < 500, (r.status_code, r.text)
    assert set(r.json()["error"]) >= {"code", "message"}


def test_odd_but_valid_profiles_match_without_error(tenant):
    create(tenant, first_name="Ñandú", last_name="O'Brien-Ğül", email="x.y+z@gmail.com")
    for body in (
        {},
        {"first_name": "   "},
        {"first_name": "Ñandú", "last_name": "obrien gul", "email": "XY@googlemail.com"},
        {"last_name": "ß" * 200, "addresses": [{"line1": "#" * 300, "postcode": "-- --"}]},
        {"attributes": {"dob": "not a date", "date_of_birth": 12}},
    ):
        r = tenant.client.post(
            "/v1/customers", params={"match": "true"}, json=body, headers=tenant.headers()
        )
        assert r.status_code in (200, 201), (body, r.text)
