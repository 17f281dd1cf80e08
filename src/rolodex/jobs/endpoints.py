"""Job monitor: list jobs by state (dead letters), read one, retry one."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from rolodex.auth.dependencies import require
from rolodex.auth.roles import Permission, Principal
from rolodex.errors import NotFound, field_error
from rolodex.jobs import queue, service
from rolodex.jobs.registry import registry
from rolodex.jobs.schemas import JobCounts, JobList, JobOut
from rolodex.kit import keyset, pagination, query_params
from rolodex.models import Job
from rolodex.models.jobs import JOB_STATES

router = APIRouter(prefix="/v1/jobs", tags=["jobs"])

LIST_PARAMS = ("state", "kind", "limit", "cursor")


def to_out(job: Job, default_max_attempts: int) -> JobOut:
    kind = registry.get(job.kind)
    limit = job.max_attempts or (kind.max_attempts if kind else None) or default_max_attempts
    return JobOut(
        id=job.id,
        kind=job.kind,
        state=job.state,
        payload=job.payload or {},
        attempts=job.attempts,
        max_attempts=limit,
        run_at=job.run_at,
        locked_until=job.locked_until,
        locked_by=job.locked_by,
        last_error=job.last_error,
        created_at=job.created_at,
        updated_at=job.updated_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
    )


def _split(values: list[str] | None) -> list[str]:
    return [v.strip() for item in values or [] for v in item.split(",") if v.strip()]


@router.get("", response_model=JobList)
def list_jobs(
    request: Request,
    principal: Principal = Depends(require(Permission.READ)),
    state: Annotated[list[str] | None, Query()] = None,
    kind: Annotated[list[str] | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> JobList:
    """Jobs of the tenant, newest first; `?state=dead` lists the dead letters."""
    query_params.only_own(request.query_params.keys(), LIST_PARAMS, "the list of jobs")
    states = _split(state)
    for s in states:
        if s not in JOB_STATES:
            raise field_error("state", f"one of {', '.join(JOB_STATES)}", s)
    keys = pagination.parse_sort("-created_at", {"created_at": Job.created_at}, Job.id)
    default = request.app.state.settings.job_max_attempts
    with request.app.state.db.session(principal.tenant_id, write=False) as session:
        stmt = queue.list_query(principal.tenant_id, states, _split(kind))
        items, next_cursor = keyset.page(session, stmt, keys, cursor, limit)
        return JobList(items=[to_out(j, default) for j in items], next_cursor=next_cursor)


@router.get("/counts", response_model=JobCounts)
def job_counts(
    request: Request, principal: Principal = Depends(require(Permission.READ))
) -> JobCounts:
    """How many jobs are in each state."""
    with request.app.state.db.session(principal.tenant_id, write=False) as session:
        return JobCounts(**queue.counts(session, principal.tenant_id))


@router.get("/{job_id}", response_model=JobOut)
def get_job(
    request: Request, job_id: uuid.UUID, principal: Principal = Depends(require(Permission.READ))
) -> JobOut:
    """Read one job, with its last error."""
    with request.app.state.db.session(principal.tenant_id, write=False) as session:
        job = queue.get(session, principal.tenant_id, job_id)
        if job is None:
            raise NotFound(f"no job {job_id}")
        return to_out(job, request.app.state.settings.job_max_attempts)


@router.post("/{job_id}/retry", response_model=JobOut)
def retry_job(
    request: Request, job_id: uuid.UUID, principal: Principal = Depends(require(Permission.WRITE))
) -> JobOut:
    """Run a dead (or waiting) job again now, with a fresh count of tries."""
    with request.app.state.db.session(principal.tenant_id) as session:
        job = service.retry(session, principal.tenant_id, job_id)
        out = to_out(job, request.app.state.settings.job_max_attempts)
    wake = getattr(request.app.state, "job_wakeup", None)
    if wake is not None:
        wake.set()
    return out
