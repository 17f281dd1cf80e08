"""rolodex export on SQLite and PostgreSQL, as a script runs it: bad usage is exit code 2 and
one line naming the option, before anything is written or audited; --out is written beside
its path and moved into place whole, so a failed export leaves an earlier file as it was."""

from __future__ import annotations

import json
from uuid import UUID

import pytest
from sqlalchemy import text

from rolodex.demo.load import load_people
from rolodex.demo.synth import generate_people


def add(tenant, email: str, **fields) -> dict:
    r = tenant.client.post(
        "/v1/customers", json={"email": email, **fields}, headers=tenant.headers()
    )
    assert r.status_code == 201, r.text
    return r.json()


def exports_audited(tenant) -> list[dict]:
    r = tenant.client.get("/v1/audit", params={"action": "export"}, headers=tenant.headers())
    return r.json()["items"]


USAGE = [
    (["--format", "xml"], "--format: one of csv, json, ndjson, xlsx, vcard (got 'xml')"),
    (["--limit", "0"], "--limit: at least 1 (got 0)"),
    (["--sort", "shoe_size"], "--sort: cannot sort by 'shoe_size'; use one of created_at,"),
    (["--sort", "relevance"], "--sort: exports are not ordered by relevance"),
    (["--stage", "nope"], "--stage: unknown value 'nope'; use one of prospect,"),
    (["--created-after", "soon"], "--created-after: expected an ISO date, a datetime or"),
    (["--filter", "{broken"], "--filter: not valid JSON"),
    (["--segment", "nonexistent"], "--segment: no segment 'nonexistent'"),
    (["--where", "ltv_min=lots"], "--where ltv_min: expected a number"),
    (["--where", "include_deleted=true"], "--where include_deleted: exports never include"),
    (["--where", "bogus=1"], "--where 'bogus=1': 'bogus' is not a filter of the customer list"),
    (["--q", "x" * 201], "--q: at most 200 characters"),
]


@pytest.mark.parametrize(("options", "says"), USAGE, ids=[u[0][0] + u[0][1][:9] for u in USAGE])
def test_bad_usage_is_exit_code_2_in_one_line_naming_the_option(cli, tenant, options, says):
    add(tenant, "a@example.com")
    result = cli("export", "--tenant", tenant.slug, "--format", "ndjson", *options)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    (line,) = result.output.splitlines()
    assert line.startswith(f"error: {says}"), line
    assert exports_audited(tenant) == []


def test_an_out_path_that_cannot_be_written_is_bad_usage(cli, tenant, tmp_path):
    add(tenant, "a@example.com")
    for out in (tmp_path, tmp_path / "no-such-dir" / "x.csv"):
        result = cli("export", "--tenant", tenant.slug, "--out", out)
        assert result.exit_code == 2, result.output
        (line,) = result.output.splitlines()
        assert line.startswith(f"error: cannot write {out}: "), line
    assert exports_audited(tenant) == []


def _break_the_newest(backend, tenant) -> None:
    """The newest customer, last in an export, made unreadable: the export fails after it has
    written its first page (a stand-in for a database or disk failing mid-export)."""
    with backend.owner.begin() as conn:
        newest = conn.execute(
            text("SELECT id FROM customers WHERE tenant_id = :t ORDER BY created_at DESC LIMIT 1"),
            {"t": tenant.id if backend.name == "postgres" else tenant.id.hex},
        ).scalar_one()
        bad = "infinity" if backend.name == "postgres" else "not a time"
        conn.execute(
            text("UPDATE customers SET last_active_at = :bad WHERE id = :id"),
            {"bad": bad, "id": newest if isinstance(newest, UUID) else newest},
        )


def test_an_export_that_fails_midway_leaves_the_earlier_file_as_it_was(
    cli, tenant, backend, tmp_path
):
    with backend.owner.begin() as conn:
        load_people(conn, tenant.id, generate_people(1200, seed=4))
    here = tmp_path / "exports"
    here.mkdir()
    out = here / "customers.ndjson"
    out.write_text("yesterday's export\n")
    good = cli("export", "--tenant", tenant.slug, "--format", "ndjson", "--out", out)
    assert good.exit_code == 0, good.output
    whole = out.read_text()
    assert len(whole.splitlines()) == 1200
    _break_the_newest(backend, tenant)
    failed = cli("export", "--tenant", tenant.slug, "--format", "ndjson", "--out", out)
    assert failed.exit_code != 0
    assert out.read_text() == whole  # not the first 1,000 customers of today's
    assert [p.name for p in here.iterdir()] == ["customers.ndjson"]  # no part left over


def test_out_dash_is_standard_output_and_an_export_to_a_file_says_how_many(
    cli, tenant, tmp_path, monkeypatch
):
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    add(tenant, "a@example.com")
    add(tenant, "b@example.com")
    result = cli("export", "--tenant", tenant.slug, "--format", "ndjson", "--out", "-")
    assert result.exit_code == 0, result.output
    assert [json.loads(x)["email"] for x in result.stdout.splitlines()] == [
        "a@example.com",
        "b@example.com",
    ]
    assert list(here.iterdir()) == []  # no file named "-"
    out = here / "x.json"
    result = cli("export", "--tenant", tenant.slug, "--format", "json", "--out", out)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"exported 2 customers to {out}"
    assert [c["email"] for c in json.loads(out.read_text())] == ["a@example.com", "b@example.com"]


def test_a_cli_export_is_audited_with_its_text_search_too(cli, tenant):
    add(tenant, "ada@example.com", first_name="Ada")
    result = cli("export", "--tenant", tenant.slug, "--format", "ndjson", "--q", "ada",
                 "--stage", "prospect")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert len(result.stdout.splitlines()) == 1
    (entry,) = exports_audited(tenant)
    assert entry["actor"]["id"] == "cli:export"
    assert entry["meta"]["format"] == "ndjson"
    assert ["q", "ada"] in entry["meta"]["params"]
    assert ["stage", "prospect"] in entry["meta"]["params"]


@pytest.mark.parametrize("fmt", ["csv", "ndjson"])
def test_an_output_that_refuses_the_export_is_one_line_not_a_traceback(cli, tenant, fmt):
    """/dev/full answers every write as a full disk does (ENOSPC)."""
    add(tenant, "a@example.com", notes="x" * 5000)
    result = cli("export", "--tenant", tenant.slug, "--format", fmt, "--out", "/dev/full")
    assert result.exit_code == 1, result.output  # the run failed; the command line was right
    assert isinstance(result.exception, SystemExit), result.exception  # not an OSError
    assert "Traceback" not in result.output
    last = result.output.splitlines()[-1]
    assert last == "error: cannot write /dev/full: No space left on device", last
    assert "exported 1 customer to" not in result.output
