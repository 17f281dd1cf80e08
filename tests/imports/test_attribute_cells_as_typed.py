"""A CSV cell mapped to a custom attribute keeps what the file says (SQLite and PostgreSQL):
it is read as a JSON number only when the number is written back as the cell writes it.
Before, "1.10" was stored as 1.1, "12E4" as 120000.0, a long decimal rounded, and an account
number of 20 digits failed its row, telling the user to write it as text."""

from __future__ import annotations

import json
from typing import Any

from tests.conftest import TenantCtx
from tests.imports.helpers import csv_text, customers, errors, imported, upload

# cell → the attribute stored; a value's type is compared too (1.0 == 1 in Python)
CELLS: list[tuple[str, Any]] = [
    ("42", 42),
    ("-7", -7),
    ("1.5", 1.5),
    ("0.25", 0.25),
    ("1.0", 1.0),
    ("true", True),
    ("1.10", "1.10"),
    ("12E4", "12E4"),
    ("1e3", "1e3"),
    ("+5", "+5"),
    ("007", "007"),
    ("-0", "-0"),
    ("12345678901234567890123", "12345678901234567890123"),
    ("9223372036854775808", "9223372036854775808"),  # one past what an engine stores
    ("0.1234567890123456789", "0.1234567890123456789"),
    ("NaN", "NaN"),
    ("Infinity", "Infinity"),
    ('{"plan": "gold", "seats": [1, 2.5]}', {"plan": "gold", "seats": [1, 2.5]}),
    ('{"rate": 1.10}', '{"rate": 1.10}'),
    ("[123456789012345678901234]", "[123456789012345678901234]"),
]


def typed(value: Any) -> Any:
    """``value`` with the type of each number and boolean beside it."""
    if isinstance(value, dict):
        return {k: typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [typed(v) for v in value]
    return (type(value).__name__, value)


def _file() -> str:
    table = [["email", "Value"]]
    table += [[f"c{i}@example.com", cell] for i, (cell, _) in enumerate(CELLS)]
    return csv_text(table)


def _expected() -> dict[str, Any]:
    return {f"c{i}@example.com": typed({"value": v}) for i, (_, v) in enumerate(CELLS)}


def test_attribute_cells_are_stored_as_the_file_writes_them(tenant: TenantCtx) -> None:
    run = imported(tenant, _file(), mapping={"Value": "attr.value"})
    assert run["state"] == "done", run
    assert (run["progress"]["created"], run["progress"]["failed"]) == (len(CELLS), 0)
    assert errors(tenant, run["id"]) == []
    stored = {c["email"]: typed(c["attributes"]) for c in customers(tenant)}
    assert stored == _expected()


def test_the_preview_and_a_dry_run_read_attribute_cells_as_the_import_does(
    tenant: TenantCtx,
) -> None:
    response = upload(tenant, _file(), path="/v1/imports/preview", mapping={"Value": "attr.value"})
    assert response.status_code == 200, response.text
    shown = response.json()["rows"]
    assert [r["errors"] for r in shown] == [[]] * len(CELLS)
    assert {r["values"]["email"]: typed(r["values"]["attributes"]) for r in shown} == _expected()
    dry = imported(tenant, _file(), mapping={"Value": "attr.value"}, dry_run=True)
    assert (dry["state"], dry["progress"]["created"], dry["progress"]["failed"]) == (
        "done",
        len(CELLS),
        0,
    )


def test_json_files_keep_their_numbers_and_report_one_no_engine_stores(tenant: TenantCtx) -> None:
    """A JSON number is typed already: it stays the number given. One past 64 bits fails its
    own row, saying so; the other rows are imported."""
    docs = [
        {"email": "j1@example.com", "attributes": {"rate": 1.5, "count": 42, "code": "1.10"}},
        {"email": "j2@example.com", "attributes": {"account": 123456789012345678901234}},
        {"email": "j3@example.com", "attributes": {"ratio": 0.25}},
    ]
    run = imported(tenant, json.dumps(docs), "people.json")
    assert (run["state"], run["progress"]["created"], run["progress"]["failed"]) == ("done", 2, 1)
    (failed,) = errors(tenant, run["id"])
    assert failed["row"] == 2
    assert "write larger ones as text" in failed["reason"]
    stored = {c["email"]: typed(c["attributes"]) for c in customers(tenant)}
    assert stored == {
        "j1@example.com": typed({"rate": 1.5, "count": 42, "code": "1.10"}),
        "j3@example.com": typed({"ratio": 0.25}),
    }
