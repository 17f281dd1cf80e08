"""Rows of a sheet that are not customers: the header again (two exports joined into one file),
a totals row under the table. Each fails with its reason instead of becoming a customer named
"Name Company" or "Total" (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from rolodex.imports.detect import detect
from rolodex.imports.reader import Reader
from tests.imports.helpers import customers, errors, imported


def _records(text: str) -> list[tuple[int, list[str] | None, str | None]]:
    data = text.encode()
    reader = Reader([data], detect(data, total_size=len(data)))
    reader.header()
    return [(r.line, r.cells, r.problem) for r in reader]  # type: ignore[misc]


def test_the_header_of_a_second_file_saved_by_excel_fails_its_row_byte_order_mark_and_all():
    ((line, cells, problem),) = _records("Name,Company\n\ufeffName,Company\n")
    assert (line, cells) == (2, None)
    assert "repeats the header" in (problem or "")


def test_the_header_repeated_in_the_rows_fails_its_row():
    got = _records("First Name,Company\nAda,Acme\n first name ,COMPANY\nBo,Beta\n")
    assert [(line, cells) for line, cells, _ in got] == [
        (2, ["Ada", "Acme"]),
        (3, None),
        (4, ["Bo", "Beta"]),
    ]
    assert "repeats the header" in (got[1][2] or "")


@pytest.mark.parametrize(
    "row",
    [
        "Total,,30",
        "TOTAL:,,30.00",
        'Grand total,,"1 234,50"',
        "Summe,,",
        ',Totals,"$1,234.00"',
        "Sum,2,30",
    ],
)
def test_a_totals_row_fails_its_row(row):
    ((line, cells, problem),) = _records(f"name,company,ltv\n{row}\n")
    assert (line, cells) == (2, None)
    assert "totals row" in (problem or "")


@pytest.mark.parametrize(
    "row",
    ["Total Fitness,Acme,30", "Total,total@example.com,30", "Sum,Acme,", "Totals Inc,,"],
)
def test_a_customer_named_like_a_total_is_a_customer(row):
    ((_, cells, problem),) = _records(f"name,company,ltv\n{row}\n")
    assert cells is not None
    assert problem is None


def test_two_exports_joined_into_one_file_make_no_customer_of_the_second_header(tenant):
    text = "Name,Company,LTV\nAda Lovelace,Acme,10\nName,Company,LTV\nBo Smith,Beta,20\n"
    run = imported(tenant, text)
    assert run["state"] == "done", run
    assert (run["progress"]["created"], run["progress"]["failed"]) == (2, 1), run
    assert sorted(c["first_name"] for c in customers(tenant)) == ["Ada", "Bo"]
    (error,) = errors(tenant, run["id"])
    assert (error["row"], error["line"]) == (2, 3)
    assert "repeats the header" in error["reason"]


def test_a_totals_row_under_the_table_makes_no_customer(tenant):
    text = "Name,Company,LTV\nAda Lovelace,Acme,10\nBo Smith,Beta,20\n\nTotal,,30\n"
    run = imported(tenant, text)
    assert run["state"] == "done", run
    assert (run["progress"]["created"], run["progress"]["failed"]) == (2, 1), run
    assert sorted(c["first_name"] for c in customers(tenant)) == ["Ada", "Bo"]
    (error,) = errors(tenant, run["id"])
    assert (error["row"], error["line"]) == (3, 5)
    assert "totals row" in error["reason"]


def test_a_second_table_further_down_is_not_read_with_the_first_ones_columns():
    got = _records(
        "first_name,company,ltv,notes\n"
        "Ada,Acme,10,\n"
        "\n"
        "First Name,Email,Amount,Order Date\n"
        "Ada,ada@example.com,10,2026-01-02\n"
        "Bo,bo@example.com,20,2026-01-03\n"
    )
    assert [(line, cells) for line, cells, _ in got] == [
        (2, ["Ada", "Acme", "10", ""]),
        (4, None),
        (5, None),
        (6, None),
    ]
    assert "header of another table" in (got[1][2] or "")
    assert "line 4" in (got[2][2] or "")


@pytest.mark.parametrize(
    "row",
    ["Mobile,Notes,", "Ada,Company,10", "ada@example.com,Phone,Email"],
)
def test_a_row_with_words_that_name_fields_is_a_customer(row):
    ((_, cells, problem),) = _records(f"name,company,ltv\n{row}\n")
    assert cells is not None
    assert problem is None


def test_the_rows_of_a_second_table_make_no_customers(tenant):
    text = "Name,Company\nAda Lovelace,Acme\n\nName,Phone\nBo Smith,+49 30 1234567\n"
    run = imported(tenant, text)
    assert run["state"] == "done", run
    assert (run["progress"]["created"], run["progress"]["failed"]) == (1, 2), run
    assert [c["company"] for c in customers(tenant)] == ["Acme"]
    assert [e["line"] for e in errors(tenant, run["id"])] == [4, 5]


def test_rows_after_a_blank_row_that_name_no_field_are_customers():
    text = "name,company,city\nAda,Acme,1\n\nBo Smith,Beta,\n,\nCy Young,Gamma,\n\nDi Fox,,Mobile\n"
    got = _records(text)
    assert [(line, problem) for line, _, problem in got] == [
        (2, None),
        (4, None),
        (5, None),
        (6, None),
        (8, None),
    ]
