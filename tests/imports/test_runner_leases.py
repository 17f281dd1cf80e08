"""An import's runner and what happens around it, on SQLite and PostgreSQL: a cancel that
comes as the runner starts, a runner stopped past its lease while another took over."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select, update

from rolodex.auth.roles import Principal
from rolodex.imports import repository, runner, service
from rolodex.kit.time import utcnow
from rolodex.models import AuditEntry, ImportRun, Job
from tests.conftest import TenantCtx
from tests.imports.helpers import csv_text, customers, drain, rows, status
from tests.imports.test_runs import run_inline, start

FILE = csv_text([["email"], *[[f"p{i}@example.com"] for i in range(6)]])


def _db(tenant: TenantCtx) -> Any:
    return tenant.client.app.state.db  # type: ignore[attr-defined]


def test_a_cancel_committed_while_the_runner_starts_stays_cancelled(tenant, backend, monkeypatch):
    """The cancel holds the queued import's row (and drops its file) while a worker reads it
    and waits for its lease: the worker used to go on with what it read before, set the import
    running again and fail on its missing file (a probe on PostgreSQL: 3 of 25 cancels right
    after an upload came back 'running', 'LookupError: piece 0 of the uploaded file is
    missing; it is tried again automatically')."""
    run_id = start(tenant, FILE)
    db = _db(tenant)
    acquiring, cancel_held = threading.Event(), threading.Event()
    real = repository.acquire

    def noted(*args: Any, **kwargs: Any) -> bool:
        acquiring.set()
        return real(*args, **kwargs)

    monkeypatch.setattr(repository, "acquire", noted)
    principal = Principal(tenant.id, "admin", "system", "test", "test")
    failures: list[BaseException] = []

    def cancel() -> None:
        try:
            with db.session(tenant.id) as session:
                service.cancel(session, principal, uuid.UUID(run_id))
                cancel_held.set()
                # the runner reads the import meanwhile and waits for the row (PostgreSQL);
                # on SQLite it waits for the write lock before it reads anything
                acquiring.wait(10 if backend.name == "postgres" else 0.5)
                threading.Event().wait(0.3)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            failures.append(exc)

    canceller = threading.Thread(target=cancel)
    canceller.start()
    assert cancel_held.wait(10)
    run_inline(tenant, run_id, batch_rows=2)
    canceller.join(30)
    assert not failures, failures
    done = status(tenant, run_id)
    assert (done["state"], done["error"], done["progress"]["rows_read"]) == ("cancelled", None, 0)
    drain(tenant)  # its job finds it cancelled
    assert status(tenant, run_id)["state"] == "cancelled"
    assert customers(tenant) == []
    with db.session(tenant.id) as session:
        run = session.get(ImportRun, (tenant.id, uuid.UUID(run_id)))
        assert run is not None
        assert (run.runner, run.lease_until) == (None, None)


TEN = csv_text([["email", "first_name"], *[[f"t{i}@example.com", f"T{i}"] for i in range(10)]])


def _taken_over(tenant: TenantCtx, run_id: str) -> None:
    """What a worker does once a runner has been stopped past its lease: its job takes the
    import over and runs it to the end."""
    with _db(tenant).session(tenant.id) as session:
        session.execute(update(ImportRun).values(lease_until=utcnow() - timedelta(seconds=1)))
        session.execute(update(Job).where(Job.kind == "import.run").values(run_at=utcnow()))
    drain(tenant)


def _imported_once(tenant: TenantCtx, run_id: str) -> None:
    done = status(tenant, run_id)
    assert (done["state"], done["error"]) == ("done", None)
    progress = done["progress"]
    assert (progress["rows_read"], progress["created"], progress["updated"]) == (10, 10, 0)
    assert sorted(c["email"] for c in customers(tenant)) == sorted(
        f"t{i}@example.com" for i in range(10)
    )
    assert [r["row"] for r in rows(tenant, run_id)] == list(range(1, 11))
    with _db(tenant).session(tenant.id) as session:
        made = session.scalars(
            select(AuditEntry.customer_id).where(
                AuditEntry.tenant_id == tenant.id, AuditEntry.action == "create"
            )
        ).all()
    assert len(made) == len(set(made)) == 10
    assert tenant.client.get("/v1/audit/verify", headers=tenant.headers()).json()["ok"]


def test_a_runner_stopped_past_its_lease_stops_when_it_wakes_to_find_it_taken_over(tenant):
    """A worker frozen past its lease whose job another worker took and finished: woken, it
    goes no further (it used to write its next batch again, fail on the rows' keys three
    times and leave its error on the import)."""
    run_id = start(tenant, TEN)

    def frozen_after_first_batch(run: ImportRun) -> None:
        if run.rows_read == 2:
            _taken_over(tenant, run_id)

    with pytest.raises(runner.Busy):
        run_inline(tenant, run_id, batch_rows=2, progress=frozen_after_first_batch, name="frozen")
    _imported_once(tenant, run_id)


def test_a_cli_import_suspended_past_its_lease_says_a_worker_took_it_over(
    cli, tenant, tmp_path, monkeypatch
):
    """Ctrl-Z on `rolodex import`, `fg` minutes later: the job queued for this took the
    import over; the command says so and stops (it went on and died on an IntegrityError with
    a page of SQL, a probe on PostgreSQL found)."""
    from rolodex.cli import imports as cli_imports

    path = tmp_path / "people.csv"
    path.write_text(TEN)
    shown = cli_imports._reporter.__call__
    suspended: list[str] = []

    def suspended_after_first_batch(self: Any, run: ImportRun) -> None:
        shown(self, run)
        if not suspended:
            suspended.append(str(run.id))
            _taken_over(tenant, str(run.id))

    monkeypatch.setattr(cli_imports._reporter, "__call__", suspended_after_first_batch)
    result = cli("import", path, "--tenant", tenant.slug, "--batch", "2")
    assert result.exit_code == 1, result.output
    assert "a worker has taken the import over" in result.output
    assert "Traceback" not in result.output
    _imported_once(tenant, suspended[0])
