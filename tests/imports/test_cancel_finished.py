"""Cancelling an import that has finished, on SQLite and PostgreSQL: the refusal says what
can be done instead (a dry run wrote nothing, so there is nothing to undo; one reverted or
being reverted is not told to revert it). A revert asked while a cancel stops the import is
told to wait for it to stop, not to cancel it first."""

from __future__ import annotations

from tests.imports.helpers import csv_text, customers, drain, status
from tests.imports.test_runs import run_inline, start


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


def test_cancelling_an_import_being_or_already_reverted_does_not_say_to_revert_it(tenant):
    h = tenant.headers()
    real = _finished(tenant, csv_text([["email"], ["e@example.com"]]))
    r = tenant.client.post(f"/v1/imports/{real}/revert", headers=h)
    assert r.status_code == 202, r.text
    r = tenant.client.post(f"/v1/imports/{real}/cancel", headers=h)
    assert r.status_code == 409
    error = r.json()["error"]
    assert error["message"] == (
        "the import is done already; its revert is queued, to undo what it did"
    )
    assert error["details"] == {"state": "done", "revert": "queued"}
    drain(tenant)
    assert status(tenant, real)["revert"]["state"] == "done"
    r = tenant.client.post(f"/v1/imports/{real}/cancel", headers=h)
    assert r.status_code == 409
    error = r.json()["error"]
    assert error["message"] == (
        "the import is done already; it was reverted already: nothing it did is left"
    )
    assert error["details"] == {"state": "done", "revert": "done"}
    # as its revert says when asked again
    r = tenant.client.post(f"/v1/imports/{real}/revert", headers=h)
    assert r.status_code == 409
    assert "reverted already" in r.json()["error"]["message"]


def test_a_revert_asked_while_a_cancel_stops_the_import_says_to_wait_for_it(tenant):
    people = csv_text([["email"], *([f"p{i}@example.com"] for i in range(4))])
    import_id = start(tenant, people)
    answers = []

    def progress(run) -> None:
        if run.rows_read == 2:
            h = tenant.headers()
            r = tenant.client.post(f"/v1/imports/{import_id}/cancel", headers=h)
            assert (r.status_code, r.json()["state"]) == (200, "running"), r.text
            answers.append(tenant.client.post(f"/v1/imports/{import_id}/revert", headers=h))

    run_inline(tenant, import_id, batch_rows=2, progress=progress)
    [r] = answers
    assert r.status_code == 409
    error = r.json()["error"]
    assert "cancel it first" not in error["message"]
    assert error["message"] == (
        "the import is stopping: its cancel was asked and it stops at its next batch boundary; "
        "revert it once it has stopped"
    )
    assert error["details"]["state"] == "running"
    assert error["details"]["cancel_requested_at"]
    assert status(tenant, import_id)["state"] == "cancelled"
    r = tenant.client.post(f"/v1/imports/{import_id}/revert", headers=tenant.headers())
    assert r.status_code == 202, r.text  # once stopped, as it said
    drain(tenant)
    assert customers(tenant) == []
