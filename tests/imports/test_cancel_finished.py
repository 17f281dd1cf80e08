"""Cancelling an import that has finished, on SQLite and PostgreSQL: the refusal says what
can be done instead (a dry run wrote nothing, so there is nothing to undo)."""

from __future__ import annotations

from tests.imports.helpers import csv_text, drain, status
from tests.imports.test_runs import start


def _finished(tenant, text, **fields):
    run_id = start(tenant, text, **fields)
    drain(tenant)
    assert status(tenant, run_id)["state"] == "done"
    return run_id


def test_cancelling_a_finished_dry_run_says_it_wrote_nothing(tenant):
    h = tenant.headers()
    dry = _finished(tenant, csv_text([["email"], ["d@example.com"]]), dry_run=True)
    r = tenant.client.post(f"/v1/imports/{dry}/cancel", headers=h)
    assert r.status_code == 409
    message = r.json()["error"]["message"]
    assert "revert" not in message
    assert "dry run" in message
    assert "writes nothing" in message
    real = _finished(tenant, csv_text([["email"], ["e@example.com"]]))
    r = tenant.client.post(f"/v1/imports/{real}/cancel", headers=h)
    assert r.status_code == 409
    assert "revert it to undo what it did" in r.json()["error"]["message"]
