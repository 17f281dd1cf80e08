"""Two imports of one tenant at once (SQLite and PostgreSQL): batches take turns
(``imports.repository.take_turn``), so overlapping files neither deadlock nor clash on the
emails both would create, and the result is as if each batch had come alone."""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

import pytest

from rolodex.imports import repository, runner
from tests.conftest import TenantCtx
from tests.imports.helpers import csv_text, customers, status
from tests.imports.test_runs import run_inline, start


def _file(first: int, last: int) -> str:
    header = ["email", "first_name", "last_name", "phone", "company"]
    return csv_text(
        [header]
        + [
            [f"p{i}@example.com", "Pat", f"Nr{i}", f"+1 415 555 {i:04d}", f"Firm {i % 7}"]
            # the overlap in the other order: each import writes it in its own sequence
            for i in (range(first, last) if first < 60 else reversed(range(first, last)))
        ]
    )


def test_overlapping_imports_at_once_take_turns_and_lose_nothing(
    tenant: TenantCtx, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = start(tenant, _file(0, 120)), start(tenant, _file(60, 180))
    failures: list[BaseException] = []
    prepared: list[int] = []
    real = runner._prepared

    def counted(*args: Any) -> Any:
        prepared.append(len(args[3]))
        return real(*args)

    monkeypatch.setattr(runner, "_prepared", counted)

    def run(import_id: str, name: str) -> None:
        try:
            run_inline(tenant, import_id, batch_rows=15, name=name)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(i, n)) for i, n in ((a, "one"), (b, "two"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not failures, failures
    done = [status(tenant, i) for i in (a, b)]
    assert [d["state"] for d in done] == ["done", "done"]
    made = customers(tenant)
    assert len(made) == 180  # one customer per email, whichever import came first
    assert len({c["email"] for c in made}) == 180
    created = sum(d["progress"]["created"] for d in done)
    assert created == 180
    assert sum(d["progress"]["updated"] + d["progress"]["unchanged"] for d in done) == 60
    assert sum(d["progress"]["failed"] for d in done) == 0
    # each batch was decided once: none had to be tried again after a clash with the other
    assert sorted(prepared) == [15] * 16, prepared


def test_a_batch_holds_its_turn_until_it_commits(tenant: TenantCtx, backend: Any) -> None:
    db = tenant.client.app.state.db  # type: ignore[attr-defined]
    if backend.name == "sqlite":
        with db.session(tenant.id) as session:
            repository.take_turn(session, tenant.id)  # nothing to hold: one writer at a time
        return
    other = uuid.UUID(int=tenant.id.int ^ 1)  # another tenant's turn is its own
    got: list[str] = []
    with db.session(tenant.id) as first:
        repository.take_turn(first, tenant.id)

        def second(tid: uuid.UUID, label: str) -> None:
            with db.session(tid) as session:
                repository.take_turn(session, tid)
                got.append(label)

        waiting = threading.Thread(target=second, args=(tenant.id, "same tenant"))
        free = threading.Thread(target=second, args=(other, "other tenant"))
        waiting.start()
        free.start()
        free.join(timeout=10)
        time.sleep(0.3)
        assert got == ["other tenant"]  # the same tenant waits for the first to commit
    waiting.join(timeout=10)
    assert got == ["other tenant", "same tenant"]
