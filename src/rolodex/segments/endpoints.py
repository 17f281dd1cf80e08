"""Segment endpoints: parse, authorize, call the service, return a schema."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from rolodex.auth.dependencies import require
from rolodex.auth.roles import Permission, Principal
from rolodex.customers import service as customers
from rolodex.customers.schemas import CustomerList
from rolodex.errors import Forbidden
from rolodex.kit import query_params
from rolodex.search import params as search_params
from rolodex.search import service as search
from rolodex.segments import repository, service
from rolodex.segments.schemas import (
    AssignmentIn,
    CustomerSegments,
    MembershipOut,
    SegmentIn,
    SegmentList,
    SegmentOut,
    SegmentUpdate,
)

router = APIRouter(tags=["segments"])

# The members list's own parameters (as declared below); the list filters come besides.
MEMBER_PARAMS = ("q", "filter", "sort", "limit", "cursor", "count")


@router.post("/v1/segments", status_code=201, response_model=SegmentOut)
def create_segment(
    request: Request, body: SegmentIn, principal: Principal = Depends(require(Permission.WRITE))
) -> SegmentOut:
    """Create a segment: dynamic (with a filter) or assigned."""
    with request.app.state.db.session(principal.tenant_id) as session:
        return service.to_out(service.create_segment(session, principal, body))


@router.get("/v1/segments", response_model=SegmentList)
def list_segments(
    request: Request,
    counts: Annotated[bool, Query(description="include member counts (slower)")] = False,
    principal: Principal = Depends(require(Permission.READ)),
) -> SegmentList:
    """Every segment of the tenant, system segments first."""
    with request.app.state.db.session(principal.tenant_id, write=False) as session:
        segments = repository.all_segments(session, principal.tenant_id)
        return SegmentList(
            items=[
                service.to_out(s, service.member_count(session, s) if counts else None)
                for s in segments
            ]
        )


@router.get("/v1/segments/{segment_id}", response_model=SegmentOut)
def get_segment(
    request: Request,
    segment_id: uuid.UUID,
    principal: Principal = Depends(require(Permission.READ)),
) -> SegmentOut:
    """Read one segment, with its member count."""
    with request.app.state.db.session(principal.tenant_id, write=False) as session:
        seg = service.get_segment(session, principal.tenant_id, segment_id)
        return service.to_out(seg, service.member_count(session, seg))


@router.patch("/v1/segments/{segment_id}", response_model=SegmentOut)
def update_segment(
    request: Request,
    segment_id: uuid.UUID,
    body: SegmentUpdate,
    principal: Principal = Depends(require(Permission.WRITE)),
) -> SegmentOut:
    """Change a segment's name, kind, description or filter."""
    with request.app.state.db.session(principal.tenant_id) as session:
        return service.to_out(service.update_segment(session, principal, segment_id, body))


@router.delete("/v1/segments/{segment_id}", status_code=204)
def delete_segment(
    request: Request,
    segment_id: uuid.UUID,
    principal: Principal = Depends(require(Permission.WRITE)),
) -> Response:
    """Delete a segment, its assignments and its history."""
    with request.app.state.db.session(principal.tenant_id) as session:
        service.delete_segment(session, principal, segment_id)
    return Response(status_code=204)


@router.get("/v1/segments/{segment_id}/members", response_model=CustomerList)
def segment_members(
    request: Request,
    response: Response,
    segment_id: uuid.UUID,
    q: Annotated[str | None, Query(max_length=200)] = None,
    filter: Annotated[str | None, Query(max_length=4000)] = None,
    sort: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
    count: bool = False,
    principal: Principal = Depends(require(Permission.READ)),
) -> CustomerList:
    """The members, paged, filtered and sorted like GET /v1/customers."""
    query_params.refuse_unknown(
        request.query_params.keys(),
        MEMBER_PARAMS,
        also=search_params.is_filter_param,
        takes="the members list takes q, filter, sort, limit, cursor, count and the filters "
        "of GET /v1/customers such as stage, status, tag, segment, ltv_min and attr.<name>",
    )
    node = search_params.filter_from_params(request.query_params.multi_items())
    if search.needs_admin(node) and not principal.can(Permission.ADMIN):
        raise Forbidden("only an admin can list deleted customers")
    query = search.ListQuery(node, q, sort, limit, cursor, count)
    with request.app.state.db.session(principal.tenant_id, write=False) as session:
        result = service.members(session, principal.tenant_id, segment_id, query)
        if result.total is not None:
            response.headers["X-Total-Count"] = str(result.total)
        return CustomerList(
            items=[customers.to_out(c) for c in result.items], next_cursor=result.next_cursor
        )


@router.post(
    "/v1/customers/{customer_id}/segments/{segment_id}",
    response_model=MembershipOut,
    status_code=201,
    tags=["segments"],
)
def assign_segment(
    request: Request,
    response: Response,
    customer_id: uuid.UUID,
    segment_id: uuid.UUID,
    body: AssignmentIn | None = None,
    principal: Principal = Depends(require(Permission.WRITE)),
) -> MembershipOut:
    """Assign a customer to a segment (201), or change the assignment (200)."""
    with request.app.state.db.session(principal.tenant_id) as session:
        m, seg, created = service.assign(
            session, principal, customer_id, segment_id, body or AssignmentIn()
        )
        if not created:
            response.status_code = 200
        return service.membership_out(seg, m)


@router.delete("/v1/customers/{customer_id}/segments/{segment_id}", status_code=204)
def unassign_segment(
    request: Request,
    customer_id: uuid.UUID,
    segment_id: uuid.UUID,
    principal: Principal = Depends(require(Permission.WRITE)),
) -> Response:
    """Remove a customer from an assigned segment (the stay is kept in the history)."""
    with request.app.state.db.session(principal.tenant_id) as session:
        service.unassign(session, principal, customer_id, segment_id)
    return Response(status_code=204)


@router.get("/v1/customers/{customer_id}/segments", response_model=CustomerSegments)
def customer_segments(
    request: Request,
    customer_id: uuid.UUID,
    history: Annotated[bool, Query(description="also every stay: entered and left")] = False,
    principal: Principal = Depends(require(Permission.READ)),
) -> CustomerSegments:
    """The segments a customer is in now (assigned and dynamic)."""
    with request.app.state.db.session(principal.tenant_id, write=False) as session:
        return service.customer_segments(session, principal.tenant_id, customer_id, history=history)
