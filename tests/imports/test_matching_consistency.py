"""The batch matcher agrees with match_or_create (SQLite and PostgreSQL): the same file
imported at once, or posted row by row to POST /v1/customers?match=true, matches the same
customers, fills the same fields, and queues the same pairs for review."""

from __future__ import annotations

from typing import Any

from tests.conftest import TenantCtx, make_tenant
from tests.imports.helpers import (
    crowd,
    customers,
    imported_and_posted,
    label,
    post_labelled,
    queued_pairs,
)

BASE: list[dict[str, Any]] = [
    {
        "email": "john.smith@gmail.com",
        "first_name": "John",
        "last_name": "Smith",
        "phone": "+1 212 555 0142",
        "addresses": [
            {"line1": "12 Main Street", "postcode": "10001", "city": "New York", "country": "US"}
        ],
    },
    {"first_name": "Maria", "last_name": "Garcia", "phone": "+1 305 555 0199"},
    {
        "email": "hans@example.de",
        "first_name": "Hans",
        "last_name": "Müller",
        "attributes": {"date_of_birth": "1970-04-01"},
        "addresses": [
            {"line1": "Hauptstraße 5", "postcode": "10115", "city": "Berlin", "country": "DE"}
        ],
    },
    {
        "first_name": "Kate",
        "last_name": "McArthy",
        "addresses": [
            {"line1": "3 Oak Ave", "postcode": "94110", "city": "San Francisco", "country": "US"}
        ],
    },
]
INCOMING: list[dict[str, Any]] = [
    {"email": "JohnSmith+shop@googlemail.com", "company": "Smith & Co"},  # same email key
    {"first_name": "Jon", "last_name": "Smith", "phone": "(212) 555-0142"},  # phone + name
    {"first_name": "Maria", "last_name": "Garcia", "phone": "+1 305 555 0100"},  # other phone
    {
        "first_name": "Hans",
        "last_name": "Mueller",
        "attributes": {"date_of_birth": "1970-04-01"},
        "addresses": [
            {"line1": "Hauptstr. 5", "postcode": "10115", "city": "Berlin", "country": "DE"}
        ],
    },
    {
        "first_name": "Katherine",
        "last_name": "McArthy",
        "addresses": [
            {"line1": "3 Oak Avenue", "postcode": "94110", "city": "San Francisco", "country": "US"}
        ],
    },
    {
        "first_name": "Kate",
        "last_name": "McArthy",
        "addresses": [
            {"line1": "1 Elm St", "postcode": "60601", "city": "Chicago", "country": "US"}
        ],
    },
    {"email": "new@example.com", "first_name": "Nora", "last_name": "New"},
    {"email": "NEW@example.com", "phone": "+1 415 555 0111"},  # the row before, again
    {"first_name": "Nora", "last_name": "New", "phone": "415-555-0111"},  # and again by phone
]


def _setup(tenant: TenantCtx) -> None:
    post_labelled(tenant, BASE)


def _state(tenant: TenantCtx) -> tuple[list, set]:
    people = {c["id"]: c for c in customers(tenant)}
    profiles = sorted(
        (
            label(c),
            c["email"],
            c["phone_e164"],
            c["company"],
            c["first_name"],
            c["last_name"],
            tuple(a["line1"] for a in c["addresses"]),
        )
        for c in people.values()
    )
    pairs = tenant.client.get("/v1/duplicates", headers=tenant.headers()).json()["items"]
    found = {
        tuple(sorted((label(people[p["customer_a"]["id"]]), label(people[p["customer_b"]["id"]]))))
        for p in pairs
    }
    return profiles, found


def test_an_import_matches_like_match_or_create_row_by_row(tenant):
    one_by_one = make_tenant(tenant.client, "One by one")
    _setup(tenant)
    _setup(one_by_one)
    _, outcomes = imported_and_posted(tenant, one_by_one, INCOMING)
    assert outcomes.count("matched") >= 4
    assert outcomes.count("created") >= 4
    assert _state(tenant) == _state(one_by_one)


def test_past_the_cap_a_shared_phone_meets_its_oldest_holders_in_both_matchers(tenant):
    """A shop's own phone on 55 profiles: the API and an import both meet the oldest 50."""
    one_by_one = make_tenant(tenant.client, "One by one")
    front_desk = {"first_name": "Front", "last_name": "Desk", "phone": "+1 212 555 0100"}
    crowd(tenant, front_desk, 55)
    crowd(one_by_one, front_desk, 55)
    caller = {"phone": "(212) 555-0100"}  # the phone alone: 0.90 against each, for review
    assert imported_and_posted(tenant, one_by_one, [caller])[1] == ["created"]
    queued = queued_pairs(tenant)
    assert queued == queued_pairs(one_by_one)
    assert len(queued) == 50
    assert {(f"base {i}", "row 1") for i in range(50, 55)} <= queued  # the oldest five
