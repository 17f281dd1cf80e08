"""rolodex import / rolodex export on SQLite and PostgreSQL (plain output: not a terminal)."""

from __future__ import annotations

import csv
import io
import json

from tests.imports.helpers import csv_text, customers


def test_import_dry_run_then_for_real_with_mapping_tags_and_a_summary(cli, tenant, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(
        csv_text(
            [
                ["Mail", "Name", "Level"],
                ["ada@example.com", "Ada Lovelace", "gold"],
                ["nope", "Bad Row", ""],
            ]
        )
    )
    args = [
        "import",
        path,
        "--tenant",
        tenant.slug,
        "--map",
        "Mail=email",
        "--map",
        "Level=attr.tier",
        "--tags",
        "cli,imported",
    ]
    report, problems = tmp_path / "rows.csv", tmp_path / "problems.csv"
    dry = cli(*args, "--dry-run", "--report", report, "--errors", problems)
    assert dry.exit_code == 3, dry.output  # done, one row failing
    assert "Mail → email" in dry.output
    assert "dry run: read 2 rows (100%): 1 to create, 0 to update, 1 failing" in dry.output
    assert "row 2 (line 3) Mail" in dry.output
    assert customers(tenant) == []
    # the row-by-row report and every problem, as files
    rows_read = list(csv.DictReader(io.StringIO(report.read_text(encoding="utf-8-sig"))))
    assert [(r["row"], r["action"]) for r in rows_read] == [("1", "create"), ("2", "fail")]
    assert "not a valid email address" in rows_read[1]["problems"]
    found = list(csv.DictReader(io.StringIO(problems.read_text(encoding="utf-8-sig"))))
    assert [(p["row"], p["column"], p["value"]) for p in found] == [("2", "Mail", "nope")]
    unwritable = cli(*args, "--dry-run", "--report", tmp_path / "missing" / "rows.csv")
    assert unwritable.exit_code == 2
    assert "cannot write" in unwritable.output
    real = cli(*args)
    assert real.exit_code == 3, real.output
    assert "state done" in real.output
    (ada,) = customers(tenant)
    assert ada["tags"] == ["cli", "imported"]
    assert ada["attributes"] == {"tier": "gold"}
    history = tenant.client.get(f"/v1/customers/{ada['id']}/audit", headers=tenant.headers())
    assert history.json()["items"][0]["actor"]["id"] == "cli:import"


def test_import_refuses_a_file_it_cannot_read_and_a_bad_option(cli, tenant, tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 10)
    result = cli("import", path, "--tenant", tenant.slug)
    assert result.exit_code == 1
    assert "Excel" in result.output
    path.write_text("email\na@example.com\n")
    result = cli("import", path, "--tenant", tenant.slug, "--match", "merge")
    assert result.exit_code == 2
    assert "--match: Input should be 'update', 'skip' or 'create'" in result.output  # and why
    assert cli("import", tmp_path / "missing.csv", "--tenant", tenant.slug).exit_code == 2


def test_export_to_a_file_and_to_stdout_with_filters(cli, tenant, tmp_path):
    h = tenant.headers()
    for n, stage in enumerate(["customer", "prospect", "customer"]):
        tenant.client.post(
            "/v1/customers",
            json={"email": f"p{n}@example.com", "lifecycle_stage": stage},
            headers=h,
        )
    out = tmp_path / "out.csv"
    result = cli(
        "export", "--tenant", tenant.slug, "--format", "csv", "--stage", "customer", "--out", out
    )
    assert result.exit_code == 0, result.output
    assert "exported 2 customers" in result.output
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("id,email")
    assert len(lines) == 3
    result = cli(
        "export", "--tenant", tenant.slug, "--format", "ndjson", "--where", "stage=prospect"
    )
    assert result.exit_code == 0, result.output
    assert [json.loads(x)["email"] for x in result.stdout.splitlines()] == ["p1@example.com"]
    bad = cli("export", "--tenant", tenant.slug, "--where", "include_deleted=true")
    assert bad.exit_code == 2  # bad usage, as typer refuses an option
    assert "deleted" in bad.output
    result = cli("export", "--tenant", tenant.slug, "--format", "ndjson", "--sort", "-email",
                 "--limit", "2")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert [json.loads(x)["email"] for x in result.stdout.splitlines()] == [
        "p2@example.com",
        "p1@example.com",
    ]
    bad = cli("export", "--tenant", tenant.slug, "--sort", "shoe_size")
    assert bad.exit_code == 2
    assert "sort" in bad.output
    audit = tenant.client.get("/v1/audit", params={"action": "export"}, headers=h).json()["items"]
    assert len(audit) == 3
    assert ["limit", "2"] in audit[0]["meta"]["params"]
    assert {e["actor"]["id"] for e in audit} == {"cli:export"}


def test_revert_import_undoes_an_import_and_lists_what_it_kept(cli, tenant, tmp_path):
    h = tenant.headers()
    kept = tenant.client.post("/v1/customers", json={"email": "kept@example.com"}, headers=h)
    path = tmp_path / "undo.csv"
    path.write_text(
        csv_text([["email", "company"], ["kept@example.com", "Co"], ["n@example.com", ""]])
    )
    made = cli("import", path, "--tenant", tenant.slug)
    assert made.exit_code == 0, made.output
    import_id = made.output.split("import ", 1)[1].split()[0]
    tenant.client.patch(f"/v1/customers/{kept.json()['id']}", json={"company": "Mine"}, headers=h)
    result = cli("revert-import", import_id, "--tenant", tenant.slug)
    assert result.exit_code == 0, result.output
    assert "1 customers reverted, 0 partly reverted, 1 kept" in result.output
    assert "row 1 kept: changed since the import (audit entry" in result.output
    assert [c["email"] for c in customers(tenant)] == ["kept@example.com"]
    again = cli("revert-import", import_id, "--tenant", tenant.slug)  # kept: it may run again
    assert again.exit_code == 0, again.output
    assert "1 customers reverted, 0 partly reverted, 1 kept" in again.output
    assert cli("revert-import", "nope", "--tenant", tenant.slug).exit_code != 0


def test_import_shows_the_file_s_headers_as_written_not_as_markup_or_terminal_codes(
    cli, tenant, tmp_path
):
    path = tmp_path / "people.csv"
    link = "\x1b]8;;https://evil.example\x1b\\Tier\x1b]8;;\x1b\\"
    path.write_text(
        csv_text(
            [
                ["E-mail [/]", "[bold]Note[/bold]", link],
                ["nope", "x", "gold"],
                ["ok@example.com", "y", "z"],
            ]
        )
    )
    result = cli("import", path, "--tenant", tenant.slug, "--map", "E-mail [/]=email")
    assert result.exit_code == 3, (result.output, result.exception)
    assert "E-mail [/] → email" in result.output
    assert "[bold]Note[/bold]" in result.output
    assert "row 1 (line 2) E-mail [/]:" in result.output
    assert "\x1b" not in result.output
    assert "\\x1b]8;;https://evil.example" in result.output
    assert [c["email"] for c in customers(tenant)] == ["ok@example.com"]


def test_the_exit_code_tells_every_row_imported_from_some_failed_none_and_bad_usage(
    cli, tenant, tmp_path
):
    path = tmp_path / "people.csv"

    def run(rows, *options):
        path.write_text(csv_text([["email"], *([r] for r in rows)]))
        return cli("import", path, "--tenant", tenant.slug, *options)

    assert run(["a@example.com"]).exit_code == 0
    assert run(["b@example.com", "nope"]).exit_code == 3  # done, a row failed
    assert run(["c@example.com", "nope"], "--dry-run").exit_code == 3
    every = run(["nope", "also nope"])
    assert every.exit_code == 1  # nothing imported
    assert every.exit_code == run(["x"], "--format", "json").exit_code  # the file refused
    for usage in (["--match", "merge"], ["--map", "email"], ["--date-order", "x"]):
        result = run(["d@example.com"], *usage)
        assert result.exit_code == 2, (usage, result.output)
        assert result.output.startswith("error: "), result.output
    assert sorted(c["email"] for c in customers(tenant)) == ["a@example.com", "b@example.com"]


def test_report_and_errors_to_standard_output_and_the_file_from_standard_input(
    cli, tenant, tmp_path, monkeypatch
):
    from typer.testing import CliRunner

    from rolodex.cli.main import app

    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    text = csv_text([["email"], ["a@example.com"], ["nope"]])
    result = CliRunner().invoke(
        app, ["import", "-", "--tenant", tenant.slug, "--errors", "-"], input=text
    )
    assert result.exit_code == 3, result.output
    # standard output holds the CSV alone; what the command says goes to stderr
    assert result.stdout.startswith("row,line,")  # no byte-order mark on a pipe
    found = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [(p["row"], p["value"]) for p in found] == [("2", "nope")]
    assert "state done" in result.stderr
    assert list(here.iterdir()) == []  # no file named "-"
    assert [c["email"] for c in customers(tenant)] == ["a@example.com"]
    imports = tenant.client.get("/v1/imports", headers=tenant.headers()).json()["items"]
    assert imports[0]["filename"] == "stdin"
    both = cli("import", "-", "--tenant", tenant.slug, "--report", "-", "--errors", "-")
    assert both.exit_code == 2
    assert "one at a time" in both.output
    alone = cli("import", "-", "--tenant", tenant.slug)  # CliRunner's stdin: empty, not piped
    assert alone.exit_code == 1
    assert "the file is empty" in alone.output


def test_an_import_the_command_finished_leaves_no_job_waiting(cli, tenant, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(csv_text([["email"], ["a@example.com"]]))
    assert cli("import", path, "--tenant", tenant.slug).exit_code == 0
    jobs = cli("jobs", "list", "--tenant", tenant.slug)
    assert "queued" not in jobs.output, jobs.output
    assert "import.run" in jobs.output  # done


def test_a_refused_file_leaves_an_earlier_report_as_it_was(cli, tenant, tmp_path):
    """--report and --errors were opened, and so emptied, before the file was read: a run
    refused (or interrupted before its end) left the last run's reports empty. They are
    written beside their paths and moved into place whole."""
    out = tmp_path / "out"
    out.mkdir()
    report, problems = out / "rows.csv", out / "problems.csv"
    report.write_text("last run's report\n")
    problems.write_text("last run's problems\n")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    refused = cli("import", empty, "--tenant", tenant.slug, "--report", report,
                  "--errors", problems)  # fmt: skip
    assert refused.exit_code == 1, refused.output
    assert report.read_text() == "last run's report\n"
    assert problems.read_text() == "last run's problems\n"
    assert sorted(p.name for p in out.iterdir()) == ["problems.csv", "rows.csv"]
    good = tmp_path / "good.csv"
    good.write_text(csv_text([["email"], ["ada@example.com"]]))
    report.chmod(0o640)
    done = cli("import", good, "--tenant", tenant.slug, "--report", report)
    assert done.exit_code == 0, done.output
    rows_read = list(csv.DictReader(io.StringIO(report.read_text(encoding="utf-8-sig"))))
    assert [(r["row"], r["action"]) for r in rows_read] == [("1", "create")]
    assert report.stat().st_mode & 0o777 == 0o640  # the file's own mode kept
    assert sorted(p.name for p in out.iterdir()) == ["problems.csv", "rows.csv"]


def test_a_map_the_file_refuses_is_bad_usage_in_the_commands_words(cli, tenant, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(csv_text([["E-mail", "Name"], ["ada@example.com", "Ada"]]))
    typo = cli("import", path, "--tenant", tenant.slug, "--map", "E-mail=emial")
    assert typo.exit_code == 2, typo.output
    assert "--map E-mail: unknown field 'emial'" in typo.output
    missing = cli("import", path, "--tenant", tenant.slug, "--map", "Mail=email")
    assert missing.exit_code == 2, missing.output
    assert "--map Mail: the file has no such column" in missing.output
    assert customers(tenant) == []


def test_a_report_naming_the_file_being_imported_is_refused_before_it_is_overwritten(
    cli, tenant, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    text = csv_text([["email"], ["ada@example.com"]])
    path = tmp_path / "people.csv"
    path.write_text(text)
    (tmp_path / "link.csv").symlink_to(path)
    for option in ("--report", "--errors"):
        for same in ("people.csv", "./people.csv", tmp_path / "link.csv", path):
            result = cli("import", path, "--tenant", tenant.slug, option, same)
            assert result.exit_code == 2, (option, same, result.output)
            assert f"{option} names the file being imported" in result.output
    assert path.read_text() == text  # the user's file, as it was
    assert customers(tenant) == []
    assert tenant.client.get("/v1/imports", headers=tenant.headers()).json()["items"] == []
    twice = cli("import", path, "--tenant", tenant.slug, "--report", "rows.csv",
                "--errors", "./rows.csv")  # fmt: skip
    assert twice.exit_code == 2
    assert "--report and --errors name the same file" in twice.output
    # standard output is no file: a report there is no clash with the file being imported
    beside = cli("import", path, "--tenant", tenant.slug, "--report", "-", "--errors", "out.csv")
    assert beside.exit_code == 0, beside.output
    assert path.read_text() == text


def test_a_column_mapped_twice_is_bad_usage_not_the_last_map_winning(cli, tenant, tmp_path):
    path = tmp_path / "people.csv"
    path.write_text(csv_text([["Email", "Phone"], ["ada@example.com", "+14155550100"]]))
    twice = cli("import", path, "--tenant", tenant.slug, "--map", "Email=email",
                "--map", "Email=phone")  # fmt: skip
    assert twice.exit_code == 2, twice.output
    assert "--map: column 'Email' is mapped twice (email, phone)" in twice.output
    folded = cli("import", path, "--tenant", tenant.slug, "--map", "Email=email",
                 "--map", "EMAIL=attr.mail")  # fmt: skip
    assert folded.exit_code == 2, folded.output
    assert "--map EMAIL: the same column as 'Email'" in folded.output
    assert customers(tenant) == []
    alike = cli("import", path, "--tenant", tenant.slug, "--map", "Email=email",
                "--map", "Email=email")  # fmt: skip
    assert alike.exit_code == 0, alike.output
    assert [c["email"] for c in customers(tenant)] == ["ada@example.com"]


def test_an_import_that_created_and_updated_no_one_has_nothing_to_revert(cli, tenant, tmp_path):
    """Its rows unchanged, its revert was taken and ended "reverted 0"."""
    h = tenant.headers()
    tenant.client.post("/v1/customers", json={"email": "same@example.com"}, headers=h)
    path = tmp_path / "same.csv"
    path.write_text(csv_text([["email"], ["same@example.com"], ["SAME@example.com"]]))
    made = cli("import", path, "--tenant", tenant.slug)
    assert made.exit_code == 0, made.output
    import_id = made.output.split("import ", 1)[1].split()[0]
    r = tenant.client.post(f"/v1/imports/{import_id}/revert", headers=h)
    assert r.status_code == 409, r.text
    assert "created and updated no customer: there is nothing to revert" in r.text
    result = cli("revert-import", import_id, "--tenant", tenant.slug)
    assert result.exit_code != 0
    assert "nothing to revert" in result.output
    assert (
        tenant.client.get(f"/v1/imports/{import_id}", headers=h).json()["revert"]["state"] is None
    )
