"""On SQLite an import's batch holds the one write lock from its lookups to its commit, and
every other write waits for it: at a million customers a batch of 2,000 rows held it 4-5 s,
so a user saving a customer in the dashboard during a big import waited as long (measured
with bench/import_lab.py: writes beside the last 20,000 rows p95 5,050 ms). The batches now
take as many rows as fit in ``runner.LOCK_TARGET`` by what rows cost lately (``Sizer``); on
PostgreSQL a batch locks only its own rows and keeps its size."""

from __future__ import annotations

import pytest

from rolodex.imports import runner
from tests.imports.helpers import csv_text, customers, status
from tests.imports.test_runs import run_inline, start

ROWS = csv_text([["email"], *([f"p{i}@example.com"] for i in range(60))])


def _steps(tenant, monkeypatch, target: float) -> list[int]:
    """The rows of each committed batch of a 60-row import of batches of at most 20."""
    monkeypatch.setattr(runner, "LOCK_TARGET", target)
    monkeypatch.setattr(runner, "MIN_BATCH_ROWS", 3)
    import_id = start(tenant, ROWS)
    done: list[int] = []

    def progress(run) -> None:
        done.append(run.rows_read - sum(done))

    run_inline(tenant, import_id, batch_rows=20, progress=progress)
    finished = status(tenant, import_id)
    assert (finished["state"], finished["progress"]["created"]) == ("done", 60)
    assert len(customers(tenant)) == 60
    return done


def test_batches_that_hold_the_write_lock_too_long_get_fewer_rows(backend, tenant, monkeypatch):
    steps = _steps(tenant, monkeypatch, target=1e-9)  # every batch holds it too long
    if backend.name == "sqlite":
        assert steps[0] == 20  # the first batch knows no cost yet
        assert set(steps[1:-1]) == {3}, steps  # then the fewest rows a batch takes
    else:
        assert steps == [20, 20, 20]


def test_batches_within_the_target_keep_their_size(tenant, monkeypatch):
    assert _steps(tenant, monkeypatch, target=3600.0) == [20, 20, 20]


def test_the_size_follows_a_rows_recent_cost_within_its_bounds():
    sizer = runner.Sizer(2000, adapts=True)
    assert sizer.rows == 2000
    sizer.held(2000, 0.5)  # 0.25 ms a row: 4,000 would fit, capped
    assert sizer.rows == 2000
    sizer.held(2000, 5.0)  # 2.5 ms a row, smoothed with the 0.25 before: 0.925 ms
    assert sizer.rows == int(runner.LOCK_TARGET / (0.7 * 0.00025 + 0.3 * 0.0025))
    for _ in range(30):
        sizer.held(sizer.rows, sizer.rows * 0.0025)
    assert sizer.rows == pytest.approx(runner.LOCK_TARGET / 0.0025, abs=2)
    sizer.held(sizer.rows, 3600.0)  # one batch stalled for an hour: never below the floor
    assert sizer.rows == runner.MIN_BATCH_ROWS
    fixed = runner.Sizer(500, adapts=False)  # PostgreSQL
    fixed.held(500, 60.0)
    assert fixed.rows == 500
