"""Audit log page: every change, newest first, with filters; the hash chain check on demand."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request

from rolodex.audit import repository, service
from rolodex.audit.schemas import AuditEntryOut
from rolodex.auth.roles import Permission
from rolodex.errors import field_error
from rolodex.kit import keyset, pagination
from rolodex.models import AuditEntry
from rolodex.web import nav
from rolodex.web.session import current_user, render, require_permission

router = APIRouter(prefix="/audit", include_in_schema=False)
nav.add("Audit", "/audit", order=60)

PAGE = 50
ACTIONS = ["create", "update", "transition", "order", "delete", "restore", "merge", "unmerge",
           "erase", "export", "import"]  # fmt: skip
ACTOR_TYPES = ["user", "api_key", "webhook", "system"]


def _day(value: str | None, name: str, end: bool = False) -> datetime | None:
    if not value:
        return None
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError as exc:
        raise field_error(name, "a date such as 2025-01-31", value) from exc
    moment = datetime.combine(day, time.min, tzinfo=UTC)
    return moment + timedelta(days=1) if end else moment  # "until" includes that day


def _customer(value: str | None) -> uuid.UUID | None:
    if not value:
        return None
    try:
        return uuid.UUID(value.strip())
    except ValueError as exc:
        raise field_error("customer", "a customer id (from its page address)", value) from exc


@router.get("")
def audit_page(
    request: Request,
    action: Annotated[str | None, Query(max_length=32)] = None,
    actor_type: Annotated[str | None, Query(max_length=16)] = None,
    customer: Annotated[str | None, Query(max_length=64)] = None,
    since: Annotated[str | None, Query(max_length=10)] = None,
    until: Annotated[str | None, Query(max_length=10)] = None,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> Any:
    user = current_user(request)
    require_permission(user, Permission.READ)
    params = {
        "action": action or "",
        "actor_type": actor_type or "",
        "customer": customer or "",
        "since": since or "",
        "until": until or "",
    }
    f = repository.AuditFilter(
        customer_id=_customer(customer),
        actions=[action] if action else [],
        actor_type=actor_type or None,
        since=_day(since, "since"),
        until=_day(until, "until", end=True),
    )
    keys = pagination.parse_sort("-seq", {"seq": AuditEntry.seq}, AuditEntry.seq)
    with request.app.state.db.session(user.tenant_id, write=False) as session:
        stmt = repository.filtered(user.tenant_id, f)
        rows, next_cursor = keyset.page(session, stmt, keys, cursor, PAGE)
        entries = [AuditEntryOut.of(e) for e in rows]
    kept = {k: v for k, v in params.items() if v}
    return render(
        request,
        "audit/index.html",
        entries=entries,
        older=f"/audit?{urlencode({**kept, 'cursor': next_cursor})}" if next_cursor else None,
        params=params,
        actions=ACTIONS,
        actor_types=ACTOR_TYPES,
    )


@router.get("/verify")
def verify(request: Request) -> Any:
    """Walk the tenant's hash chain; the first entry that does not hold is named."""
    user = current_user(request)
    require_permission(user, Permission.READ)
    with request.app.state.db.session(user.tenant_id, write=False) as session:
        result = service.verify(session, user.tenant_id)
    template = "audit/_verify.html" if request.headers.get("hx-request") else "audit/verify.html"
    return render(request, template, result=result)
