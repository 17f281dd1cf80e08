"""A date whose day and month could be swapped is read in the order the file's other dates
show (both engines); with no such evidence, or evidence both ways, it fails its row."""

from __future__ import annotations

from rolodex.imports import dates
from tests.imports.helpers import csv_text, customers, imported, rows


def test_the_order_is_what_the_unambiguous_dates_show():
    assert dates.order_of(["15/03/2023", "03/04/2023", "Acme"]) is True
    assert dates.order_of(["3/15/2023 2:02 PM", "3/4/2023"]) is False
    assert dates.order_of(["3/4/2023", "2023-03-15", "15.03.2023"]) is None  # nothing decides
    assert dates.order_of(["15/03/2023", "3/15/2023"]) is None  # both ways: refuse to guess
    assert dates.read("03/04/2023", day_first=True).isoformat() == "2023-04-03T00:00:00"
    assert dates.read("03/04/2023", day_first=False).isoformat() == "2023-03-04T00:00:00"
    assert isinstance(dates.read("03/04/2023"), str)


def _created(tenant, *values: str) -> tuple[dict, dict[str, str]]:
    file = csv_text(
        [["Email", "Create Date", "Date of Birth"]]
        + [[f"p{i}@example.com", v, v] for i, v in enumerate(values)]
    )
    run = imported(tenant, file)
    made = {c["email"]: c["created_at"][:10] for c in customers(tenant)}
    return run, made


def test_a_day_first_file_reads_its_ambiguous_dates_day_first(tenant):
    run, made = _created(tenant, "15/03/2023", "03/04/2023")
    assert run["progress"]["failed"] == 0, rows(tenant, run["id"])
    assert made == {"p0@example.com": "2023-03-15", "p1@example.com": "2023-04-03"}
    born = {c["email"]: c["attributes"]["date_of_birth"] for c in customers(tenant)}
    assert born["p1@example.com"] == "2023-04-03"


def test_a_month_first_file_reads_them_month_first_and_a_mixed_file_refuses(tenant):
    run, made = _created(tenant, "3/15/2023", "3/4/2023")
    assert made == {"p0@example.com": "2023-03-15", "p1@example.com": "2023-03-04"}
    mixed = csv_text(
        [["Email", "Create Date"], ["a@example.com", "15/03/2023"], ["b@example.com", "3/15/2023"],
         ["c@example.com", "3/4/2023"]]
    )  # fmt: skip
    run = imported(tenant, mixed)
    report = rows(tenant, run["id"])
    assert [r["action"] for r in report] == ["create", "create", "fail"]
    assert "could be March 4, 2023" in report[2]["errors"][0]["reason"]
