"""rolodex worker / rolodex jobs list|retry."""

from __future__ import annotations

import signal
import threading
from datetime import timedelta
from types import FrameType

import typer
from sqlalchemy import select

from rolodex.cli.context import (
    console,
    database,
    err_console,
    handled,
    id_argument,
    resolve_tenant,
)
from rolodex.errors import NotFound

jobs_app = typer.Typer(help="Background jobs: dead letters and retries.", no_args_is_help=True)


def worker(
    concurrency: int = typer.Option(
        1, "--concurrency", "-c", min=1, max=64, help="Worker threads in this process."
    ),
    batch: int = typer.Option(50, "--batch", min=1, max=1000, help="Jobs claimed at a time."),
    poll: float = typer.Option(0.5, "--poll", min=0.01, help="Seconds between polls when idle."),
    once: bool = typer.Option(False, "--once", help="Run what is due, then exit."),
) -> None:
    """Run jobs (webhooks to apply, imports, scans...) until stopped (SIGTERM or Ctrl-C)."""
    from rolodex.jobs.worker import Worker, run_workers
    from rolodex.kit import runtime

    runtime.tune_gc()
    db = database()
    if once:
        stats = Worker(db, batch=batch).drain()
        console.print(
            f"done {stats.done}, retried {stats.retried}, dead {stats.dead}, lost {stats.lost}"
        )
        return
    stop = threading.Event()

    def _stop(signum: int, _frame: FrameType | None) -> None:
        err_console.print(f"signal {signum}: finishing the jobs in hand, then stopping")
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    console.print(f"worker running ({concurrency} thread(s)); stop with Ctrl-C", highlight=False)
    run_workers(db, concurrency, stop, batch=batch, poll_interval=poll)
    db.dispose()


@jobs_app.command("list")
def list_jobs(
    tenant: str = typer.Option(..., "--tenant", help="Tenant slug or id."),
    state: str | None = typer.Option(None, "--state", help="queued, running, done or dead."),
    limit: int = typer.Option(50, "--limit", min=1, max=1000),
) -> None:
    """List a tenant's jobs, newest first (--state dead for the dead letters)."""
    from rolodex.jobs import queue
    from rolodex.models import Job

    db = database()
    with handled():
        t = resolve_tenant(db, tenant)
        with db.session(t.id, write=False) as session:
            stmt = queue.list_query(t.id, [state] if state else [], [])
            rows = list(session.scalars(stmt.order_by(Job.created_at.desc()).limit(limit)))
            for job in rows:
                error = f"  {job.last_error.splitlines()[0][:120]}" if job.last_error else ""
                console.print(
                    f"{job.id}  {job.state:<7} {job.kind:<20} tries {job.attempts}{error}",
                    highlight=False,
                )
            if not rows:
                console.print("no jobs", style="dim")


@jobs_app.command("retry")
def retry_job(
    job_id: str = typer.Argument(..., help="The job's id."),
    tenant: str | None = typer.Option(None, "--tenant", help="Tenant slug or id (optional)."),
) -> None:
    """Run a dead job again now, with a fresh count of tries."""
    from rolodex.jobs import queue, service

    db = database()
    with handled():
        jid = id_argument(job_id, "JOB_ID", "a job id", "rolodex jobs list")
        if tenant:
            tid = resolve_tenant(db, tenant).id
        else:
            with db.session(write=False) as session:
                found = queue.tenant_of(session, jid)
            if found is None:
                raise NotFound(f"no job {job_id}")
            tid = found
        with db.session(tid) as session:
            job = service.retry(session, tid, jid)
            console.print(f"job {job.id} ({job.kind}) queued again", highlight=False)


def _age(text: str) -> timedelta:
    """``30d``, ``12h``, ``90m`` or a number of days."""
    text = text.strip().lower()
    units = {"d": "days", "h": "hours", "m": "minutes"}
    try:
        if text and text[-1] in units:
            return timedelta(**{units[text[-1]]: float(text[:-1])})
        return timedelta(days=float(text))
    except ValueError as exc:
        raise typer.BadParameter(f"{text!r}: use e.g. 30d, 72h") from exc


@jobs_app.command("purge")
def purge_jobs(
    older_than: str = typer.Option("30d", "--older-than", help="Age: 30d, 72h... (at least 3d)."),
    tenant: str | None = typer.Option(None, "--tenant", help="Tenant slug or id (default: all)."),
) -> None:
    """Delete jobs finished (done) longer ago than --older-than, with the webhooks they applied.
    Dead and waiting jobs, and their webhooks, are kept."""
    from rolodex.jobs import service
    from rolodex.kit.time import utcnow
    from rolodex.models import Tenant

    age = _age(older_than)
    db = database()
    with handled():
        if tenant:
            ids = [resolve_tenant(db, tenant).id]
        else:
            with db.session(write=False) as session:
                ids = list(session.scalars(select(Tenant.id).order_by(Tenant.created_at)))
        before = utcnow() - age
        jobs = inbox = 0
        for tid in ids:
            with db.session(tid) as session:
                done = service.purge(session, tid, before)
            jobs, inbox = jobs + done.jobs, inbox + done.inbox
        console.print(
            f"purged {jobs} finished jobs and {inbox} webhooks older than {older_than}",
            highlight=False,
        )
