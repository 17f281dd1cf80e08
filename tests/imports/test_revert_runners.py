"""Who runs a revert, on SQLite and PostgreSQL: one runner at a time (the worker's job, or
`rolodex revert-import`), each batch decided once, and a revert whose runner died is finished
by the next request for it."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from rolodex.auth.roles import Principal
from rolodex.imports import revert, runner
from rolodex.kit.time import utcnow
from rolodex.models import AuditEntry, ImportRun, Job
from tests.conftest import TenantCtx
from tests.imports.helpers import csv_text, customers, drain, rows, status
from tests.imports.test_runs import start

NEW = 14


def _imported(tenant: TenantCtx) -> tuple[str, list[str]]:
    """An import that updated two customers and created NEW: its id and the two's ids."""
    h = tenant.headers()
    kept = [
        tenant.client.post("/v1/customers", json={"email": f"old{i}@example.com"}, headers=h)
        for i in range(2)
    ]
    old = [r.json()["id"] for r in kept]
    table = [["email", "company"], *[[f"old{i}@example.com", "Imported Co"] for i in range(2)]]
    table += [[f"new{i}@example.com", "New Co"] for i in range(NEW)]
    run_id = start(tenant, csv_text(table))
    drain(tenant)
    assert status(tenant, run_id)["progress"]["created"] == NEW
    return run_id, old


def _db(tenant: TenantCtx) -> Any:
    return tenant.client.app.state.db  # type: ignore[attr-defined]


def _run(tenant: TenantCtx, run_id: str, name: str) -> None:
    with _db(tenant).session(tenant.id) as session:
        revert.run_revert(session, tenant.id, uuid.UUID(run_id), name)


def _reverted_in_full(tenant: TenantCtx, run_id: str, old: list[str]) -> None:
    done = status(tenant, run_id)["revert"]
    assert (done["state"], done["reverted"], done["partly"], done["kept"]) == (
        "done",
        NEW + 2,
        0,
        0,
    )
    assert rows(tenant, run_id, revert="kept") == []
    left = customers(tenant)
    assert sorted(c["id"] for c in left) == sorted(old)
    assert {c["company"] for c in left} == {None}
    with _db(tenant).session(tenant.id) as session:
        removals = session.scalars(
            select(AuditEntry.customer_id).where(
                AuditEntry.tenant_id == tenant.id, AuditEntry.action == "remove"
            )
        ).all()
    assert len(removals) == len(set(removals)) == NEW  # each customer removed once
    assert tenant.client.get("/v1/audit/verify", headers=tenant.headers()).json()["ok"]


def test_two_runners_of_one_revert_at_once_decide_each_customer_once(tenant, monkeypatch):
    """The worker's job and `rolodex revert-import` at once (an operator resuming a revert
    that looks stuck): the second waits for the first's batch and stops, instead of deciding
    the same customers again (on PostgreSQL it found them gone and marked them kept: a
    20,000-row probe ended partial with 15,520 'kept: the customer no longer exists')."""
    run_id, old = _imported(tenant)
    response = tenant.client.post(f"/v1/imports/{run_id}/revert", headers=tenant.headers())
    assert response.status_code == 202
    monkeypatch.setattr(revert, "BATCH", 4)
    in_batch, second_started = threading.Event(), threading.Event()
    real = revert._batch

    decided_by: list[str] = []

    def first_batch_waits(*args: Any) -> Any:
        decided_by.append(threading.current_thread().name)
        if not in_batch.is_set():
            in_batch.set()
            second_started.wait(10)
            threading.Event().wait(0.5)  # the second runner reaches its first query meanwhile
        return real(*args)

    monkeypatch.setattr(revert, "_batch", first_batch_waits)
    outcomes: dict[str, str] = {}

    def run(name: str) -> None:
        try:
            _run(tenant, run_id, name)
            outcomes[name] = "ran"
        except runner.Busy:
            outcomes[name] = "busy"
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            outcomes[name] = repr(exc)

    first = threading.Thread(target=run, args=("job",), name="job")
    first.start()
    assert in_batch.wait(30)
    second = threading.Thread(target=run, args=("cli",), name="cli")
    second.start()
    second_started.set()
    for t in (first, second):
        t.join(60)
    _reverted_in_full(tenant, run_id, old)
    # the second stopped (or, on SQLite, found it finished) without deciding a customer
    assert outcomes["job"] == "ran"
    assert outcomes["cli"] in ("busy", "ran")
    assert set(decided_by) == {"job"}
    drain(tenant)  # the queued job finds the revert finished and changes nothing
    _reverted_in_full(tenant, run_id, old)


def test_a_revert_held_by_another_runner_is_left_to_it_until_its_lease_ends(tenant):
    run_id, old = _imported(tenant)
    db = _db(tenant)
    assert tenant.client.post(f"/v1/imports/{run_id}/revert", headers=tenant.headers()).is_success
    with db.session(tenant.id) as session:
        session.execute(
            update(ImportRun).values(runner="cli:elsewhere", lease_until=utcnow() + timedelta(60))
        )
    with pytest.raises(runner.Busy):
        _run(tenant, run_id, "cli:here")
    drain(tenant)  # the job does not run it beside the other runner: it looks again later
    assert len(customers(tenant)) == NEW + 2
    assert status(tenant, run_id)["revert"]["reverted"] == 0
    with db.session(tenant.id) as session:
        later = session.scalars(
            select(Job).where(Job.kind == revert.KIND, Job.state == "queued")
        ).all()
        assert len(later) == 1
        assert later[0].run_at > utcnow() + timedelta(seconds=30)
        # the other runner died: its lease runs out, and the job's time comes
        session.execute(update(ImportRun).values(lease_until=utcnow() - timedelta(seconds=1)))
        session.execute(update(Job).where(Job.id == later[0].id).values(run_at=utcnow()))
    drain(tenant)
    _reverted_in_full(tenant, run_id, old)


def test_a_revert_whose_cli_died_is_finished_by_asking_again(tenant, monkeypatch):
    run_id, old = _imported(tenant)
    principal = Principal(tenant.id, "admin", "system", "cli:revert", "rolodex revert-import")
    with _db(tenant).session(tenant.id) as session:
        revert.request(session, principal, uuid.UUID(run_id), job=False)
    monkeypatch.setattr(revert, "BATCH", 4)
    calls = []
    real = revert._batch

    def dies_in_second_batch(*args: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt  # the operator's Ctrl-C, or the process killed
        return real(*args)

    monkeypatch.setattr(revert, "_batch", dies_in_second_batch)
    with pytest.raises(KeyboardInterrupt):
        _run(tenant, run_id, "cli:gone")
    monkeypatch.setattr(revert, "_batch", real)
    halfway = status(tenant, run_id)["revert"]
    with _db(tenant).session(tenant.id) as session:  # given up: nobody need wait for it
        assert session.scalar(select(ImportRun.runner)) is None
    assert (halfway["state"], halfway["reverted"]) == ("running", 4)
    # The dashboard or the API asks again: a job finishes it
    again = tenant.client.post(f"/v1/imports/{run_id}/revert", headers=tenant.headers())
    assert again.status_code == 202, again.text
    drain(tenant)
    _reverted_in_full(tenant, run_id, old)
