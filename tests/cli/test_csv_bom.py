"""A CSV a command writes to standard output has no byte-order mark, so the next command of a
pipe sees its header (``| grep ^row``); a CSV written to a file keeps it, for spreadsheets."""

from __future__ import annotations

import codecs

from tests.imports.helpers import csv_text


def _add(tenant, email: str) -> None:
    r = tenant.client.post("/v1/customers", json={"email": email}, headers=tenant.headers())
    assert r.status_code == 201, r.text


def test_an_export_to_standard_output_has_no_bom_and_one_to_a_file_has(cli, tenant, tmp_path):
    _add(tenant, "a@example.com")
    for out in ((), ("--out", "-")):
        result = cli("export", "--tenant", tenant.slug, "--format", "csv", *out)
        assert result.exit_code == 0, result.output
        assert result.stdout_bytes.startswith(b"id,"), result.stdout_bytes[:20]
        assert "a@example.com" in result.stdout
    file = tmp_path / "customers.csv"
    result = cli("export", "--tenant", tenant.slug, "--format", "csv", "--out", file)
    assert result.exit_code == 0, result.output
    assert file.read_bytes().startswith(codecs.BOM_UTF8 + b"id,")


def test_an_import_report_to_standard_output_has_no_bom_and_one_to_a_file_has(
    cli, tenant, tmp_path
):
    source = tmp_path / "people.csv"
    source.write_text(csv_text([["email"], ["a@example.com"], ["nope"]]))
    result = cli("import", source, "--tenant", tenant.slug, "--dry-run", "--report", "-")
    assert result.exit_code == 3, result.output
    assert result.stdout_bytes.startswith(b"row,line,action,"), result.stdout_bytes[:20]
    report, errors = tmp_path / "rows.csv", tmp_path / "problems.csv"
    result = cli("import", source, "--tenant", tenant.slug, "--dry-run",
                 "--report", report, "--errors", errors)  # fmt: skip
    assert result.exit_code == 3, result.output
    assert report.read_bytes().startswith(codecs.BOM_UTF8 + b"row,line,action,")
    assert errors.read_bytes().startswith(codecs.BOM_UTF8 + b"row,line,column,")
