"""A template's note in brackets after a column's name ("First name (required)", "Email
[optional]", "Tags (comma separated)", "Phone (e.g. +49 30 1234567)") does not stop the column
being guessed: it was left unmapped and its values were not imported (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from rolodex.imports.mapping import guess
from tests.imports.helpers import customers, imported


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("First name (required)", "first_name"),
        ("Email [optional]", "email"),
        ("Company (Optional)", "company"),
        ("Tags (comma separated)", "tags"),
        ("Tags (separated by commas)", "tags"),
        ("Phone (e.g. +49 30 1234567)", "phone"),
        ("Nachname (Pflichtfeld)", "last_name"),
        ("Name (first)", "first_name"),
        ("Notes (internal)", None),  # a note that names what the column is: not dropped
        ("Revenue (2024)", None),
    ],
)
def test_a_note_in_brackets_after_a_name_is_read_past(header, field):
    assert guess(header)[0] == field


def test_a_template_with_notes_in_its_header_imports_every_column(tenant):
    text = (
        "First name (required),Email (required),Tags (comma separated)\n"
        'Ada,ada@example.com,"vip, newsletter"\n'
    )
    run = imported(tenant, text)
    assert run["progress"]["created"] == 1, run
    (made,) = customers(tenant)
    assert (made["first_name"], made["email"]) == ("Ada", "ada@example.com")
    assert sorted(made["tags"]) == ["newsletter", "vip"]
