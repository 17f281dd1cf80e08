"""Segments page: every segment with its members now; create (dynamic with a filter, or
assigned by hand), delete; members open in the customer list (``?segment=key``)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from rolodex.analytics import cache
from rolodex.auth.roles import Permission
from rolodex.errors import RolodexError
from rolodex.segments import repository, service
from rolodex.segments.schemas import SegmentIn
from rolodex.web import nav
from rolodex.web.errors import readable
from rolodex.web.session import check_csrf, current_user, flash, render, require_permission

router = APIRouter(prefix="/segments", include_in_schema=False)
nav.add("Segments", "/segments", order=15)

KINDS = ["behavioral", "demographic", "value", "custom"]


@router.get("")
def segments_page(request: Request) -> Any:
    user = current_user(request)
    require_permission(user, Permission.READ)
    # Member counts come with the overview's figures (cached for large tenants).
    figures = cache.for_app(request.app).figures(request.app.state.db, user.tenant_id)
    counts = {s.id: s.members for s in figures.segments}
    with request.app.state.db.session(user.tenant_id, write=False) as session:
        rows = repository.all_segments(session, user.tenant_id)
        items = [service.to_out(s, counts.get(s.id)) for s in rows]
    return render(request, "segments/index.html", segments=items, kinds=KINDS)


@router.post("")
def create(
    request: Request,
    name: Annotated[str, Form(max_length=200)] = "",
    kind: Annotated[str, Form(max_length=20)] = "custom",
    membership: Annotated[str, Form(max_length=20)] = "dynamic",
    filter: Annotated[str, Form(max_length=2000)] = "",
    description: Annotated[str, Form(max_length=2000)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Any:
    user = current_user(request)
    check_csrf(request, csrf_token)
    require_permission(user, Permission.WRITE)
    try:
        data = SegmentIn.model_validate(
            {
                "name": name,
                "kind": kind,
                "membership": membership,
                "filter": filter.strip() or None if membership == "dynamic" else None,
                "description": description.strip() or None,
            }
        )
        with request.app.state.db.session(user.tenant_id) as session:
            seg = service.create_segment(session, user.principal, data)
            key = seg.key
    except (RolodexError, ValidationError) as exc:
        flash(request, f"The segment was not created. {readable(exc)}", "error")
        return RedirectResponse("/segments", status_code=303)
    cache.for_app(request.app).forget(user.tenant_id)
    flash(request, f"Created the segment “{data.name}”.")
    return RedirectResponse(f"/customers?segment={key}", status_code=303)


@router.post("/{segment_id}/delete")
def delete(
    request: Request, segment_id: uuid.UUID, csrf_token: Annotated[str, Form(max_length=200)] = ""
) -> Any:
    user = current_user(request)
    check_csrf(request, csrf_token)
    require_permission(user, Permission.WRITE)
    try:
        with request.app.state.db.session(user.tenant_id) as session:
            service.delete_segment(session, user.principal, segment_id)
    except RolodexError as exc:
        flash(request, f"The segment was not deleted. {readable(exc)}", "error")
    else:
        cache.for_app(request.app).forget(user.tenant_id)
        flash(request, "The segment was deleted; its customers are untouched.")
    return RedirectResponse("/segments", status_code=303)
