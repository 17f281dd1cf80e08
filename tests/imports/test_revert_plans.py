"""A revert marks each customer's rows of the import through the index of their customer
(ix_import_rows_target)."""

from __future__ import annotations

import uuid

import pytest

from rolodex.imports.revert_repository import MARK
from tests.plans import explain


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
    assert "USING INDEX ix_import_rows_target (tenant_id=? AND import_id=? AND target_id=?)" in plan
