"""Customer pages: list with search, filters, sort and pagination; detail with inline edits."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from rolodex.auth.roles import Permission
from rolodex.customers import service
from rolodex.customers.schemas import CustomerUpdate
from rolodex.errors import RolodexError
from rolodex.web import customer_tabs, listing, nav
from rolodex.web.session import check_csrf, current_user, render, require_permission

router = APIRouter(prefix="/customers", include_in_schema=False)
nav.add("Customers", "/customers", order=10)

STAGES = ["prospect", "lead_qualified", "customer", "churned", "lead_exhausted"]
STATUSES = ["active", "inactive", "vip", "blocked", "pending"]


@router.get("")
def customer_list(
    request: Request,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
    limit: Annotated[int, Query(ge=10, le=200)] = 50,
) -> Any:
    """Search, filters, sort and pages: the same search service as GET /v1/customers."""
    user = current_user(request)
    require_permission(user, Permission.READ)
    with request.app.state.db.session(user.tenant_id, write=False) as session:
        page = listing.load(session, user.principal, request, limit, cursor)
        offer = listing.choices(session, user.principal)
    template = (
        "customers/_rows.html" if request.headers.get("hx-request") else "customers/list.html"
    )
    return render(
        request,
        template,
        page=page,
        items=page.items,
        next_cursor=page.next_cursor,
        params=page.params,
        error=page.error,
        link=lambda **changes: listing.link(page.params, **changes),
        limit=limit,
        **offer,
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
def customer_detail(
    request: Request,
    customer_id: uuid.UUID,
    tab: Annotated[str | None, Query(max_length=20)] = None,
) -> Any:
    """Header, metrics, tabs and sidebar (web.customer_tabs builds it)."""
    return customer_tabs.detail_page(request, customer_id, tab)


def _unchanged_notes_left_out(
    request: Request, tenant_id: uuid.UUID, customer_id: uuid.UUID, changes: dict[str, Any]
) -> None:
    """The notes form sends both notes as the autosave fires on either: the one not edited
    is left out. A merge's notes may be longer than one edit gives (both appended), and
    sent back unchanged they refused every edit of the other ("at most 20000 characters")."""
    if "notes" not in changes and "internal_notes" not in changes:
        return
    with request.app.state.db.session(tenant_id, write=False) as session:
        stored = service.get_customer(session, tenant_id, customer_id)
        for name in ("notes", "internal_notes"):
            if name in changes and changes[name] == ((getattr(stored, name) or "").strip() or None):
                del changes[name]


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
        _unchanged_notes_left_out(request, user.tenant_id, customer_id, changes)
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
