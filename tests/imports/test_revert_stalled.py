"""A revert whose runner stopped (`rolodex revert-import` interrupted) on SQLite and
PostgreSQL: the dashboard offers to go on with it, as the API does, instead of showing it
running for ever."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import select

from rolodex.auth.roles import Principal
from rolodex.imports import revert
from rolodex.jobs.worker import Worker
from tests.imports.helpers import csv_text, customers, drain, status
from tests.imports.test_runs import start
from tests.web.helpers import assert_page, signed_in


def test_the_dashboard_goes_on_with_a_revert_whose_runner_stopped(tenant, monkeypatch):
    h = tenant.headers()
    old = tenant.client.post("/v1/customers", json={"email": "old@example.com"}, headers=h)
    table = [["email", "company"], ["old@example.com", "Imported"]]
    table += [[f"new{i}@example.com", ""] for i in range(6)]
    run_id = start(tenant, csv_text(table))
    drain(tenant)
    db = tenant.client.app.state.db
    principal = Principal(tenant.id, "admin", "system", "cli:revert", "rolodex revert-import")
    with db.session(tenant.id) as session:
        revert.request(session, principal, uuid.UUID(run_id), job=False)
    monkeypatch.setattr(revert, "BATCH", 3)
    real, calls = revert._batch, []

    def dies_in_second_batch(*args: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt  # the operator's Ctrl-C
        return real(*args)

    monkeypatch.setattr(revert, "_batch", dies_in_second_batch)
    with db.session(tenant.id) as session, pytest.raises(KeyboardInterrupt):
        revert.run_revert(session, tenant.id, uuid.UUID(run_id), "cli:gone")
    monkeypatch.setattr(revert, "_batch", real)
    assert status(tenant, run_id)["revert"]["state"] == "running"
    csrf = signed_in(tenant)
    panel = assert_page(tenant.client.get(f"/imports/{run_id}/progress"))
    assert 'data-testid="revert"' in panel  # nobody runs it: it can be asked for again
    hx = {"HX-Request": "true"}
    tenant.client.post(f"/imports/{run_id}/revert", data={"csrf_token": csrf}, headers=hx)
    Worker(db).drain()
    done = status(tenant, run_id)["revert"]
    assert (done["state"], done["reverted"]) == ("done", 7)
    assert [c["id"] for c in customers(tenant)] == [old.json()["id"]]
    panel = assert_page(tenant.client.get(f"/imports/{run_id}/progress"))
    assert 'data-testid="revert"' not in panel


def test_a_revert_going_on_under_its_runner_offers_no_button(tenant):
    run_id = start(tenant, csv_text([["email"], ["a@example.com"]]))
    drain(tenant)
    assert tenant.client.post(f"/v1/imports/{run_id}/revert", headers=tenant.headers()).is_success
    signed_in(tenant)
    panel = assert_page(tenant.client.get(f"/imports/{run_id}/progress"))
    assert 'data-testid="revert-state">Waiting to start<' in panel
    assert 'data-testid="revert"' not in panel  # queued: its job will run it


def test_a_queued_revert_whose_job_died_gets_a_new_job_when_asked_again(tenant):
    """Its job given up (dead) before the revert started, the revert stayed queued: asking
    again answered 202 and changed nothing, for ever."""
    from sqlalchemy import update

    from rolodex.models import Job

    h = tenant.headers()
    run_id = start(tenant, csv_text([["email"], ["a@example.com"], ["b@example.com"]]))
    drain(tenant)
    assert tenant.client.post(f"/v1/imports/{run_id}/revert", headers=h).status_code == 202
    db = tenant.client.app.state.db
    with db.session(tenant.id) as session:  # its tries used up (the database away, say)
        session.execute(update(Job).where(Job.kind == revert.KIND).values(state="dead"))
    drain(tenant)
    assert status(tenant, run_id)["revert"]["state"] == "queued"
    signed_in(tenant)  # the dashboard offers to ask again
    panel = assert_page(tenant.client.get(f"/imports/{run_id}/progress"))
    assert 'data-testid="revert"' in panel
    again = tenant.client.post(f"/v1/imports/{run_id}/revert", headers=h)
    assert again.status_code == 202, again.text
    twice = tenant.client.post(f"/v1/imports/{run_id}/revert", headers=h)
    assert twice.status_code == 202, twice.text
    drain(tenant)
    assert status(tenant, run_id)["revert"]["state"] == "done"
    assert customers(tenant) == []
    with db.session(tenant.id) as session:  # asked twice: one job went on with it
        kinds = session.scalars(
            select(Job.state).where(Job.kind == revert.KIND).order_by(Job.created_at)
        ).all()
    assert kinds == ["dead", "done"]


def test_the_cli_runs_a_revert_still_waiting_for_a_worker(cli, tenant):
    """Asked for from the dashboard or the API with no worker running, the revert waited: the
    command line refused it ("queued for the worker") instead of running it."""
    from rolodex.models import AuditEntry

    run_id = start(tenant, csv_text([["email"], ["a@example.com"], ["b@example.com"]]))
    drain(tenant)
    assert tenant.client.post(f"/v1/imports/{run_id}/revert", headers=tenant.headers()).is_success
    out = cli("revert-import", run_id, "--tenant", tenant.slug)
    assert out.exit_code == 0, out.output
    assert f"import {run_id} reverted: 2 customers reverted" in out.output
    assert customers(tenant) == []
    drain(tenant)  # the job it was waiting for finds it done
    assert status(tenant, run_id)["revert"]["state"] == "done"
    with tenant.client.app.state.db.session(tenant.id) as session:
        removed = session.scalars(select(AuditEntry.seq).where(AuditEntry.action == "remove"))
        assert len(removed.all()) == 2


def test_a_running_revert_asked_for_again_and_again_gets_one_job_to_go_on(tenant):
    from rolodex.models import Job

    run_id = start(tenant, csv_text([["email"], ["a@example.com"]]))
    drain(tenant)
    principal = Principal(tenant.id, "admin", "system", "cli:revert", "rolodex revert-import")
    db = tenant.client.app.state.db
    with db.session(tenant.id) as session:  # the command line started it, then stopped
        revert.request(session, principal, uuid.UUID(run_id), job=False)
    for _ in range(3):
        again = tenant.client.post(f"/v1/imports/{run_id}/revert", headers=tenant.headers())
        assert again.status_code == 202, again.text
    with db.session(tenant.id) as session:
        assert len(session.scalars(select(Job.id).where(Job.kind == revert.KIND)).all()) == 1
    drain(tenant)
    assert status(tenant, run_id)["revert"]["state"] == "done"
    assert customers(tenant) == []
