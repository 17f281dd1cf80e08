"""A row that names no one (no email, phone, name, company or id) fails with that reason
(SQLite, PostgreSQL). A sheet's sum row without a word (",,30") was imported as a customer no
one could find or match, its 30 in the tenant's LTV figures."""

from __future__ import annotations

from tests.imports.helpers import csv_text, customers, errors, imported, made


def test_a_sum_row_or_a_note_row_fails_and_names_why(tenant):
    table = [
        ["Name", "Company", "Phone", "LTV", "Tags"],
        ["Ada Lovelace", "", "", "10", ""],
        ["", "Acme", "", "20", ""],
        ["", "", "+1 415 555 0100", "", ""],
        ["", "", "", "30", ""],  # the sum row
        ["", "", "N/A", "", "note"],  # a note, its phone a placeholder
    ]
    run = imported(tenant, csv_text(table))
    assert (run["progress"]["created"], run["progress"]["failed"]) == (3, 2)
    problems = errors(tenant, run["id"])
    assert [(e["row"], e["line"]) for e in problems] == [(4, 5), (5, 6)]
    assert all(e["reason"].startswith("names no one: no email, phone, name") for e in problems)
    assert len(customers(tenant)) == 3


def test_a_row_with_only_an_id_still_updates_its_customer(tenant):
    ada = made(tenant, {"email": "ada@example.com"})
    table = [["id", "Company", "Tags"], [ada["id"], "Engines", ""], ["", "", "loose"]]
    run = imported(tenant, csv_text(table))
    assert (run["progress"]["updated"], run["progress"]["failed"]) == (1, 1)
    (ada_now,) = customers(tenant)
    assert ada_now["company"] == "Engines"
