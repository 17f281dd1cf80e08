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


def test_the_date_order_can_be_given_and_wins_over_the_files_own(tenant, cli, tmp_path):
    """A file whose sample shows no order (every day 12 or less) is read as asked, and an
    order asked wins over the one the file's other dates show."""
    file = csv_text([["Email", "Create Date"], ["a@example.com", "03/04/2023"],
                     ["b@example.com", "01/02/2023"]])  # fmt: skip
    refused = imported(tenant, file, dry_run="true")
    assert refused["progress"]["failed"] == 2
    reason = rows(tenant, refused["id"])[0]["errors"][0]["reason"]
    assert "or import with date_order day_first or month_first" in reason
    run = imported(tenant, file, date_order="day_first")
    assert run["progress"]["created"] == 2
    assert (run["options"]["date_order"], run["options"]["day_first"]) == ("day_first", True)
    made = {c["email"]: c["created_at"][:10] for c in customers(tenant)}
    assert made == {"a@example.com": "2023-04-03", "b@example.com": "2023-02-01"}
    # month first, asked against a file that writes 15/03/2023: the order asked settles the
    # dates that could be either; one that can only be read one way is read that way
    other = csv_text([["Email", "Create Date"], ["c@example.com", "15/03/2023"],
                      ["d@example.com", "03/04/2023"]])  # fmt: skip
    run = imported(tenant, other, date_order="month-first")
    assert run["progress"]["created"] == 2
    made = {c["email"]: c["created_at"][:10] for c in customers(tenant)}
    assert (made["c@example.com"], made["d@example.com"]) == ("2023-03-15", "2023-03-04")
    # the preview reads as asked too; a word it does not know is a 422 naming it
    files = {"file": ("p.csv", file.encode(), "text/csv")}
    asked = {"date_order": "month_first"}
    shown = tenant.client.post(
        "/v1/imports/preview", files=files, data=asked, headers=tenant.headers()
    )
    assert shown.status_code == 200, shown.text
    assert [r["errors"] for r in shown.json()["rows"]] == [[], []]
    bad = tenant.client.post(
        "/v1/imports", files=files, data={"date_order": "ymd"}, headers=tenant.headers()
    )
    assert bad.status_code == 422
    assert bad.json()["error"]["details"][0]["field"] == "date_order"
    # the CLI takes it as --date-order
    path = tmp_path / "dates.csv"
    path.write_text(csv_text([["Email", "Create Date"], ["e@example.com", "05/06/2023"]]))
    result = cli("import", path, "--tenant", tenant.slug, "--date-order", "month-first")
    assert result.exit_code == 0, result.output
    assert {c["email"]: c["created_at"][:10] for c in customers(tenant)}["e@example.com"] == (
        "2023-05-06"
    )
    wrong = cli("import", path, "--tenant", tenant.slug, "--date-order", "sideways")
    assert wrong.exit_code == 2  # bad usage (README: exit codes)
    assert "--date-order: use day-first, month-first or auto" in wrong.output
