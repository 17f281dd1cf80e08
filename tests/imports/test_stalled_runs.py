"""An import whose runner died mid-way (a worker killed), on SQLite and PostgreSQL: once its
lease has run out and until a worker takes it over, its record, its dashboard panel and
`rolodex imports list` say it makes no progress, since when and what it waits for; it read
as running with an ETA that only grew."""

from __future__ import annotations

import html
import uuid
from datetime import datetime, timedelta

from sqlalchemy import select, update

from rolodex.imports import runner
from rolodex.models import ImportRun, Job
from tests.conftest import TenantCtx
from tests.imports.helpers import csv_text, drain, status
from tests.imports.test_runs import _max_attempts, crash_after, start
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


GAVE_UP = "job gave up after its last try"


def _the_job(tenant: TenantCtx) -> str:
    db = tenant.client.app.state.db  # type: ignore[attr-defined]
    with db.session(tenant.id) as session:
        (job,) = session.scalars(select(Job).where(Job.tenant_id == tenant.id)).all()
        return str(job.id)


def _job_set(tenant: TenantCtx, job_id: str, **values: object) -> None:
    db = tenant.client.app.state.db  # type: ignore[attr-defined]
    with db.session(tenant.id) as session:
        session.execute(update(Job).where(Job.id == uuid.UUID(job_id)).values(**values))


def test_an_import_whose_job_gave_up_names_it_and_is_retried_from_its_panel(
    cli, tenant, backend, monkeypatch
):
    """The job of an import failed on every try and gave up (dead): the import stayed
    running, its panel said only "retry it in the job monitor", and nothing named the job.
    Its record names the job, its panel offers to retry it there, `rolodex imports list`
    says how; retried, it goes on from its last batch."""
    from rolodex.imports import writes

    run_id = start(tenant, FILE)
    job_id = _the_job(tenant)
    store = writes.store

    def full_disk(batch: object, columns: object) -> object:
        raise OSError("the disk is full")

    monkeypatch.setattr(writes, "store", full_disk)
    _job_set(tenant, job_id, attempts=_max_attempts("import.run") - 1)
    drain(tenant)
    body = status(tenant, run_id)
    assert (body["state"], body["gave_up_job_id"]) == ("running", job_id)
    csrf = signed_in(tenant)
    panel = assert_page(tenant.client.get(f"/imports/{run_id}/progress"))
    assert GAVE_UP in panel
    assert f'action="/ingestion/jobs/{job_id}/retry"' in panel
    assert f'name="back" value="/imports/{run_id}"' in panel
    listed = cli("imports", "list", "--tenant", tenant.slug)
    assert f"rolodex jobs retry {job_id}" in listed.output.splitlines()[1]

    monkeypatch.setattr(writes, "store", store)  # the disk has room again
    retried = tenant.client.post(
        f"/ingestion/jobs/{job_id}/retry",
        data={"csrf_token": csrf, "back": f"/imports/{run_id}"},
        follow_redirects=False,
    )
    assert (retried.status_code, retried.headers["location"]) == (303, f"/imports/{run_id}")
    assert status(tenant, run_id)["gave_up_job_id"] is None  # queued again
    drain(tenant)
    done = status(tenant, run_id)
    assert (done["state"], done["gave_up_job_id"], done["progress"]["created"]) == (
        "done", None, 12,
    )  # fmt: skip
    assert GAVE_UP not in assert_page(tenant.client.get(f"/imports/{run_id}/progress"))
    assert "rolodex jobs retry" not in cli("imports", "list", "--tenant", tenant.slug).output


def test_an_import_whose_job_was_buried_for_losing_its_lease_does_not_wait_for_a_worker(
    cli, tenant, backend
):
    """A job whose workers died under it again and again is buried by the worker ("gave up
    after 20 tries (last worker lost its lease)"): no worker takes its import over, which
    said "it resumes when a worker picks it up"."""
    run_id = start(tenant, FILE)
    job_id = _the_job(tenant)
    crash_after(tenant, run_id, 4)
    _lease_ran_out(tenant, run_id)
    _job_set(tenant, job_id, state="dead", last_error="gave up after 20 tries")
    body = status(tenant, run_id)
    assert (body["state"], body["gave_up_job_id"]) == ("running", job_id)
    signed_in(tenant)
    panel = assert_page(tenant.client.get(f"/imports/{run_id}/progress"))
    assert GAVE_UP in panel
    assert WAITS not in panel
    listed = cli("imports", "list", "--tenant", tenant.slug).output
    assert f"rolodex jobs retry {job_id}" in listed
    assert WAITS not in listed
    (item,) = tenant.client.get("/v1/imports", headers=tenant.headers()).json()["items"]
    assert item["gave_up_job_id"] == job_id


def test_a_revert_whose_job_gave_up_is_retried_from_the_import_panel(cli, tenant, backend):
    run_id = start(tenant, FILE)
    drain(tenant)
    h = tenant.headers()
    assert tenant.client.post(f"/v1/imports/{run_id}/revert", headers=h).status_code == 202
    db = tenant.client.app.state.db  # type: ignore[attr-defined]
    with db.session(tenant.id) as session:
        (job_id,) = session.scalars(
            select(Job.id).where(Job.tenant_id == tenant.id, Job.kind == "import.revert")
        ).all()
    _job_set(tenant, str(job_id), state="dead")
    body = status(tenant, run_id)
    assert (body["revert"]["state"], body["gave_up_job_id"]) == ("queued", str(job_id))
    csrf = signed_in(tenant)
    panel = assert_page(tenant.client.get(f"/imports/{run_id}/progress"))
    assert "Its revert's job gave up" in html.unescape(panel)
    assert "Retry the revert" in panel
    assert "its revert job gave up" in cli("imports", "list", "--tenant", tenant.slug).output
    retried = tenant.client.post(
        f"/ingestion/jobs/{job_id}/retry", data={"csrf_token": csrf, "back": f"/imports/{run_id}"}
    )
    assert retried.status_code == 200  # followed to the import's page
    drain(tenant)
    done = status(tenant, run_id)
    assert (done["revert"]["state"], done["gave_up_job_id"]) == ("done", None)
