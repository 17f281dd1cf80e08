"""An import's runner and what happens around it, on SQLite and PostgreSQL: a cancel that
comes as the runner starts."""

from __future__ import annotations

import threading
import uuid
from typing import Any

from rolodex.auth.roles import Principal
from rolodex.imports import repository, service
from rolodex.models import ImportRun
from tests.conftest import TenantCtx
from tests.imports.helpers import csv_text, customers, drain, status
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
