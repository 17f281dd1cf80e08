"""Customer page: metrics, tabs (activity timeline with load-more, orders, notes, audit) and
the segments card. The tabs load with htmx; without JavaScript ``?tab=`` renders them."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse

from rolodex.activities import timeline
from rolodex.analytics import customer_metrics
from rolodex.audit import repository as audit_repository
from rolodex.audit.schemas import AuditEntryOut
from rolodex.auth.roles import Permission
from rolodex.customers import service as customers
from rolodex.errors import NotFound, RolodexError
from rolodex.identity import service as identity
from rolodex.identity.errors import CustomerMerged
from rolodex.kit import keyset, pagination
from rolodex.models import AuditEntry, Order
from rolodex.models.customers import STAGES, STATUSES
from rolodex.orders import repository as orders
from rolodex.orders.schemas import OrderOut
from rolodex.segments import repository as segment_repository
from rolodex.segments import service as segments
from rolodex.segments.schemas import AssignmentIn
from rolodex.web.errors import readable
from rolodex.web.session import WebUser, check_csrf, current_user, render, require_permission

router = APIRouter(prefix="/customers", include_in_schema=False)

TABS = [("timeline", "Activity"), ("orders", "Orders"), ("notes", "Notes"), ("audit", "Audit")]
PAGE = 20


def _tab(name: str | None) -> str:
    return name if name in {t for t, _ in TABS} else "timeline"


def tab_context(session: Any, user: WebUser, customer_id: uuid.UUID, tab: str) -> dict[str, Any]:
    """What the selected tab shows (first page)."""
    if tab == "timeline":
        items, cursor = timeline.timeline(
            session, user.tenant_id, customer_id, types=None, cursor=None, limit=PAGE
        )
        return {"events": items, "events_cursor": cursor}
    if tab == "orders":
        placed, cursor = _orders(session, user, customer_id, None)
        return {"orders": placed, "orders_cursor": cursor}
    if tab == "audit":
        entries, cursor = _audit(session, user, customer_id, None)
        return {"entries": entries, "audit_cursor": cursor}
    return {}


def _orders(
    session: Any, user: WebUser, customer_id: uuid.UUID, cursor: str | None
) -> tuple[list[OrderOut], str | None]:
    keys = pagination.parse_sort("-placed_at", {"placed_at": Order.placed_at}, Order.id)
    stmt = orders.customer_orders(user.tenant_id, customer_id)
    items, next_cursor = keyset.page(session, stmt, keys, cursor, PAGE)
    return [OrderOut.model_validate(o) for o in items], next_cursor


def _audit(
    session: Any, user: WebUser, customer_id: uuid.UUID, cursor: str | None
) -> tuple[list[AuditEntryOut], str | None]:
    keys = pagination.parse_sort("-seq", {"seq": AuditEntry.seq}, AuditEntry.seq)
    f = audit_repository.AuditFilter(customer_id=customer_id)
    stmt = audit_repository.filtered(user.tenant_id, f)
    items, next_cursor = keyset.page(session, stmt, keys, cursor, PAGE)
    return [AuditEntryOut.of(e) for e in items], next_cursor


def detail_page(request: Request, customer_id: uuid.UUID, tab: str | None) -> Any:
    """The whole customer page; a merged customer sends you to the one it became."""
    user = current_user(request)
    require_permission(user, Permission.READ)
    admin = user.can(Permission.ADMIN)
    selected = _tab(tab)
    with request.app.state.db.session(user.tenant_id, write=False) as session:
        try:
            found = customers.get_customer(
                session, user.tenant_id, customer_id, include_deleted=admin
            )
        except CustomerMerged as exc:
            survivor = identity.resolve(session, user.tenant_id, exc.customer_id)
            return RedirectResponse(f"/customers/{survivor}", status_code=303)
        if found.merged_into_id is not None:
            survivor = identity.resolve(session, user.tenant_id, found.id)
            return RedirectResponse(f"/customers/{survivor}", status_code=303)
        c = customers.to_out(found)
        metrics = customer_metrics.for_customer(session, found)
        context = tab_context(session, user, customer_id, selected) if not c.deleted_at else {}
    return render(
        request,
        "customers/page.html",
        c=c,
        m=metrics,
        stages=list(STAGES),
        statuses=list(STATUSES),
        tabs=TABS,
        tab=selected,
        **context,
    )


@router.get("/{customer_id}/tab/{name}")
def tab_panel(request: Request, customer_id: uuid.UUID, name: str) -> Any:
    user = current_user(request)
    require_permission(user, Permission.READ)
    selected = _tab(name)
    with request.app.state.db.session(user.tenant_id, write=False) as session:
        c = customers.to_out(customers.get_customer(session, user.tenant_id, customer_id))
        context = tab_context(session, user, customer_id, selected)
    return render(request, "customers/_tab.html", c=c, tab=selected, **context)


@router.get("/{customer_id}/timeline")
def timeline_more(
    request: Request,
    customer_id: uuid.UUID,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> Any:
    """The next page of the timeline (the load-more button replaces itself with it)."""
    user = current_user(request)
    require_permission(user, Permission.READ)
    with request.app.state.db.session(user.tenant_id, write=False) as session:
        customers.get_customer(session, user.tenant_id, customer_id)
        items, next_cursor = timeline.timeline(
            session, user.tenant_id, customer_id, types=None, cursor=cursor, limit=PAGE
        )
    return render(
        request,
        "customers/_timeline_items.html",
        c={"id": customer_id},
        events=items,
        events_cursor=next_cursor,
    )


@router.get("/{customer_id}/orders")
def orders_more(
    request: Request,
    customer_id: uuid.UUID,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> Any:
    user = current_user(request)
    require_permission(user, Permission.READ)
    with request.app.state.db.session(user.tenant_id, write=False) as session:
        customers.get_customer(session, user.tenant_id, customer_id)
        rows, next_cursor = _orders(session, user, customer_id, cursor)
    return render(
        request,
        "customers/_order_rows.html",
        c={"id": customer_id},
        orders=rows,
        orders_cursor=next_cursor,
    )


@router.get("/{customer_id}/audit")
def audit_more(
    request: Request,
    customer_id: uuid.UUID,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> Any:
    user = current_user(request)
    require_permission(user, Permission.READ)
    with request.app.state.db.session(user.tenant_id, write=False) as session:
        customers.get_customer(session, user.tenant_id, customer_id)
        rows, next_cursor = _audit(session, user, customer_id, cursor)
    return render(
        request,
        "customers/_audit_rows.html",
        c={"id": customer_id},
        entries=rows,
        audit_cursor=next_cursor,
    )


# ---- segments card ---------------------------------------------------------------------


def _segments_card(
    request: Request, user: WebUser, customer_id: uuid.UUID, error: str | None
) -> Any:
    with request.app.state.db.session(user.tenant_id, write=False) as session:
        current = segments.customer_segments(session, user.tenant_id, customer_id)
        mine = {m.segment_id for m in current.items}
        assignable = [
            s
            for s in segment_repository.all_segments(session, user.tenant_id)
            if s.membership == "assigned" and not s.system and s.id not in mine
        ]
    return render(
        request,
        "customers/_segments_card.html",
        c={"id": customer_id},
        memberships=current.items,
        assignable=assignable,
        error=error,
        status_code=200 if error is None else 422,
    )


@router.get("/{customer_id}/segments")
def segments_card(request: Request, customer_id: uuid.UUID) -> Any:
    user = current_user(request)
    require_permission(user, Permission.READ)
    return _segments_card(request, user, customer_id, None)


@router.post("/{customer_id}/segments")
def add_to_segment(
    request: Request,
    customer_id: uuid.UUID,
    segment_id: Annotated[str, Form(max_length=64)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Any:
    user = current_user(request)
    check_csrf(request, csrf_token)
    require_permission(user, Permission.WRITE)
    error = None
    try:
        with request.app.state.db.session(user.tenant_id) as session:
            segments.assign(
                session, user.principal, customer_id, _segment_id(segment_id), AssignmentIn()
            )
    except RolodexError as exc:
        error = readable(exc)
    return _after_segment_change(request, user, customer_id, error)


@router.post("/{customer_id}/segments/{segment_id}/remove")
def remove_from_segment(
    request: Request,
    customer_id: uuid.UUID,
    segment_id: uuid.UUID,
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Any:
    user = current_user(request)
    check_csrf(request, csrf_token)
    require_permission(user, Permission.WRITE)
    error = None
    try:
        with request.app.state.db.session(user.tenant_id) as session:
            segments.unassign(session, user.principal, customer_id, segment_id)
    except RolodexError as exc:
        error = readable(exc)
    return _after_segment_change(request, user, customer_id, error)


def _segment_id(raw: str) -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError as exc:
        raise NotFound("choose a segment from the list") from exc


def _after_segment_change(
    request: Request, user: WebUser, customer_id: uuid.UUID, error: str | None
) -> Any:
    if request.headers.get("hx-request"):
        return _segments_card(request, user, customer_id, error)
    if error:
        from rolodex.web.session import flash

        flash(request, error, "error")
    return RedirectResponse(f"/customers/{customer_id}", status_code=303)
