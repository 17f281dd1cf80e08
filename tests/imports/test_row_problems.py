"""A row with several bad cells says every one of them at once, its phone too: a valid
record's phone is read only after matching (in the country of the customer it matches), a
step a row failing for other cells never reached, so its bad phone was said one upload later."""

from __future__ import annotations

import pytest

from tests.imports.helpers import csv_text, errors, imported, rows, upload

HEADER = ["First Name", "Last Name", "Email", "Phone", "Created", "Total Spent"]
BAD = ["Bad", "Row", "bad@example.com", "notaphone", "32/13/2020", "abc"]
FILE = csv_text([HEADER, BAD])


def _problems(items: list[dict]) -> dict[str, str | None]:
    return {e["field"]: e["value"] for e in items}


@pytest.mark.parametrize("dry_run", [True, False], ids=["dry run", "real run"])
def test_a_row_reports_its_bad_phone_beside_its_other_bad_cells(tenant, dry_run):
    run = imported(tenant, FILE, dry_run=dry_run)
    assert run["progress"]["failed"] == 1
    listed = errors(tenant, run["id"])
    assert _problems(listed) == {
        "phone": "notaphone",
        "created_at": "32/13/2020",
        "ltv": "abc",
    }
    (phone,) = [e for e in listed if e["field"] == "phone"]
    assert phone["row"] == 1
    assert phone["column"] == "Phone"
    assert phone["reason"] == "not a valid phone number (read with the region US)"
    (row,) = rows(tenant, run["id"])
    assert row["action"] == "fail"


def test_the_preview_reports_the_bad_phone_beside_the_other_bad_cells(tenant):
    response = upload(tenant, FILE, path="/v1/imports/preview")
    assert response.status_code == 200, response.text
    (row,) = response.json()["rows"]
    assert _problems(row["errors"]) == {
        "phone": "notaphone",
        "created_at": "32/13/2020",
        "ltv": "abc",
    }


def test_a_phone_read_in_the_rows_address_country_is_no_problem_of_a_failing_row(tenant):
    # "030 1234567" is a Berlin number: not valid in the tenant's US, valid in the row's DE
    text = csv_text([["Email", "Phone", "Country", "Total Spent"],
                     ["b@example.com", "030 1234567", "DE", "abc"]])  # fmt: skip
    run = imported(tenant, text)
    assert _problems(errors(tenant, run["id"])) == {"ltv": "abc"}
