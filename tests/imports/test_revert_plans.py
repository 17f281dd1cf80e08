"""Reads and writes of given customers' rows of an import (a revert marking them, a batch
finding the rows that created its targets, a revert weighing another import's writes) go
through the index of their customer (ix_import_rows_target), not of their action."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import event

from rolodex.imports import repository
from rolodex.imports import revert_repository as rr
from rolodex.imports.revert_repository import MARK
from tests.plans import explain

BY_CUSTOMER = "USING INDEX ix_import_rows_target (tenant_id=? AND import_id=? AND target_id=?)"


def _plans(backend: Any, tenant: Any, call: Callable[[Any], Any]) -> list[str]:
    """EXPLAIN QUERY PLAN of each statement on import_rows that ``call(session)`` runs."""
    seen: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if "import_rows" in statement:
            seen.append((statement, params))

    with backend.db.session(tenant.id) as s:
        event.listen(s.connection(), "before_cursor_execute", capture)
        call(s)
        event.remove(s.connection(), "before_cursor_execute", capture)
        assert seen
        raw = s.connection().exec_driver_sql
        return [
            "\n".join(str(r[-1]) for r in raw(f"EXPLAIN QUERY PLAN {q}", p).all()) for q, p in seen
        ]


# SQLite only: it plans without statistics, by rule, the same at any size. PostgreSQL plans
# from statistics (refreshed as an import grows, kit.stats), and at 34,000 rows reads the
# customer's index; an empty test table says nothing of its choice.
@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_marking_a_customers_rows_reads_them_by_customer(backend, tenant):
    """SQLite took the index of the rows' action for the two actions a revert marks, nearly
    every row of the import, and read them all for each customer: a revert of 30,000
    customers ran at 135 a second and held the lock about 4 s a batch of 500 (a user's
    write meanwhile waited up to 14 s); at 10,000 rows marking was 11 of a revert's 20 s."""
    params = {"_t": tenant.id, "_i": uuid.uuid4(), "_c": uuid.uuid4(), "_r": "reverted"}
    plan = explain(backend, tenant, MARK, {**params, "_why": None})
    assert BY_CUSTOMER in plan, plan


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_batch_finds_the_rows_that_created_its_targets_by_customer(backend, tenant):
    """Each batch with a customer the import created earlier read every row the import had
    created so far: 20 ms a batch at 100,000 rows, in the batch's lock, growing with it."""
    ids = [uuid.uuid4() for _ in range(3)]
    plans = _plans(backend, tenant, lambda s: repository.created_rows(s, tenant.id, ids[0], ids))
    assert all(BY_CUSTOMER in p for p in plans), plans


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
def test_a_revert_weighs_another_imports_writes_by_customer(backend, tenant):
    pairs = [(str(uuid.uuid4()), uuid.uuid4()) for _ in range(2)]
    plans = _plans(backend, tenant, lambda s: rr.fully_reverted(s, tenant.id, pairs))
    assert all(BY_CUSTOMER in p for p in plans), plans
