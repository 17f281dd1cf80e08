"""Customer pages: list with search, filters, sort and pagination; detail with inline edits."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from rolodex.auth.roles import Permission
from rolodex.customers import repository, service
from rolodex.customers.schemas import CustomerUpdate
from rolodex.errors import RolodexError
from rolodex.kit import pagination
from rolodex.web import nav
from rolodex.web.session import check_csrf, current_user, render, require_permission

router = APIRouter(prefix="/customers", include_in_schema=False)
nav.add("Customers", "/customers", order=10)

COLUMNS = [
    ("full_name", "Name", "last_name"),
    ("email", "Email", "email"),
    ("lifecycle_stage", "Stage", "lifecycle_stage"),
    ("status", "Status", "status"),
    ("ltv", "LTV", "ltv"),
    ("created_at", "Created", "created_at"),
]
STAGES = ["prospect", "lead_qualified", "customer", "churned", "lead_exhausted"]
STATUSES = ["active", "inactive", "vip", "blocked", "pending"]


def _list_filter(
    q: str | None, stage: str | None, status: str | None, tag: str | None
) -> repository.CustomerFilter:
    return repository.CustomerFilter(
        q=q or None,
        stage=[stage] if stage else [],
        status=[status] if status else [],
        tags=[tag] if tag else [],
    )


@router.get("")
def customer_list(
    request: Request,
    q: Annotated[str | None, Query(max_length=200)] = None,
    stage: Annotated[str | None, Query(max_length=40)] = None,
    status: Annotated[str | None, Query(max_length=40)] = None,
    tag: Annotated[str | None, Query(max_length=100)] = None,
    sort: Annotated[str | None, Query(max_length=100)] = None,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
    limit: Annotated[int, Query(ge=10, le=200)] = 50,
) -> Any:
    user = current_user(request)
    error = None
    items: list[Any] = []
    next_cursor = None
    try:
        keys = pagination.parse_sort(sort, repository.SORTABLE, repository.Customer.id)
        values = pagination.decode_cursor(cursor, keys) if cursor else None
        f = _list_filter(q, stage, status, tag)
        with request.app.state.db.session(user.tenant_id, write=False) as session:
            rows, last = repository.page(session, user.tenant_id, f, keys, values, limit)
            items = [service.to_out(c) for c in rows]
            next_cursor = pagination.encode_cursor(keys, last) if last is not None else None
    except RolodexError as exc:
        error = exc.message
    params = {
        "q": q or "",
        "stage": stage or "",
        "status": status or "",
        "tag": tag or "",
        "sort": sort or "-created_at",
    }
    template = (
        "customers/_rows.html" if request.headers.get("hx-request") else "customers/list.html"
    )
    return render(
        request,
        template,
        items=items,
        next_cursor=next_cursor,
        params=params,
        columns=COLUMNS,
        stages=STAGES,
        statuses=STATUSES,
        error=error,
    )


@router.post("/bulk-tag")
def bulk_tag(
    request: Request,
    ids: Annotated[list[str], Form()],
    tag: Annotated[str, Form(min_length=1, max_length=100)],
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    back: Annotated[str, Form(max_length=2000)] = "/customers",
) -> Any:
    user = current_user(request)
    check_csrf(request, csrf_token)
    require_permission(user, Permission.WRITE)
    with request.app.state.db.session(user.tenant_id) as session:
        for raw in ids[:500]:
            try:
                customer_id = uuid.UUID(raw)
            except ValueError:
                continue
            service.update_customer(
                session, user.principal, customer_id, CustomerUpdate(add_tags=[tag])
            )
    return RedirectResponse(back if back.startswith("/") else "/customers", status_code=303)


@router.get("/{customer_id}")
def customer_detail(request: Request, customer_id: uuid.UUID) -> Any:
    user = current_user(request)
    with request.app.state.db.session(user.tenant_id, write=False) as session:
        customer = service.to_out(service.get_customer(session, user.tenant_id, customer_id))
    return render(request, "customers/detail.html", c=customer, stages=STAGES, statuses=STATUSES)


@router.post("/{customer_id}/edit")
async def edit_customer(request: Request, customer_id: uuid.UUID) -> Any:
    """Inline edits: contact fields, notes (autosave), tags, status. Form fields map to PATCH."""
    user = current_user(request)
    form = await request.form()
    check_csrf(request, str(form.get("csrf_token") or ""))
    require_permission(user, Permission.WRITE)
    changes: dict[str, Any] = {}
    for name in (
        "first_name",
        "last_name",
        "email",
        "phone",
        "company",
        "notes",
        "internal_notes",
        "status",
    ):
        if name in form:
            value = str(form[name]).strip()
            changes[name] = value or (None if name != "status" else "active")
    if form.get("add_tag"):
        changes["add_tags"] = [str(form["add_tag"])]
    if form.get("remove_tag"):
        changes["remove_tags"] = [str(form["remove_tag"])]
    error = None
    try:
        data = CustomerUpdate.model_validate(changes)
        with request.app.state.db.session(user.tenant_id) as session:
            service.update_customer(session, user.principal, customer_id, data)
    except ValidationError as exc:
        first = exc.errors()[0]
        error = f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
    except RolodexError as exc:
        error = exc.message
    if request.headers.get("hx-request"):
        with request.app.state.db.session(user.tenant_id, write=False) as session:
            customer = service.to_out(service.get_customer(session, user.tenant_id, customer_id))
        partial = str(form.get("partial") or "customers/_sidebar.html")
        if partial not in ("customers/_sidebar.html", "customers/_notes_status.html"):
            partial = "customers/_sidebar.html"
        return render(
            request,
            partial,
            c=customer,
            error=error,
            stages=STAGES,
            statuses=STATUSES,
            status_code=200 if error is None else 422,
        )
    return RedirectResponse(f"/customers/{customer_id}", status_code=303)
