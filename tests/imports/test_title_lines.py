"""Title lines above a CSV's header ("Customer list", "Exported from ... on ...", blank lines,
a line of only commas): the header is the first of the file's first lines that maps like one,
the lines above it are skipped and said in a warning, rows' lines are counted from the file's
first; a file without a header is not given a data row as its header (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from rolodex.imports import mapping
from rolodex.imports.detect import detect
from rolodex.imports.reader import Reader, header_line
from tests.imports.helpers import customers, imported, rows, upload

TITLED = (
    "Customer list\n"
    "Exported from Acme CRM on 2026-01-02\n"
    "\n"
    ",,\n"
    "email,first_name,Kundennr\n"
    "ada@example.com,Ada,K-1\n"
    "not-an-email,Bo,K-2\n"
)


def _maps(cells: list[str]) -> int:
    return len(mapping.resolve(cells).used())


def _header_line(text: str) -> int | None:
    data = text.encode()
    return header_line(data, detect(data, total_size=len(data)), _maps)


def test_the_header_below_title_lines_is_found_and_read_from_its_line():
    data = TITLED.encode()
    found = detect(data, total_size=len(data))
    assert header_line(data, found, _maps) == 5
    reader = Reader([data], found, header_line=5)
    assert reader.header() == ["email", "first_name", "Kundennr"]
    assert [(r.row_no, r.line, r.cells) for r in reader] == [
        (1, 6, ["ada@example.com", "Ada", "K-1"]),
        (2, 7, ["not-an-email", "Bo", "K-2"]),
    ]
    assert [line for line, _ in reader.skipped] == [1, 2]


@pytest.mark.parametrize(
    "text",
    [
        "email,first_name\nada@example.com,Ada\n",  # the first line is the header
        "\n\nemail,first_name\nada@example.com,Ada\n",  # blank lines only: as before
        "ada@example.com,Ada,Lovelace\nbo@example.com,Bo,Mobile\n",  # no header at all
        "Ada,Lovelace,1815\nBo,Smith,Mobile\n",  # a data row with a word that maps
        "Ada,Lovelace\nBo,Mobile\n",
        "Customer list\nnothing,here,maps\n",
    ],
)
def test_no_line_past_the_first_is_taken_for_the_header_unless_it_must(text):
    assert _header_line(text) is None


def test_a_header_past_the_lines_searched_is_not_looked_for():
    assert _header_line("Customer list\n" * 25 + "email,first_name\nada@example.com,Ada\n") is None
    assert _header_line("Customer list\n" * 10 + "email,first_name\nada@example.com,Ada\n") == 11


@pytest.mark.parametrize(
    ("data", "sep"),
    [
        (b"Kundenliste\n\nemail;vorname\nada@example.com;Ada\n", ";"),
        (b"Customer list\nExported from Acme, Inc.\nemail;name\nada@example.com;Ada\n", ";"),
        # one column, a semicolon in some of its values: no title line
        (b"notes\nhello; world\nbye\n", ","),
        (b"notes\nhello\nbye; see you\n", ","),
    ],
)
def test_a_delimiter_is_sniffed_below_title_lines(data, sep):
    assert detect(data, total_size=len(data)).delimiter == sep


def test_a_file_with_title_lines_is_imported_and_the_import_says_what_it_skipped(tenant):
    shown = upload(tenant, TITLED, path="/v1/imports/preview")
    assert shown.status_code == 200, shown.text
    preview = shown.json()
    assert [c["name"] for c in preview["columns"]] == ["email", "first_name", "Kundennr"]
    assert [(r["row"], r["line"]) for r in preview["rows"]] == [(1, 6), (2, 7)]
    (warning,) = [w for w in preview["warnings"] if "header" in w]
    assert "line 5" in warning, warning
    assert "'Customer list'" in warning, warning
    assert "'Exported from Acme CRM on 2026-01-02'" in warning, warning

    run = imported(tenant, TITLED, mapping={"Kundennr": "external_id"})
    assert run["state"] == "done", run
    assert (run["progress"]["created"], run["progress"]["failed"]) == (1, 1), run
    assert any("line 5" in w and "Customer list" in w for w in run["warnings"]), run
    assert [(r["row"], r["line"]) for r in rows(tenant, run["id"])] == [(1, 6), (2, 7)]
    assert [c["first_name"] for c in customers(tenant)] == ["Ada"]


def test_a_header_only_a_mapping_names_is_found_below_a_title(tenant):
    text = "Kundenliste 2026\nKundennr;Vorname;Mail\nK-1;Ada;ada@example.com\n"
    run = imported(tenant, text, mapping={"Kundennr": "external_id", "Mail": "email"})
    assert run["state"] == "done", run
    assert run["progress"]["created"] == 1, run
    assert [(r["row"], r["line"]) for r in rows(tenant, run["id"])] == [(1, 3)]
    assert customers(tenant)[0]["email"] == "ada@example.com"


def test_a_file_without_a_header_is_still_refused(tenant):
    response = upload(tenant, "ada@example.com,Ada\nbo@example.com,Bo\n")
    assert response.status_code == 422, response.text
    assert "no column" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("Contact,,Address,\nName,Email,Street,City\nAda,ada@example.com,1 Main St,Berlin\n", 2),
        (
            "Person,,,Company\nFirst Name,Last Name,E-mail,Name\nAda,Lovelace,a@example.com,Acme\n",
            2,
        ),
        # the first line, whole, is the header: a row below it naming fields is a row
        ("Name,Company,Notes,\nAda Lovelace,Acme,,\n", None),
        ("Name,Email,,\nNotes,Mobile,Phone,Company\n", None),
    ],
)
def test_group_labels_of_merged_cells_above_the_header_are_skipped(text, line):
    assert _header_line(text) == line


def test_a_two_line_header_imports_each_column_to_its_field(tenant):
    text = (
        "Contact,,Address,\nName,Email,Street,City\nAda Lovelace,ada@example.com,1 Main St,Berlin\n"
    )
    run = imported(tenant, text)
    assert run["state"] == "done", run
    assert run["progress"]["created"] == 1, run
    assert any("line 2" in w and "'Contact Address'" in w for w in run["warnings"]), run
    (made,) = customers(tenant)
    assert (made["first_name"], made["email"]) == ("Ada", "ada@example.com")
    assert made["addresses"][0]["city"] == "Berlin"
