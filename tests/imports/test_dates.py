"""Dates as spreadsheets and APIs write numbers: Excel day numbers, 20240131, Unix times; and
two-digit years. Read in date columns only, range-checked, and the row says how each was read."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from rolodex.imports import dates
from rolodex.imports.rows import Options, Prepared, RowError, convert
from tests.imports.helpers import csv_text, customers, imported, rows

TODAY = date(2026, 12, 5)


def _convert(cells: dict, options: Options = Options()) -> Prepared | list[RowError]:
    return convert(1, 2, [(f, f"col {f}", v) for f, v in cells.items()], options)


@pytest.mark.parametrize(
    ("serial", "day"),
    [
        (1, datetime(1900, 1, 1)),
        (59, datetime(1900, 2, 28)),
        (61, datetime(1900, 3, 1)),  # after Excel's 29 February 1900: one day too many
        (36526, datetime(2000, 1, 1)),
        (45292, datetime(2024, 1, 1)),
        (45292.75, datetime(2024, 1, 1, 18)),
    ],
)
def test_an_excel_day_number_is_the_day_excel_shows(serial, day):
    assert dates.excel_day(serial) == day


def test_excels_day_60_the_29th_of_february_1900_is_no_day():
    assert "never was" in str(dates.excel_day(60))


@pytest.mark.parametrize(
    ("written", "read", "how"),
    [
        ("45292", datetime(2024, 1, 1), "an Excel day number"),
        ("45292.5", datetime(2024, 1, 1, 12), "an Excel day number"),
        ("20240131", datetime(2024, 1, 31), "year, month and day"),
        ("1678888931", datetime(2023, 3, 15, 14, 2, 11, tzinfo=UTC), "Unix time in seconds"),
        ("1678888931000", datetime(2023, 3, 15, 14, 2, 11, tzinfo=UTC), "in milliseconds"),
        ("1678888931.5", datetime(2023, 3, 15, 14, 2, 11, 500000, tzinfo=UTC), "in seconds"),
    ],
)
def test_numbers_in_a_date_cell_are_read_as_the_date_they_write(written, read, how):
    value = dates.reading(written, today=TODAY)
    assert not isinstance(value, str), value
    assert value[0] == read
    assert how in str(value[1])


@pytest.mark.parametrize(
    "written",
    [
        "12",  # a count
        "2024",  # a year alone
        "1234",
        "04567",
        "99999",  # Excel's day 99999 is in 2173
        "123456",  # an id
        "20241301",  # no 13th month
        "123456789",  # nine digits: no form
        "9999999999",  # a Unix time in 2286
        "0000000001000",
        "1234567890123456",
    ],
)
def test_a_number_no_date_form_fits_is_refused_not_guessed(written):
    assert isinstance(dates.read(written, today=TODAY), str)


@pytest.mark.parametrize(
    ("written", "birth", "read"),
    [
        ("3/15/23", False, date(2023, 3, 15)),
        ("31.01.24", False, date(2024, 1, 31)),
        ("3/15/26", False, date(2026, 3, 15)),  # this year
        ("3/15/27", False, date(1927, 3, 15)),  # a year still to come: the last century
        ("3/15/85", False, date(1985, 3, 15)),
        ("3/15/85", True, date(1985, 3, 15)),
        ("3/15/05", True, date(2005, 3, 15)),
        ("3/15/16", True, date(2016, 3, 15)),  # ten years ago
        ("3/15/17", True, date(1917, 3, 15)),  # no nine-year-old customers
        ("3/15/30", True, date(1930, 3, 15)),
    ],
)
def test_a_two_digit_year_is_read_in_the_century_its_kind_of_date_lives_in(written, birth, read):
    value = dates.reading(written, birth=birth, today=TODAY)
    assert not isinstance(value, str), value
    assert value[0].date() == read
    assert f"two-digit year, read as {read.year}" in str(value[1])


def test_a_two_digit_year_keeps_the_files_date_order():
    assert dates.order_of(["31/01/24", "03/04/24"]) is True
    assert dates.read("03/04/24", day_first=True, today=TODAY) == datetime(2024, 4, 3)
    refused = dates.read("03/04/24", today=TODAY)
    assert isinstance(refused, str)
    assert "could be March 4, 2024 (month first) or 3 April 2024 (day first)" in refused


def test_the_row_notes_how_a_date_not_written_as_one_was_read():
    prep = _convert(
        {"created_at": "45292", "last_active_at": 1678888931, "attr.birthday": "31122",
         "email_consent_at": "2024-01-31", "email_consent": "yes"}
    )  # fmt: skip
    assert isinstance(prep, Prepared), prep
    assert prep.notes == [
        "col created_at '45292' read as 2024-01-01 (an Excel day number)",
        "col last_active_at '1678888931' read as 2023-03-15T14:02:11+00:00 "
        "(a Unix time in seconds)",
        "col attr.birthday '31122' read as 1985-03-16 (an Excel day number)",
    ]


def test_a_number_in_a_column_that_is_no_date_column_stays_a_number():
    prep = _convert({"attr.order_total": "45292", "external_id": "20240131", "ltv": "45292"})
    assert isinstance(prep, Prepared), prep
    assert prep.data.attributes == {"order_total": 45292}
    assert (prep.external_id, str(prep.ltv), prep.notes) == ("20240131", "45292.00", [])


def test_excel_days_and_compact_dates_of_a_spreadsheet_are_imported_as_dates(tenant):
    """A sheet saved with its date cells as numbers: created, last active and birthday were
    refused as not a date (the birthday kept as the number 31122)."""
    text = csv_text(
        [
            ["Email", "Created", "Last Active", "Birthday", "Date of Birth", "Order Total"],
            ["ada@example.com", "45292", "20240131", "31122", "", "45292"],
            ["bob@example.com", "45292.5", "45322", "", "19850315", "12"],
            ["cyd@example.com", "2024", "", "", "", ""],
        ]
    )  # fmt: skip
    run = imported(tenant, text, mapping={"Order Total": "attr.order_total"})
    assert (run["progress"]["created"], run["progress"]["failed"]) == (2, 1), rows(
        tenant, run["id"]
    )
    people = {c["email"]: c for c in customers(tenant)}
    ada, bob = people["ada@example.com"], people["bob@example.com"]
    assert ada["created_at"].startswith("2024-01-01T00:00:00")
    assert ada["last_active_at"].startswith("2024-01-31")
    assert ada["attributes"] == {"birthday": "1985-03-16", "order_total": 45292}
    assert bob["created_at"].startswith("2024-01-01T12:00:00")
    assert bob["last_active_at"].startswith("2024-01-31")
    assert bob["attributes"] == {"date_of_birth": "1985-03-15", "order_total": 12}
    # the row report says how each was read
    notes = {r["row"]: r["note"] for r in rows(tenant, run["id"], action="create")}
    assert notes[1] == (
        "Created '45292' read as 2024-01-01 (an Excel day number); "
        "Last Active '20240131' read as 2024-01-31 (year, month and day without separators); "
        "Birthday '31122' read as 1985-03-16 (an Excel day number)"
    ), notes
    # a year alone is no day: refused, not read as Excel's day 2024 (16 July 1905)
    failed = rows(tenant, run["id"], action="fail")[0]["errors"][0]
    assert (failed["field"], failed["value"]) == ("created_at", "2024")
    assert "Excel day number (five digits, 1927 to 2099)" in failed["reason"]


def test_unix_times_of_an_api_export_are_imported_as_their_instants(tenant):
    docs = [
        {"email": "ada@example.com", "created": 1678888931, "last_seen": 1700000000123},
        {"email": "bob@example.com", "created": "1678888931", "last_seen": 1700000000.5},
    ]
    run = imported(tenant, json.dumps(docs), "contacts.json")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (2, 0), rows(
        tenant, run["id"]
    )
    people = {c["email"]: c for c in customers(tenant)}
    for person in people.values():
        assert person["created_at"].startswith("2023-03-15T14:02:11")
        assert person["last_active_at"].startswith("2023-11-14T22:13:20")


def test_two_digit_years_are_imported_as_a_crm_reads_them(tenant):
    text = csv_text(
        [
            ["Email", "Created", "Birthday"],
            ["ada@example.com", "3/15/23", "12/10/85"],
            ["bob@example.com", "12/31/99", "1/2/05"],
        ]
    )  # fmt: skip
    run = imported(tenant, text)
    assert run["progress"]["created"] == 2, rows(tenant, run["id"])
    people = {c["email"]: c for c in customers(tenant)}
    ada, bob = people["ada@example.com"], people["bob@example.com"]
    assert (ada["created_at"][:10], ada["attributes"]["birthday"]) == ("2023-03-15", "1985-12-10")
    assert (bob["created_at"][:10], bob["attributes"]["birthday"]) == ("1999-12-31", "2005-01-02")


@pytest.mark.parametrize(
    ("written", "day_first", "read"),
    [
        ("12/31", None, ("--12-31", None)),  # Mailchimp's birthday, month first
        ("31/12", None, ("--12-31", None)),
        ("12.04.", None, ("--04-12", None)),  # dots: day first
        ("12-Apr", None, ("--04-12", None)),  # Excel's d-mmm
        ("April 12th", None, ("--04-12", None)),
        ("12th of April", None, ("--04-12", None)),
        ("--0412", None, ("--04-12", None)),  # vCard 4
        ("29/02", None, ("--02-29", None)),  # a leap day is a birthday
        ("04/04", None, ("--04-04", None)),
        ("04/12", True, ("--12-04", "day first, as the file writes its dates")),
        ("04/12", False, ("--04-12", "month first, as the file writes its dates")),
        ("04/12", None, None),  # either order, the file's unknown: not guessed
        ("02/30", None, None),
        ("13/13", None, None),
        ("Jun 2024", None, None),
        ("1/2/3", None, None),
        ("Foo 12", None, None),
    ],
)
def test_a_birthday_without_its_year_is_read_as_a_vcard_writes_it(written, day_first, read):
    assert dates.yearless(written, day_first) == read


def test_birthdays_without_a_year_show_the_order_of_the_file():
    assert dates.order_of(["04/12", "12/31"], years=False) is False
    assert dates.order_of(["04/12", "31/12"], years=False) is True
    assert dates.order_of(["04/12", "31/12", "12/31"], years=False) is None
    assert dates.order_of(["12.31."], years=False) is None  # dots say nothing of the order
    assert dates.order_of(["31/12"]) is None  # a date's order needs its year


def test_mailchimps_birthdays_are_imported_as_birthdays_in_the_order_the_file_shows(tenant):
    """Mailchimp exports its birthday field month first without a year (04/12, 12/31): each
    was stored as written; now --MM-DD as a vCard writes it, the column's unambiguous days
    giving the order of the others (04/12 is April 12th beside 12/31)."""
    header = ["Email Address", "First Name", "Last Name", "Birthday", "MEMBER_RATING"]
    text = csv_text(
        [header, ["a@mc.example", "A", "Apr", "04/12", "2"],
         ["b@mc.example", "B", "Dec", "12/31", "2"], ["c@mc.example", "C", "No", "", "1"]]
    )  # fmt: skip
    run = imported(tenant, text, "subscribed_members_export.csv")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (3, 0), run
    found = {c["email"]: c["attributes"].get("birthday") for c in customers(tenant)}
    assert found == {"a@mc.example": "--04-12", "b@mc.example": "--12-31", "c@mc.example": None}
    notes = [r["note"] for r in rows(tenant, run["id"]) if r.get("note")]
    assert any("'04/12' read as --04-12" in n and "month first" in n for n in notes), notes
    day_first = csv_text([header, ["d@mc.example", "D", "Day", "04/12", ""],
                          ["e@mc.example", "E", "Day", "31/12", ""]])  # fmt: skip
    imported(tenant, day_first, "day_first.csv")
    found = {c["email"]: c["attributes"].get("birthday") for c in customers(tenant)}
    assert (found["d@mc.example"], found["e@mc.example"]) == ("--12-04", "--12-31")


@pytest.mark.parametrize(
    ("written", "zero"),
    [("0/0/00", True), ("00/00/0000", True), ("0000-00-00", True), ("0000-00-00 00:00:00", True),
     ("00.00.0000", True), (" 0/0/00 ", True), ("0", False), ("0/0", False), ("00:00", False),
     ("0/0/01", False), ("2000-00-00", False), ("10/0/00", False)],
)  # fmt: skip
def test_a_date_of_zeros_is_told_from_a_date(written, zero):
    assert dates.zero(written) is zero


def test_a_small_mailchimp_export_reads_its_birthdays_month_first(tenant):
    """Mailchimp writes its birthday field month/day (04/05 is April 5th): in a file none of
    whose birthdays shows the order (every day 12 or less) each was kept as written. A
    Mailchimp export (three of its own columns) reads them month first; another file's stay
    as written, its order unknown."""
    header = ["Email Address", "Birthday", "MEMBER_RATING", "OPTIN_TIME", "LEID"]
    text = csv_text([header, ["m@mc.example", "04/05", "2", "2023-01-05 10:00:00", "7"]])
    run = imported(tenant, text, "members_export.csv")
    assert run["progress"]["failed"] == 0, run
    other = csv_text([["Email", "Birthday"], ["o@x.example", "04/05"]])
    imported(tenant, other, "people.csv")
    found = {c["email"]: c["attributes"].get("birthday") for c in customers(tenant)}
    assert found == {"m@mc.example": "--04-05", "o@x.example": "04/05"}
