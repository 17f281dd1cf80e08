"""An import whose runner died mid-way (a worker killed), on SQLite and PostgreSQL: once its
lease has run out and until a worker takes it over, its record, its dashboard panel and
`rolodex imports list` say it makes no progress, since when and what it waits for; it read
as running with an ETA that only grew."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import select, update

from rolodex.imports import runner
from rolodex.models import ImportRun
from tests.conftest import TenantCtx
from tests.imports.helpers import csv_text, drain, status
from tests.imports.test_runs import crash_after, start
from tests.web.helpers import assert_page, signed_in

FILE = csv_text([["email"], *[[f"p{i}@example.com"] for i in range(12)]])
WAITS = "it resumes when a worker picks it up (is a worker running?)"


def _lease_ran_out(tenant: TenantCtx, run_id: str) -> datetime:
    """Move the dead runner's last batch (and so its lease) into the past, as the minutes
    after a crash do; returns the time of that batch."""
    db = tenant.client.app.state.db  # type: ignore[attr-defined]
    with db.session(tenant.id) as session:
        key = (ImportRun.tenant_id == tenant.id, ImportRun.id == uuid.UUID(run_id))
        lease = session.scalar(select(ImportRun.lease_until).where(*key))
        assert lease is not None
        moved = lease - timedelta(minutes=7)
        session.execute(update(ImportRun).where(*key).values(lease_until=moved))
    return moved - timedelta(seconds=runner.LEASE_SECONDS)


def test_an_import_whose_runner_died_says_since_when_it_waits_for_a_worker(cli, tenant, backend):
    run_id = start(tenant, FILE)
    crash_after(tenant, run_id, 4)
    held = status(tenant, run_id)  # the dead runner's lease still holds: it may yet go on
    assert (held["state"], held["stalled_since"]) == ("running", None)
    assert held["progress"]["eta_seconds"] is not None
    last_batch = _lease_ran_out(tenant, run_id)

    body = status(tenant, run_id)
    assert (body["state"], body["progress"]["rows_read"]) == ("running", 4)
    assert datetime.fromisoformat(body["stalled_since"]) == last_batch
    assert body["progress"]["eta_seconds"] is None  # no ETA that only grows
    said = f"No progress since {last_batch:%H:%M} UTC; {WAITS}"
    signed_in(tenant)
    panel = assert_page(tenant.client.get(f"/imports/{run_id}/progress"))
    assert said in panel
    assert "s left" not in panel
    listed = cli("imports", "list", "--tenant", tenant.slug)
    assert listed.exit_code == 0, listed.output
    assert listed.output.splitlines()[1].strip() == said

    drain(tenant)  # a worker takes it over and finishes it
    done = status(tenant, run_id)
    assert (done["state"], done["stalled_since"], done["progress"]["rows_read"]) == (
        "done", None, 12,
    )  # fmt: skip
    assert WAITS not in assert_page(tenant.client.get(f"/imports/{run_id}/progress"))
    assert WAITS not in cli("imports", "list", "--tenant", tenant.slug).output


def test_an_import_no_worker_starts_says_since_when_it_waits(cli, tenant, backend):
    """No worker running (a server started with --no-worker and none beside it): the import
    read "Waiting to start" without end."""
    run_id = start(tenant, FILE)
    fresh = status(tenant, run_id)  # a worker starts one within a second: nothing to say yet
    assert (fresh["state"], fresh["stalled_since"]) == ("queued", None)
    db = tenant.client.app.state.db  # type: ignore[attr-defined]
    with db.session(tenant.id) as session:
        key = (ImportRun.tenant_id == tenant.id, ImportRun.id == uuid.UUID(run_id))
        queued = session.scalar(select(ImportRun.created_at).where(*key))
        assert queued is not None
        queued -= timedelta(minutes=3)
        session.execute(update(ImportRun).where(*key).values(created_at=queued))

    body = status(tenant, run_id)
    assert body["state"] == "queued"
    assert datetime.fromisoformat(body["stalled_since"]) == queued
    said = f"Waiting since {queued:%H:%M} UTC for a worker to start it (is a worker running?"
    signed_in(tenant)
    assert said in assert_page(tenant.client.get(f"/imports/{run_id}/progress"))
    listed = cli("imports", "list", "--tenant", tenant.slug)
    assert listed.exit_code == 0, listed.output
    assert said in listed.output.splitlines()[1]

    drain(tenant)  # a worker comes and imports it
    done = status(tenant, run_id)
    assert (done["state"], done["stalled_since"], done["progress"]["rows_read"]) == (
        "done", None, 12,
    )  # fmt: skip
    assert "Waiting since" not in assert_page(tenant.client.get(f"/imports/{run_id}/progress"))
