"""Namesakes an import leaves out before building their matching view (imports.batch.
Namesakes): at a million customers most customers found by name alone cannot reach the
review threshold. Leaving them out changes no decision: the same records imported at once
and posted one by one to POST /v1/customers?match=true match and queue the same customers
(SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest

from rolodex.imports import batch as import_batch
from tests.conftest import TenantCtx, make_tenant
from tests.imports.helpers import (
    crowd,
    customers,
    imported_and_posted,
    label,
    post_labelled,
)

JOHN_SMITH = {"first_name": "John", "last_name": "Smith"}
# Thirty John Smiths with their own email, phone and address: against a John Smith with
# another email, phone and postcode each scores 0.25 at most.
ELSEWHERE: list[dict[str, Any]] = [
    {
        "first_name": "John",
        "last_name": "Smith",
        "email": f"john{i}@example.com",
        "phone": f"+1 212 555 01{i:02d}",
        "addresses": [
            {
                "line1": f"{i} Oak Ave",
                "postcode": f"100{i:02d}",
                "city": "New York",
                "country": "US",
            }
        ],
    }
    for i in range(30)
]
CLOSE: list[dict[str, Any]] = [
    {"first_name": "John", "last_name": "Smith"},  # a name and nothing else: 0.80
    {  # the same house, another email: 0.79
        "first_name": "John",
        "last_name": "Smith",
        "email": "js@work.example",
        "addresses": [
            {"line1": "3 Pine St", "postcode": "94110", "city": "San Francisco", "country": "US"}
        ],
    },
    {  # the same birth date and no contact details
        "first_name": "Jon",
        "last_name": "Smith",
        "attributes": {"date_of_birth": "1980-05-17"},
    },
]
INCOMING: list[dict[str, Any]] = [
    {
        "first_name": "John",
        "last_name": "Smith",
        "email": "john.new@example.com",
        "phone": "+1 415 555 0199",
        "addresses": [
            {
                "line1": "3 Pine Street",
                "postcode": "94110",
                "city": "San Francisco",
                "country": "US",
            }  # fmt: skip
        ],
    },
    {
        "first_name": "John",
        "last_name": "Smith",
        "email": "john.other@example.com",
        "phone": "+1 617 555 0100",
        "attributes": {"date_of_birth": "1980-05-17"},
        "addresses": [
            {"line1": "9 Elm St", "postcode": "02110", "city": "Boston", "country": "US"}
        ],
    },
    {  # shares the phone of John Smith 7 (found by phone too)
        "first_name": "J",
        "last_name": "Smith",
        "phone": "(212) 555-0107",
        "addresses": [
            {"line1": "7 Oak Avenue", "postcode": "10007", "city": "New York", "country": "US"}
        ],
    },
]


def _setup(tenant: TenantCtx) -> None:
    post_labelled(tenant, ELSEWHERE + CLOSE)


def _state(tenant: TenantCtx) -> tuple[list[Any], list[Any]]:
    people = {c["id"]: c for c in customers(tenant)}
    profiles = sorted(
        (label(c), c["email"], c["phone_e164"], c["first_name"], c["last_name"])
        for c in people.values()
    )
    pairs = tenant.client.get(
        "/v1/duplicates", params={"limit": 200}, headers=tenant.headers()
    ).json()["items"]
    ends = ((people[p["customer_a"]["id"]], people[p["customer_b"]["id"]], p) for p in pairs)
    found = sorted((tuple(sorted((label(a), label(b)))), p["score"]) for a, b, p in ends)
    return profiles, found


@pytest.fixture
def views(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The stored customers an import built a matching view of."""
    built: list[Any] = []
    real = import_batch.stored_person

    def counted(row: tuple[Any, ...]) -> Any:
        built.append(row[0])
        return real(row)

    monkeypatch.setattr(import_batch, "stored_person", counted)
    return built


def test_namesakes_below_review_are_left_out_and_decisions_do_not_change(tenant, views):
    one_by_one = make_tenant(tenant.client, "One by one")
    _setup(tenant)
    _setup(one_by_one)
    report, outcomes = imported_and_posted(tenant, one_by_one, INCOMING)
    assert outcomes == ["created", "created", "matched"]
    # The first two were queued for review with the close namesakes, the third matched John
    # Smith 7 by phone and address: only the close ones (and Smith 7) got a view.
    assert 0 < len(views) <= len(CLOSE) + 1
    state = _state(tenant)
    assert state == _state(one_by_one)
    queued = {pair for pair, _ in state[1]}
    assert {("base 30", "row 1"), ("base 31", "row 1"), ("base 32", "row 2")} <= queued
    # A created row's score is its best candidate at or above review (the pairs queued).
    assert [r["score"] for r in report[:2]] == [
        max(s for pair, s in state[1] if f"row {n}" in pair) for n in (1, 2)
    ]


def test_a_record_with_a_name_alone_keeps_every_namesake(tenant, views):
    one_by_one = make_tenant(tenant.client, "One by one")
    _setup(tenant)
    _setup(one_by_one)
    _, outcomes = imported_and_posted(tenant, one_by_one, [JOHN_SMITH])
    assert outcomes == ["created"]
    assert len(views) == len(ELSEWHERE) + len(CLOSE)  # each could score 0.80
    assert _state(tenant) == _state(one_by_one)


def test_past_the_cap_both_matchers_meet_the_oldest_namesakes(tenant):
    one_by_one = make_tenant(tenant.client, "One by one")
    crowd(tenant, JOHN_SMITH, 55)
    crowd(one_by_one, JOHN_SMITH, 55)
    assert imported_and_posted(tenant, one_by_one, [JOHN_SMITH])[1] == ["created"]
    state = _state(tenant)
    assert state == _state(one_by_one)
    queued = {label for pair, _ in state[1] for label in pair if label != "row 1"}
    assert len(queued) == 50
    assert {f"base {i}" for i in range(50, 55)} <= queued  # the oldest five
