"""An import's progress figures on SQLite and PostgreSQL as a client polls them: at the start,
halfway and at the end, rate and ETA are numbers a progress bar can show (never negative)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import update

from rolodex.kit.time import utcnow
from rolodex.models import ImportRun
from tests.imports.helpers import csv_text, drain, status
from tests.imports.test_runs import crash_after, start

# 12 rows of 16 KB: rows are read well behind the end of the file (read 64 KB at a time)
FILE = csv_text(
    [
        ["email", "first_name", "notes"],
        *[[f"p{i}@example.com", f"P{i}", "n" * 16_000] for i in range(12)],
    ]
)


def _halfway(tenant: Any) -> str:
    """An import its runner left running after 4 of 12 rows (as a dead worker does)."""
    run_id = start(tenant, FILE)
    crash_after(tenant, run_id, 4)
    return run_id


def test_rate_and_eta_at_the_start_halfway_and_at_the_end(tenant):
    run_id = start(tenant, FILE)
    queued = status(tenant, run_id)["progress"]
    assert (queued["percent"], queued["rows_per_second"], queued["eta_seconds"]) == (0, None, None)
    assert queued["elapsed_seconds"] is None
    drain(tenant)
    done = status(tenant, run_id)["progress"]
    assert (done["percent"], done["eta_seconds"]) == (100.0, None)
    assert done["rows_per_second"] > 0
    assert done["elapsed_seconds"] >= 0

    halfway = status(tenant, _halfway(tenant))["progress"]
    assert 0 < halfway["percent"] < 100
    assert halfway["rows_per_second"] > 0
    assert halfway["eta_seconds"] is not None
    assert halfway["eta_seconds"] >= 0
    assert halfway["elapsed_seconds"] >= 0


def test_a_worker_clock_ahead_of_the_api_gives_no_negative_elapsed_time_or_eta(tenant, backend):
    """A worker on another machine whose clock is a few seconds ahead stamps started_at in
    the API's future; the API read a negative elapsed time and ETA from it."""
    run_id = _halfway(tenant)
    with backend.db.session(tenant.id) as s:
        s.execute(update(ImportRun).values(started_at=utcnow() + timedelta(seconds=30)))
    progress = status(tenant, run_id)["progress"]
    assert 0 < progress["percent"] < 100
    assert progress["elapsed_seconds"] == 0
    assert progress["eta_seconds"] is None  # no time has passed to tell the rate by
    assert progress["rows_per_second"] is None


def test_a_small_file_still_running_is_not_shown_finished(tenant):
    """A file under 64 KB is read whole at once: its runner, left running after 2 of 3 rows,
    had read every byte, and the progress said 100% with an ETA of none while rows waited."""
    small = csv_text([["email"], *[[f"s{i}@example.com"] for i in range(3)]])
    run_id = start(tenant, small)
    crash_after(tenant, run_id, 2)
    body = status(tenant, run_id)
    assert body["state"] == "running"
    progress = body["progress"]
    assert progress["bytes_read"] == progress["size_bytes"]
    assert 0 < progress["percent"] < 100
    assert progress["eta_seconds"] is not None
    assert progress["eta_seconds"] >= 0
