"""The durable job queue: enqueue in the caller's transaction, claim (SKIP LOCKED on
PostgreSQL, one writer at a time on SQLite), finish, fail with backoff, retry by hand.

A claim hands out a lease token. Finishing or failing a job first locks its row and checks the
token: a worker whose lease expired (and whose job another worker took) changes nothing.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Select, Table, and_, bindparam, or_, select, text, tuple_, update
from sqlalchemy.orm import Session

from rolodex.jobs.registry import registry
from rolodex.kit.ids import new_id
from rolodex.kit.time import utcnow
from rolodex.models import Job

MAX_ERROR_CHARS = 4000


@dataclass(frozen=True, slots=True)
class Claimed:
    tenant_id: uuid.UUID
    id: uuid.UUID
    token: uuid.UUID


def enqueue(
    session: Session,
    tenant_id: uuid.UUID,
    kind: str,
    payload: dict[str, Any] | None = None,
    *,
    run_at: datetime | None = None,
    max_attempts: int | None = None,
    lease_seconds: int | None = None,
    job_id: uuid.UUID | None = None,
) -> Job:
    """Add a job in the caller's transaction: it exists once (and only if) the caller commits."""
    known = registry.get(kind)
    if lease_seconds is None and known is not None:
        lease_seconds = known.lease_seconds  # the claim sets the lease before the kind is known
    now = utcnow()
    job = Job(
        tenant_id=tenant_id,
        id=job_id or new_id(),
        kind=kind,
        state="queued",
        payload=payload or {},
        attempts=0,
        max_attempts=max_attempts,
        lease_seconds=lease_seconds,
        run_at=run_at or now,
        created_at=now,
        updated_at=now,
    )
    session.add(job)
    return job


def insert_values(
    tenant_id: uuid.UUID, job_id: uuid.UUID, kind: str, payload: dict[str, Any]
) -> dict[str, Any]:
    """Column values of a new queued job, for callers that insert with Core for speed."""
    now = utcnow()
    known = registry.get(kind)
    return {
        "lease_seconds": known.lease_seconds if known else None,
        "max_attempts": None,
        "tenant_id": tenant_id,
        "id": job_id,
        "kind": kind,
        "state": "queued",
        "payload": payload,
        "attempts": 0,
        "run_at": now,
        "created_at": now,
        "updated_at": now,
    }


def _due(now: datetime) -> Any:
    return or_(
        and_(Job.state == "queued", Job.run_at <= now),
        and_(Job.state == "running", Job.locked_until < now),
    )


def claim(session: Session, worker: str, limit: int, lease_seconds: int) -> list[Claimed]:
    """Take up to ``limit`` due jobs of any tenant (queued and due, or running with an expired
    lease). The caller commits at once, so that the claim is short."""
    if session.get_bind().dialect.name == "postgresql":
        rows = session.execute(
            text("SELECT tenant_id, id, lease_token FROM rolodex_claim_jobs(:w, :n, :lease)"),
            {"w": worker, "n": limit, "lease": lease_seconds},
        ).all()
        return [Claimed(r[0], r[1], r[2]) for r in rows]
    # SQLite: the session began with BEGIN IMMEDIATE, so no other writer runs meanwhile.
    now = utcnow()
    token = uuid.uuid4()
    due = select(Job.tenant_id, Job.id).where(_due(now)).order_by(Job.run_at).limit(limit)
    rows = session.execute(
        update(Job)
        .where(tuple_(Job.tenant_id, Job.id).in_(due))
        .values(
            state="running",
            attempts=Job.attempts + 1,
            locked_by=worker,
            lease_token=token,
            locked_until=now + timedelta(seconds=lease_seconds),
            started_at=now,
            updated_at=now,
        )
        .returning(Job.tenant_id, Job.id, Job.lease_token, Job.lease_seconds)
        .execution_options(synchronize_session=False)
    ).all()
    claimed = [Claimed(r[0], r[1], token) for r in rows]
    custom = [(r[0], r[1], r[3]) for r in rows if r[3] is not None]
    for tenant_id, job_id, seconds in custom:  # a job with its own lease length
        session.execute(
            update(Job)
            .where(Job.tenant_id == tenant_id, Job.id == job_id)
            .values(locked_until=now + timedelta(seconds=seconds))
            .execution_options(synchronize_session=False)
        )
    return claimed


def lock_claimed(session: Session, claimed: Claimed) -> Job | None:
    """The job, locked, if this claim still holds it (same lease token, still running)."""
    job = session.scalars(
        select(Job)
        .where(Job.tenant_id == claimed.tenant_id, Job.id == claimed.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()
    if job is None or job.state != "running" or job.lease_token != claimed.token:
        return None
    return job


def lock_claimed_many(
    session: Session, tenant_id: uuid.UUID, claimed: list[Claimed]
) -> dict[uuid.UUID, Job]:
    """The jobs (of one tenant), locked, that these claims still hold, by id."""
    if not claimed:
        return {}
    tokens = {c.id: c.token for c in claimed}
    rows = session.scalars(
        select(Job)
        .where(Job.tenant_id == tenant_id, Job.id.in_(list(tokens)))
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {j.id: j for j in rows if j.state == "running" and j.lease_token == tokens[j.id]}


def complete(job: Job) -> None:
    now = utcnow()
    job.state, job.finished_at, job.updated_at = "done", now, now
    job.locked_until = job.lease_token = None


def complete_many(session: Session, jobs: list[Job]) -> None:
    """``complete`` for many jobs in one statement (their objects are left as they were)."""
    if not jobs:
        return
    now = utcnow()
    table = cast(Table, Job.__table__)
    c = table.c
    stmt = (
        update(table)
        .where(c.tenant_id == bindparam("_t"), c.id == bindparam("_id"))
        .values(state="done", finished_at=now, updated_at=now, locked_until=None, lease_token=None)
    )
    session.execute(stmt, [{"_t": job.tenant_id, "_id": job.id} for job in jobs])


def reschedule(job: Job, error: str, delay_seconds: float) -> None:
    now = utcnow()
    job.state, job.updated_at = "queued", now
    job.run_at = now + timedelta(seconds=delay_seconds)
    job.last_error = error[:MAX_ERROR_CHARS]
    job.locked_until = job.lease_token = None


def bury(job: Job, error: str) -> None:
    """Dead letter: kept with its error until someone retries it."""
    now = utcnow()
    job.state, job.finished_at, job.updated_at = "dead", now, now
    job.last_error = error[:MAX_ERROR_CHARS]
    job.locked_until = job.lease_token = None


def get(session: Session, tenant_id: uuid.UUID, job_id: uuid.UUID) -> Job | None:
    return session.get(Job, (tenant_id, job_id))


def lock(session: Session, tenant_id: uuid.UUID, job_id: uuid.UUID) -> Job | None:
    return session.scalars(
        select(Job)
        .where(Job.tenant_id == tenant_id, Job.id == job_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()


def requeue(job: Job) -> None:
    """Run a dead (or waiting) job again now, with a fresh count of tries."""
    now = utcnow()
    job.state, job.run_at, job.updated_at = "queued", now, now
    job.attempts = 0
    job.finished_at = job.locked_until = job.lease_token = None


def list_query(tenant_id: uuid.UUID, state: list[str], kind: list[str]) -> Select[Any]:
    stmt = select(Job).where(Job.tenant_id == tenant_id)
    if state:
        stmt = stmt.where(Job.state.in_(state))
    if kind:
        stmt = stmt.where(Job.kind.in_(kind))
    return stmt


def tenant_of(session: Session, job_id: uuid.UUID) -> uuid.UUID | None:
    """The tenant of a job, across tenants (operators' CLI; a SECURITY DEFINER function on
    PostgreSQL, where RLS hides other tenants' rows)."""
    if session.get_bind().dialect.name == "postgresql":
        value = session.execute(text("SELECT rolodex_job_tenant(:j)"), {"j": job_id}).scalar()
        return uuid.UUID(str(value)) if value else None
    return session.scalar(select(Job.tenant_id).where(Job.id == job_id))


def counts(session: Session, tenant_id: uuid.UUID) -> dict[str, int]:
    from sqlalchemy import func

    rows = session.execute(
        select(Job.state, func.count()).where(Job.tenant_id == tenant_id).group_by(Job.state)
    ).all()
    return {state: int(n) for state, n in rows}
