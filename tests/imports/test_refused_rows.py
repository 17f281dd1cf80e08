"""Rows the database refuses for a reason no check foresaw (a constraint, a value): they
fail alone, each with the database's reason, and the import stores the others and finishes.
The batch holding them used to fail on every try of the import's job until it gave up, the
import left running after its last good batch (as a source link written twice did, e5785c4)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.exc import DataError, IntegrityError

from rolodex.imports import runner
from tests.conftest import TenantCtx
from tests.imports.helpers import csv_text, customers, errors, reverted, rows, status
from tests.imports.test_runs import run_inline, start

REFUSED = "value refused by the test's database"


def refusing(monkeypatch: pytest.MonkeyPatch, error: type[Exception]) -> None:
    """The database refuses any batch holding a row of company "Refused", after the batch's
    writes were sent (so that taking them back is part of what is tested)."""
    real = runner.writes.store

    def store(batch: Any, columns: dict[str, str]) -> Any:
        counts = real(batch, columns)
        batch.session.flush()
        if any(o.prep and o.prep.data.company == "Refused" for o in batch.outcomes):
            raise error("INSERT INTO customers ...", {}, Exception(f"{REFUSED}\nDETAIL: x"))
        return counts

    monkeypatch.setattr(runner.writes, "store", store)


def table() -> str:
    people = [["email", "first_name", "company"]]
    for n in range(1, 11):
        people.append([f"p{n}@example.com", f"P{n}", "Refused" if n in (4, 8) else "Fine"])
    return csv_text(people)


@pytest.mark.parametrize("error", [IntegrityError, DataError])
@pytest.mark.parametrize("dry_run", [False, True])
def test_rows_the_database_refuses_fail_alone_and_the_import_finishes(
    tenant: TenantCtx, monkeypatch: pytest.MonkeyPatch, error: type[Exception], dry_run: bool
) -> None:
    refusing(monkeypatch, error)
    iid = start(tenant, table(), dry_run="true" if dry_run else "false")
    run_inline(tenant, iid, batch_rows=5)  # rows 1-5 and 6-10, row 4 in one, row 8 in the other

    run = status(tenant, iid)
    assert run["state"] == "done", run
    done = run["progress"]
    assert (done["rows_read"], done["created"], done["failed"]) == (10, 8, 2), run
    report = rows(tenant, iid)
    assert [r["row"] for r in report] == list(range(1, 11))  # each row once, in order
    assert [r["row"] for r in report if r["action"] == "fail"] == [4, 8]
    refused = errors(tenant, iid)
    assert [e["row"] for e in refused] == [4, 8]
    for e in refused:
        assert e["reason"] == (
            f"this row could not be stored: the database refused it ({REFUSED})"
        ), e
    stored = sorted(c["email"] for c in customers(tenant))
    if dry_run:
        assert stored == []
        return
    assert stored == sorted(f"p{n}@example.com" for n in range(1, 11) if n not in (4, 8))
    assert reverted(tenant, iid)["reverted"] == 8
    assert customers(tenant) == []


def test_a_refusal_in_a_batch_of_one_row_fails_that_row(
    tenant: TenantCtx, monkeypatch: pytest.MonkeyPatch
) -> None:
    refusing(monkeypatch, IntegrityError)
    iid = start(tenant, table())
    run_inline(tenant, iid, batch_rows=1)
    run = status(tenant, iid)
    assert run["state"] == "done", run
    assert (run["progress"]["created"], run["progress"]["failed"]) == (8, 2), run
