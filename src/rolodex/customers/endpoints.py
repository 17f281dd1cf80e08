"""Customer endpoints: parse, authorize, call the service, return a schema."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from rolodex.audit import erasure, history
from rolodex.audit.schemas import EraseIn, ErasureOut
from rolodex.auth.dependencies import require
from rolodex.auth.roles import Permission, Principal
from rolodex.customers import deletion, service
from rolodex.customers.schemas import CustomerCreate, CustomerList, CustomerOut, CustomerUpdate
from rolodex.errors import Forbidden
from rolodex.identity import http as identity_http
from rolodex.identity.errors import CustomerMerged
from rolodex.kit import query_params
from rolodex.search import params as search_params
from rolodex.search import service as search_service
from rolodex.views import service as views_service

router = APIRouter(prefix="/v1/customers", tags=["customers"])

Csv = Annotated[list[str] | None, Query()]
Text = Annotated[str | None, Query(max_length=2000)]
# The list's own parameters (as declared below); the others it declares are list filters.
LIST_PARAMS = ("q", "view", "sort", "limit", "cursor", "count")
LIST_TAKES = (
    "the list takes q, view, sort, limit, cursor, count and filters such as stage, status, "
    "type, tag, source, country, segment, ltv_min, created_after, attr.<name> and filter"
)


def _split(values: list[str] | None) -> list[str]:
    return [v.strip() for item in values or [] for v in item.split(",") if v.strip()]


@router.post(
    "", status_code=201, response_model=CustomerOut, responses=identity_http.MATCH_RESPONSES
)
def create_customer(
    request: Request,
    response: Response,
    body: CustomerCreate,
    match: Annotated[bool, Query(description=identity_http.MATCH_DOC)] = False,
    principal: Principal = Depends(require(Permission.INGEST)),
) -> CustomerOut | Response:
    """Create a customer; with ``match=true``, or match and update an existing one."""
    if match:
        return identity_http.match_or_create(request, response, principal, body)
    with request.app.state.db.session(principal.tenant_id) as session:
        customer = service.create_customer(session, principal, body)
        return service.to_out(customer)


@router.get("", response_model=CustomerList)
def list_customers(
    request: Request,
    response: Response,
    principal: Principal = Depends(require(Permission.READ)),
    q: Annotated[str | None, Query(max_length=200, description=search_params.Q_DOC)] = None,
    stage: Text = None,
    status: Text = None,
    type: Text = None,
    tag: Annotated[str | None, Query(description="every listed tag (a,b)")] = None,
    tag_any: Text = None,
    tag_none: Text = None,
    source: Text = None,
    country: Text = None,
    campaign: Text = None,
    segment: Annotated[str | None, Query(description="segment ids or keys (any of)")] = None,
    ltv_min: Text = None,
    ltv_max: Text = None,
    orders_min: Text = None,
    orders_max: Text = None,
    created_after: Annotated[str | None, Query(description="ISO date/time or e.g. -30d")] = None,
    created_before: Text = None,
    last_active_after: Text = None,
    last_active_before: Text = None,
    filter: Annotated[
        str | None, Query(max_length=4000, description=search_params.FILTER_DOC)
    ] = None,
    view: Annotated[uuid.UUID | None, Query(description="apply a saved view")] = None,
    include_deleted: bool = False,
    sort: Annotated[str | None, Query(max_length=200, description=search_params.SORT_DOC)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
    count: bool = False,
) -> CustomerList:
    """Search, filter and sort customers; keyset pagination with next_cursor."""
    names = request.query_params.keys()
    query_params.refuse_unknown(
        names, LIST_PARAMS, also=search_params.is_filter_param, takes=LIST_TAKES
    )
    node = search_params.filter_from_params(request.query_params.multi_items())
    with request.app.state.db.session(principal.tenant_id, write=False) as session:
        query = search_service.ListQuery(node, q, sort, limit, cursor, count)
        if view is not None:
            query = views_service.apply_view(session, principal, view, query)
        if search_service.needs_admin(query.filter) and not principal.can(Permission.ADMIN):
            raise Forbidden("only an admin can list deleted customers")
        result = search_service.list_customers(session, principal.tenant_id, query)
        if result.total is not None:
            response.headers["X-Total-Count"] = str(result.total)
        return CustomerList(
            items=[service.to_out(c) for c in result.items], next_cursor=result.next_cursor
        )


@router.get("/{customer_id}", response_model=CustomerOut, responses=identity_http.MERGED_RESPONSES)
def get_customer(
    request: Request,
    customer_id: uuid.UUID,
    include_deleted: bool = False,
    as_of: Annotated[
        datetime | None, Query(description="The profile as it was then, from the audit trail.")
    ] = None,
    principal: Principal = Depends(require(Permission.READ)),
) -> CustomerOut | Response:
    """Read one customer (now, or as it was at ``as_of``); a merged one redirects (307)."""
    if include_deleted and not principal.can(Permission.ADMIN):
        raise Forbidden("only an admin can read deleted customers")
    with request.app.state.db.session(principal.tenant_id, write=False) as session:
        try:
            customer = service.get_customer(
                session, principal.tenant_id, customer_id, include_deleted=include_deleted
            )
        except CustomerMerged as exc:
            return identity_http.merged_redirect(session, principal, exc)
        if as_of is not None:
            return history.customer_as_of(
                session, principal.tenant_id, customer_id, as_of, include_deleted=include_deleted
            )
        return service.to_out(customer)


@router.patch("/{customer_id}", response_model=CustomerOut)
def update_customer(
    request: Request,
    customer_id: uuid.UUID,
    body: CustomerUpdate,
    principal: Principal = Depends(require(Permission.WRITE)),
) -> CustomerOut:
    """Change some fields of a customer."""
    with request.app.state.db.session(principal.tenant_id) as session:
        customer = service.update_customer(session, principal, customer_id, body)
        return service.to_out(customer)


@router.delete("/{customer_id}", status_code=204)
def delete_customer(
    request: Request,
    customer_id: uuid.UUID,
    principal: Principal = Depends(require(Permission.WRITE)),
) -> Response:
    """Soft delete: gone from lists, search, counts and exports; history kept; restorable."""
    with request.app.state.db.session(principal.tenant_id) as session:
        deletion.delete_customer(session, principal, customer_id)
    return Response(status_code=204)


@router.post("/{customer_id}/restore", response_model=CustomerOut)
def restore_customer(
    request: Request,
    customer_id: uuid.UUID,
    principal: Principal = Depends(require(Permission.WRITE)),
) -> CustomerOut:
    """Bring a soft-deleted customer back (409 if its email now belongs to a live one)."""
    with request.app.state.db.session(principal.tenant_id) as session:
        return service.to_out(deletion.restore_customer(session, principal, customer_id))


@router.post("/{customer_id}/erase", response_model=ErasureOut)
def erase_customer(
    request: Request,
    customer_id: uuid.UUID,
    body: EraseIn,
    principal: Principal = Depends(require(Permission.ADMIN)),
) -> ErasureOut:
    """Erase a customer's personal data irreversibly; confirm with its id in ``confirm``."""
    with request.app.state.db.session(principal.tenant_id) as session:
        done = erasure.erase_customer(session, principal, customer_id, body.confirm)
    return ErasureOut(
        customer_id=done.customer_id, erased_at=done.erased_at, redacted=done.redacted
    )
