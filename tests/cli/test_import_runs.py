"""rolodex imports list|cancel on SQLite and PostgreSQL: an operator lists a tenant's imports
and stops one from the shell, including one whose runner died (its lease run out, no worker
to take it over), which the API's cancel only marks."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from rolodex.kit.time import utcnow
from rolodex.models import ImportRun
from tests.imports.helpers import csv_text, drain, rows, status
from tests.imports.test_runs import crash_after, start

FILE = csv_text([["email"], *[[f"p{i}@example.com"] for i in range(8)], ["not-an-email"]])


def test_imports_are_listed_newest_first_with_their_figures(cli, tenant):
    first = start(tenant, FILE)
    cli("imports", "cancel", first, "--tenant", tenant.slug)  # queued: cancelled at once
    second = start(tenant, FILE, dry_run="true")
    listed = cli("imports", "list", "--tenant", tenant.slug)
    assert listed.exit_code == 0, listed.output
    lines = listed.output.splitlines()
    assert [line.split()[0] for line in lines] == [second, first]
    assert "dry run queued" in lines[0]
    assert "cancelled" in lines[1]
    assert "customers.csv: 0 rows, 0 created, 0 updated, 0 failed, 0 problems" in lines[1]


def test_a_reverted_import_is_listed_as_reverted(cli, tenant):
    """It was listed 'done: 9 rows, 8 created' whether reverted or not."""
    run_id = start(tenant, FILE)
    drain(tenant)
    line = cli("imports", "list", "--tenant", tenant.slug).output.splitlines()[0]
    assert line.endswith("done      customers.csv: 9 rows, 8 created, 0 updated, 1 failed, "
                         "1 problems"), line  # fmt: skip
    r = tenant.client.post(f"/v1/imports/{run_id}/revert", headers=tenant.headers())
    assert r.status_code == 202, r.text
    line = cli("imports", "list", "--tenant", tenant.slug).output.splitlines()[0]
    assert line.endswith("1 failed, 1 problems; revert queued"), line
    drain(tenant)
    line = cli("imports", "list", "--tenant", tenant.slug).output.splitlines()[0]
    assert line.endswith("1 failed, 1 problems; reverted (8 customers)"), line


def test_an_import_reverted_in_part_is_listed_with_what_was_kept(cli, tenant):
    run_id = start(tenant, FILE)
    drain(tenant)
    [first, *_] = rows(tenant, run_id, action="create")
    h = tenant.headers()
    r = tenant.client.patch(f"/v1/customers/{first['customer_id']}", json={"company": "Mine"},
                            headers=h)  # fmt: skip
    assert r.status_code == 200, r.text
    assert tenant.client.post(f"/v1/imports/{run_id}/revert", headers=h).status_code == 202
    drain(tenant)
    assert status(tenant, run_id)["revert"]["state"] == "partial"
    line = cli("imports", "list", "--tenant", tenant.slug).output.splitlines()[0]
    assert line.endswith("; reverted in part (7 reverted, 0 partly, 1 kept)"), line


def test_a_running_import_whose_runner_died_is_cancelled_here(cli, tenant, backend):
    run_id = start(tenant, FILE)
    crash_after(tenant, run_id, 4)  # its runner died after 4 rows, its lease held
    busy = cli("imports", "cancel", run_id, "--tenant", tenant.slug)
    assert busy.exit_code == 0, busy.output
    assert "cancel asked; its runner stops at its next batch" in busy.output
    assert status(tenant, run_id)["state"] == "running"
    with backend.db.session(tenant.id) as s:  # the dead runner's lease runs out
        s.execute(update(ImportRun).values(lease_until=utcnow() - timedelta(seconds=1)))
    done = cli("imports", "cancel", run_id, "--tenant", tenant.slug)
    assert done.exit_code == 0, done.output
    assert f"import {run_id}: cancelled" in done.output
    body = status(tenant, run_id)
    assert (body["state"], body["progress"]["rows_read"], body["progress"]["created"]) == (
        "cancelled", 4, 4,
    )  # fmt: skip
    again = cli("imports", "cancel", run_id, "--tenant", tenant.slug)
    assert again.exit_code == 0, again.output  # cancelled already: said, nothing to do
    assert f"import {run_id}: cancelled" in again.output


def test_cancel_refuses_what_it_cannot_stop(cli, tenant):
    wrong = cli("imports", "cancel", "nope", "--tenant", tenant.slug)
    assert wrong.exit_code == 2  # bad usage: tests/cli/test_malformed_ids.py
    assert "IMPORT_ID: 'nope' is not an import id" in wrong.output
    unknown = cli("imports", "cancel", "01a247d8-591f-76c1-b71f-322351727685", "--tenant",
                  tenant.slug)  # fmt: skip
    assert unknown.exit_code == 1
    assert "no import" in unknown.output


def test_one_row_is_one_row_in_what_the_cli_says(cli, tenant, tmp_path):
    """'imported 1 rows (100%)', 'stripe.json: 1 rows'."""
    path = tmp_path / "one.csv"
    path.write_text("email\nada@example.com\n", encoding="utf-8")
    ran = cli("import", str(path), "--tenant", tenant.slug)
    assert ran.exit_code == 0, ran.output
    assert "imported 1 row (100%): 1 created" in ran.output
    line = cli("imports", "list", "--tenant", tenant.slug).output.splitlines()[0]
    assert "one.csv: 1 row, 1 created" in line
