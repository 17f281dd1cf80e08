"""Ingestion monitor: webhook sources, recent webhooks, jobs by state, dead letters with
their error and a retry button."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse

from rolodex.auth.roles import Permission
from rolodex.errors import RolodexError, field_error
from rolodex.ingest import repository as ingest
from rolodex.jobs import queue
from rolodex.jobs import service as jobs
from rolodex.kit import keyset, pagination
from rolodex.models import InboxItem, Job, Tenant
from rolodex.models.jobs import JOB_STATES
from rolodex.ratelimit import limiter_for
from rolodex.web import nav
from rolodex.web.errors import readable
from rolodex.web.session import check_csrf, current_user, flash, render, require_permission

router = APIRouter(prefix="/ingestion", include_in_schema=False)
nav.add("Ingestion", "/ingestion", order=50)

PAGE = 25


def _jobs(session: Any, tenant_id: uuid.UUID, state: str, cursor: str | None) -> Any:
    keys = pagination.parse_sort("-created_at", {"created_at": Job.created_at}, Job.id)
    return keyset.page(session, queue.list_query(tenant_id, [state], []), keys, cursor, PAGE)


@router.get("")
def monitor(
    request: Request,
    state: Annotated[str, Query(max_length=16)] = "dead",
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> Any:
    user = current_user(request)
    require_permission(user, Permission.READ)
    if state not in JOB_STATES:
        raise field_error("state", f"one of {', '.join(JOB_STATES)}", state)
    tid = user.tenant_id
    limiter = limiter_for(request.app)
    with request.app.state.db.session(tid, write=False) as session:
        counts = queue.counts(session, tid)
        job_rows, next_cursor = _jobs(session, tid, state, cursor)
        keys = pagination.parse_sort(
            "-received_at", {"received_at": InboxItem.received_at}, InboxItem.id
        )
        inbox, _ = keyset.page(session, ingest.inbox_query(tid, None), keys, None, PAGE)
        states = ingest.job_states(session, tid, [i.job_id for i in inbox if i.job_id])
        webhooks = [
            {
                "item": i,
                "state": states.get(i.job_id, (None, None))[0] if i.job_id else None,
                "error": states.get(i.job_id, (None, None))[1] if i.job_id else None,
                "size": len(i.body or b""),
            }
            for i in inbox
        ]
        sources = []
        if user.can(Permission.ADMIN):
            tenant = session.get(Tenant, tid)
            slug = tenant.slug if tenant else str(tid)
            sources = [
                {
                    "source": s,
                    "path": f"/v1/hooks/{slug}/{s.provider}",
                    "rejected": limiter.rejected(str(tid), s.provider),
                }
                for s in ingest.sources(session, tid)
            ]
        topics = _topics(session, tid, job_rows)
    return render(
        request,
        "ingestion/index.html",
        counts={s: counts.get(s, 0) for s in JOB_STATES},
        state=state,
        jobs=job_rows,
        topics=topics,
        next_cursor=next_cursor,
        webhooks=webhooks,
        sources=sources,
    )


def _topics(session: Any, tenant_id: uuid.UUID, rows: list[Job]) -> dict[uuid.UUID, str]:
    """What each webhook job was about (its inbox item's provider and topic)."""
    out: dict[uuid.UUID, str] = {}
    for job in rows:
        inbox_id = (job.payload or {}).get("inbox_id")
        if not inbox_id:
            continue
        try:
            item = ingest.inbox_item(session, tenant_id, uuid.UUID(str(inbox_id)))
        except ValueError:
            continue
        if item is not None:
            out[job.id] = f"{item.provider} {item.topic}"
    return out


@router.post("/jobs/{job_id}/retry")
def retry(
    request: Request,
    job_id: uuid.UUID,
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    back: Annotated[str, Form(max_length=200)] = "/ingestion",
) -> Any:
    """Run a dead (or waiting) job again now with a fresh count of tries."""
    user = current_user(request)
    check_csrf(request, csrf_token)
    require_permission(user, Permission.WRITE)
    try:
        with request.app.state.db.session(user.tenant_id) as session:
            job = jobs.retry(session, user.tenant_id, job_id)
            kind = job.kind
    except RolodexError as exc:
        flash(request, f"The job was not retried. {readable(exc)}", "error")
    else:
        wake = getattr(request.app.state, "job_wakeup", None)
        if wake is not None:
            wake.set()
        flash(request, f"Queued again: the {kind} job runs in a moment.")
    return RedirectResponse(back if back.startswith("/") else "/ingestion", status_code=303)
