"""Saved views and export of the customer list (routes under /customers without an id)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from rolodex.auth.roles import Permission
from rolodex.errors import RolodexError
from rolodex.exports import service as exports
from rolodex.exports import writers
from rolodex.kit.time import utcnow
from rolodex.search import params as search_params
from rolodex.search import service as search
from rolodex.views import service as views
from rolodex.views.schemas import ViewIn
from rolodex.web import listing
from rolodex.web.errors import readable
from rolodex.web.session import check_csrf, current_user, flash, require_permission

router = APIRouter(prefix="/customers", include_in_schema=False)


def _back(query: str) -> str:
    return "/customers" + (f"?{query}" if query else "")


@router.post("/views")
def save_view(
    request: Request,
    name: Annotated[str, Form(max_length=200)] = "",
    query: Annotated[str, Form(max_length=4000)] = "",
    shared: Annotated[bool, Form()] = False,
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Any:
    """Save the list's current filters and sort under a name (private unless shared)."""
    user = current_user(request)
    check_csrf(request, csrf_token)
    require_permission(user, Permission.READ)
    query = query.lstrip("?")
    try:
        data = ViewIn(
            name=name,
            filter=listing.filter_json(query),
            sort=listing.sort_of(query),
            shared=shared,
        )
        with request.app.state.db.session(user.tenant_id) as session:
            view = views.create_view(session, user.principal, data)
            view_id = view.id
    except (RolodexError, ValidationError) as exc:
        flash(request, f"The view was not saved. {readable(exc)}", "error")
        return RedirectResponse(_back(query), status_code=303)
    flash(request, f"Saved the view “{data.name}”.")
    return RedirectResponse(f"/customers?view={view_id}", status_code=303)


@router.post("/views/{view_id}/delete")
def delete_view(
    request: Request, view_id: uuid.UUID, csrf_token: Annotated[str, Form(max_length=200)] = ""
) -> Any:
    user = current_user(request)
    check_csrf(request, csrf_token)
    require_permission(user, Permission.READ)
    with request.app.state.db.session(user.tenant_id) as session:
        views.delete_view(session, user.principal, view_id)
    flash(request, "The view was deleted.")
    return RedirectResponse("/customers", status_code=303)


@router.get("/export")
def export(request: Request, format: Annotated[str, Query()] = "csv") -> Any:
    """The customers of the list's current filter (and view), streamed; audited."""
    user = current_user(request)
    require_permission(user, Permission.READ)
    format = exports.format_of(format)
    params = listing.kept_params(request)
    node = search_params.filter_from_params(
        [(k, v) for k, v in request.query_params.multi_items() if k in listing.KEPT]
    )
    q = params.get("q")
    db = request.app.state.db
    sort = params.get("sort") or None
    with db.session(user.tenant_id) as session:
        query = search.ListQuery(node, q, sort)
        view_id = listing.view_id_of(params.get("view"))
        if view_id is not None:
            query = views.apply_view(session, user.principal, view_id, query)
        node = listing.with_text(query.filter, q)
        # In the list's order, as on screen (newest first by default, and for a text search).
        order = query.sort if query.sort and "relevance" not in query.sort else "-created_at"
        selection = exports.Selection(node, order)
        exports.check(session, user.tenant_id, selection, format)
        exports.record_audit(session, user.principal, format, node, list(params.items()))
    name = writers.filename(format, utcnow())
    return writers.attachment(
        exports.stream(db, user.tenant_id, format, selection), writers.MEDIA_TYPES[format], name
    )
