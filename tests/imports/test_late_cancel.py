"""A cancel asked while the import's last batch is written (SQLite, PostgreSQL): nothing is
left to stop, so the import is done, whole, and says the cancel came too late. It ended
"cancelled" at 99% with every row imported, which reads as an import cut short. A dry run's
said every row was imported (revert to undo): it wrote nothing, and its revert is a 409."""

from __future__ import annotations

from tests.imports.helpers import csv_text, customers, status
from tests.imports.test_runs import run_inline, start

FOUR = csv_text([["email"], *([f"p{i}@example.com"] for i in range(4))])


def _cancel_after(tenant, import_id: str, rows: int):
    def progress(run) -> None:
        if run.rows_read == rows:
            r = tenant.client.post(f"/v1/imports/{import_id}/cancel", headers=tenant.headers())
            assert r.status_code == 200, r.text

    return progress


def test_a_cancel_during_the_last_batch_leaves_the_import_done_and_says_so(tenant):
    import_id = start(tenant, FOUR)
    run_inline(tenant, import_id, batch_rows=2, progress=_cancel_after(tenant, import_id, 4))
    done = status(tenant, import_id)
    assert (done["state"], done["progress"]["created"]) == ("done", 4)
    assert done["progress"]["percent"] == 100.0
    assert any("the cancel came during the last batch" in w for w in done["warnings"])
    assert len(customers(tenant)) == 4


def test_a_cancel_before_the_last_batch_still_stops_it(tenant):
    import_id = start(tenant, FOUR)
    run_inline(tenant, import_id, batch_rows=2, progress=_cancel_after(tenant, import_id, 2))
    stopped = status(tenant, import_id)
    assert (stopped["state"], stopped["progress"]["created"]) == ("cancelled", 2)
    assert len(customers(tenant)) == 2


def test_a_cancel_during_a_dry_runs_last_batch_says_every_row_was_checked(tenant):
    import_id = start(tenant, FOUR, dry_run="true")
    run_inline(tenant, import_id, batch_rows=2, progress=_cancel_after(tenant, import_id, 4))
    done = status(tenant, import_id)
    assert (done["state"], done["dry_run"], done["progress"]["created"]) == ("done", True, 4)
    late = [w for w in done["warnings"] if w.startswith("the cancel came during the last batch")]
    assert late == [
        "the cancel came during the last batch: every row was checked (a dry run writes nothing)"
    ]
    assert customers(tenant) == []
    r = tenant.client.post(f"/v1/imports/{import_id}/revert", headers=tenant.headers())
    assert r.status_code == 409, r.text  # nothing to revert, as the warning says
