"""The summary of ``rolodex import`` counts the rows that kept a stored value over the file's
(conflicts): a row whose every differing value was kept shows as unchanged, and nothing said
the file was not taken."""

from __future__ import annotations

import pytest

from tests.imports.helpers import csv_text


def _kept_line(output: str) -> str:
    (line,) = [x for x in output.splitlines() if x.startswith("values kept:")]
    return line


@pytest.mark.parametrize("dry_run", [True, False], ids=["dry run", "real run"])
def test_the_summary_counts_the_rows_that_kept_stored_values(cli, tenant, tmp_path, dry_run):
    for body in ({"email": "ann@example.com", "first_name": "Ann", "company": "Acme"},
                 {"email": "bob@example.com", "first_name": "Bob"}):  # fmt: skip
        r = tenant.client.post("/v1/customers", json=body, headers=tenant.headers())
        assert r.status_code == 201, r.text
    source = tmp_path / "people.csv"
    source.write_text(
        csv_text(
            [
                ["email", "first_name", "company"],
                ["ann@example.com", "Annie", "Acme Inc"],  # both kept: "unchanged"
                ["bob@example.com", "Robert", "Bobco"],  # name kept, company filled
                ["cy@example.com", "Cy", ""],
            ]
        )  # fmt: skip
    )
    args = ["--dry-run"] if dry_run else []
    result = cli("import", source, "--tenant", tenant.slug, *args)
    assert result.exit_code == 0, result.output
    assert _kept_line(result.output).startswith("values kept: 2 (rows that kept a stored value")
    again = tmp_path / "again.csv"
    again.write_text(csv_text([["email", "first_name"], ["ann@example.com", "Ann"]]))
    result = cli("import", again, "--tenant", tenant.slug)
    assert result.exit_code == 0, result.output
    assert _kept_line(result.output).startswith("values kept: 0 ")
