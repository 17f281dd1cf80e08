"""Excel's "sep=;" line before the header names the file's delimiter: it is read as such, not
as the header (which refused the file: no column could be mapped), and the lines of the rows
are counted from the file's first line (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from rolodex.imports.detect import detect
from rolodex.imports.reader import Reader
from tests.imports.helpers import customers, imported, rows


@pytest.mark.parametrize(
    ("text", "sep"),
    [
        ("sep=;\r\nemail;tags\r\nada@example.com;a, b\r\n", ";"),
        ('\ufeffSEP=,\nemail,tags\nada@example.com,"a, b"\n', ","),
        ("sep=\t\nemail\ttags\nada@example.com\ta, b\n", "\t"),
        ("sep=|\n\nemail|tags\nada@example.com|a, b\n", "|"),
    ],
)
def test_the_sep_line_names_the_delimiter_and_is_no_header(text, sep):
    data = text.encode()
    found = detect(data, total_size=len(data))
    assert found.delimiter == sep
    reader = Reader([data], found)
    assert reader.header() == ["email", "tags"]
    (record,) = list(reader)
    assert record.cells == ["ada@example.com", "a, b"]
    assert record.line == text.count("\n")


def test_a_file_saved_for_excel_is_imported(tenant):
    text = "sep=;\r\nemail;first_name\r\nada@example.com;Ada\r\nnot-an-email;Bo\r\n"
    run = imported(tenant, text.encode("utf-8-sig"))
    assert (run["progress"]["created"], run["progress"]["failed"]) == (1, 1), run
    assert [(r["row"], r["line"]) for r in rows(tenant, run["id"])] == [(1, 3), (2, 4)]
    assert [c["first_name"] for c in customers(tenant)] == ["Ada"]


def test_a_column_named_sep_is_a_header_all_the_same(tenant):
    run = imported(tenant, "sep=x,email\n1,ada@example.com\n", mapping={"sep=x": "attr.sep"})
    assert run["progress"]["created"] == 1, run
    assert customers(tenant)[0]["attributes"] == {"sep": 1}
