"""A column with no name in the header (a merged cell's leftover, a blank cell, pandas'
"Unnamed: 2") whose rows hold values is not imported unless mapped: the preview and the import
say so, naming the column and a value of it, instead of dropping it without a word (SQLite and
PostgreSQL)."""

from __future__ import annotations

from tests.imports.helpers import imported, upload


def _unnamed(warnings: list[str]) -> list[str]:
    return [w for w in warnings if "no name" in w]


def test_an_unnamed_column_holding_values_is_said_to_be_left_out(tenant):
    text = (
        "Name,,Email,Unnamed: 3,,\nAda,Lovelace,ada@example.com,x7,,\nBo,Smith,bo@example.com,,,\n"
    )
    shown = upload(tenant, text, path="/v1/imports/preview")
    assert shown.status_code == 200, shown.text
    (warning,) = _unnamed(shown.json()["warnings"])
    assert "'column 2'" in warning, warning
    assert "'Lovelace'" in warning, warning
    assert "'Unnamed: 3'" in warning, warning
    assert "column 5" not in warning, warning  # empty: nothing is left out
    assert "column 6" not in warning, warning

    run = imported(tenant, text)
    assert run["progress"]["created"] == 2, run
    assert len(_unnamed(run["warnings"])) == 1, run


def test_an_unnamed_column_mapped_or_empty_is_not_warned_of(tenant):
    text = "Name,,Email,,\nAda,Lovelace,ada@example.com,,\n"
    run = imported(tenant, text, mapping={"column 2": "last_name"})
    assert run["progress"]["created"] == 1, run
    assert _unnamed(run["warnings"]) == [], run
