"""The row report's `changes` as the API gives them (SQLite, PostgreSQL): the fields a row set,
before and after, as JSON values. It gave the stored form: matching keys (a soundex
`name_key`), the derived full name and E.164 phone, `updated_at`, and values wrapped as
{"$dt": ...}."""

from __future__ import annotations

from tests.imports.helpers import csv_text, imported, made, rows


def test_an_update_says_the_fields_it_set_as_plain_json(tenant):
    made(tenant, {"email": "ann@example.com", "first_name": "Ann"})
    table = [
        ["Email", "Last Name", "Phone", "Last Active", "Tags"],
        ["ann@example.com", "Lee", "+1 415 555 0100", "2026-03-04T05:06:07Z", "vip"],
    ]
    run = imported(tenant, csv_text(table))
    (row,) = rows(tenant, run["id"])
    assert row["action"] == "update"
    assert row["changes"] == {
        "cols": {
            "last_name": [None, "Lee"],
            "phone": [None, "+1 415 555 0100"],
            "last_active_at": [None, "2026-03-04T05:06:07+00:00"],
        },
        "tags": ["vip"],
    }


def test_a_row_that_changed_nothing_has_no_changes(tenant):
    table = [["Email", "First Name"], ["bo@example.com", "Bo"]]
    imported(tenant, csv_text(table))
    run = imported(tenant, csv_text(table))
    (row,) = rows(tenant, run["id"])
    assert (row["action"], row["changes"]) == ("unchanged", None)
