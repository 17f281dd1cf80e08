"""Saved view endpoints: parse, authorize, call the service, return a schema."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends, Request, Response

from rolodex.auth.dependencies import require
from rolodex.auth.roles import Permission, Principal
from rolodex.views import service
from rolodex.views.schemas import ViewIn, ViewList, ViewOut, ViewUpdate

router = APIRouter(prefix="/v1/views", tags=["views"])


@router.post("", status_code=201, response_model=ViewOut)
def create_view(
    request: Request, body: ViewIn, principal: Principal = Depends(require(Permission.READ))
) -> ViewOut:
    """Save a view: name, filter, sort and columns; private unless shared."""
    with request.app.state.db.session(principal.tenant_id) as session:
        return service.to_out(service.create_view(session, principal, body), principal)


@router.get("", response_model=ViewList)
def list_views(
    request: Request, principal: Principal = Depends(require(Permission.READ))
) -> ViewList:
    """Your views and the shared ones."""
    with request.app.state.db.session(principal.tenant_id, write=False) as session:
        views = service.list_views(session, principal)
        return ViewList(items=[service.to_out(v, principal) for v in views])


@router.get("/{view_id}", response_model=ViewOut)
def get_view(
    request: Request, view_id: uuid.UUID, principal: Principal = Depends(require(Permission.READ))
) -> ViewOut:
    """Read one view."""
    with request.app.state.db.session(principal.tenant_id, write=False) as session:
        return service.to_out(service.get_view(session, principal, view_id), principal)


@router.patch("/{view_id}", response_model=ViewOut)
def update_view(
    request: Request,
    view_id: uuid.UUID,
    body: ViewUpdate,
    principal: Principal = Depends(require(Permission.READ)),
) -> ViewOut:
    """Change a view (its owner, or an admin for a shared one)."""
    with request.app.state.db.session(principal.tenant_id) as session:
        view = service.update_view(session, principal, view_id, body)
        return service.to_out(view, principal)


@router.delete("/{view_id}", status_code=204)
def delete_view(
    request: Request, view_id: uuid.UUID, principal: Principal = Depends(require(Permission.READ))
) -> Response:
    """Delete a view (its owner, or an admin for a shared one)."""
    with request.app.state.db.session(principal.tenant_id) as session:
        service.delete_view(session, principal, view_id)
    return Response(status_code=204)
