"""A sheet's placeholder where a customer has no email or phone ("N/A", "none", "-") is no
value: the row imports without it and says so, as a blank cell would (SQLite, PostgreSQL).
It failed the row, and the customer was not imported at all."""

from __future__ import annotations

import pytest

from tests.imports.helpers import csv_text, customers, errors, imported, made, rows

PLACEHOLDERS = ["N/A", "n/a", "none", "NULL", "-", "—", "?", "unknown", " na "]


@pytest.mark.parametrize("placeholder", PLACEHOLDERS)
def test_a_placeholder_email_or_phone_is_no_value_and_the_row_imports(tenant, placeholder):
    table = [
        ["First Name", "Email", "Phone", "Mobile"],
        ["Ann", "ann@example.com", placeholder, ""],
        ["Bob", placeholder, "+1 415 555 0100", ""],
        ["Cy", "cy@example.com", placeholder, "+1 415 555 0111"],  # the next phone column
    ]
    run = imported(tenant, csv_text(table))
    assert run["progress"]["created"] == 3, errors(tenant, run["id"])
    people = {c["first_name"]: c for c in customers(tenant)}
    assert (people["Ann"]["email"], people["Ann"]["phone_e164"]) == ("ann@example.com", None)
    assert (people["Bob"]["email"], people["Bob"]["phone_e164"]) == (None, "+14155550100")
    assert people["Cy"]["phone_e164"] == "+14155550111"
    notes = {r["row"]: r["note"] for r in rows(tenant, run["id"])}
    assert f"Phone {placeholder.strip()!r} read as no value" in notes[1]
    assert f"Email {placeholder.strip()!r} read as no value" in notes[2]


def test_a_wrong_phone_or_email_still_fails_its_row(tenant):
    table = [["Email", "Phone"], ["dee@example.com", "12"], ["not-an-email", ""]]
    run = imported(tenant, csv_text(table))
    assert (run["progress"]["created"], run["progress"]["failed"]) == (0, 2)
    assert {e["field"] for e in errors(tenant, run["id"])} == {"phone", "email"}


def test_a_placeholder_does_not_blank_what_an_update_would_keep(tenant):
    made(tenant, {"email": "eve@example.com", "phone": "+14155550122"})
    table = [["Email", "Phone", "Company"], ["eve@example.com", "N/A", "Acme"]]
    run = imported(tenant, csv_text(table), overwrite=True)
    assert run["progress"]["updated"] == 1, errors(tenant, run["id"])
    (eve,) = customers(tenant)
    assert (eve["phone_e164"], eve["company"]) == ("+14155550122", "Acme")
