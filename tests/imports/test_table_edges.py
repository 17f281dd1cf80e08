"""Rows of a sheet that are not customers: the header again (two exports joined into one file)
fails its row with its reason instead of becoming a customer named "Name Company" (SQLite and
PostgreSQL)."""

from __future__ import annotations

from rolodex.imports.detect import detect
from rolodex.imports.reader import Reader
from tests.imports.helpers import customers, errors, imported


def _records(text: str) -> list[tuple[int, list[str] | None, str | None]]:
    data = text.encode()
    reader = Reader([data], detect(data, total_size=len(data)))
    reader.header()
    return [(r.line, r.cells, r.problem) for r in reader]  # type: ignore[misc]


def test_the_header_repeated_in_the_rows_fails_its_row():
    got = _records("First Name,Company\nAda,Acme\n first name ,COMPANY\nBo,Beta\n")
    assert [(line, cells) for line, cells, _ in got] == [
        (2, ["Ada", "Acme"]),
        (3, None),
        (4, ["Bo", "Beta"]),
    ]
    assert "repeats the header" in (got[1][2] or "")


def test_two_exports_joined_into_one_file_make_no_customer_of_the_second_header(tenant):
    text = "Name,Company,LTV\nAda Lovelace,Acme,10\nName,Company,LTV\nBo Smith,Beta,20\n"
    run = imported(tenant, text)
    assert run["state"] == "done", run
    assert (run["progress"]["created"], run["progress"]["failed"]) == (2, 1), run
    assert sorted(c["first_name"] for c in customers(tenant)) == ["Ada", "Bo"]
    (error,) = errors(tenant, run["id"])
    assert (error["row"], error["line"]) == (2, 3)
    assert "repeats the header" in error["reason"]
