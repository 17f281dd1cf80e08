"""Customer endpoints: parse, authorize, call the service, return a schema."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from rolodex.audit import erasure, history
from rolodex.audit.schemas import EraseIn, ErasureOut
from rolodex.auth.dependencies import require
from rolodex.auth.roles import Permission, Principal
from rolodex.customers import deletion, repository, service
from rolodex.customers.schemas import CustomerCreate, CustomerList, CustomerOut, CustomerUpdate
from rolodex.errors import Forbidden
from rolodex.identity import http as identity_http
from rolodex.identity.errors import CustomerMerged
from rolodex.kit import pagination

router = APIRouter(prefix="/v1/customers", tags=["customers"])

Csv = Annotated[list[str] | None, Query()]


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
) -> CustomerOut:
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
    q: Annotated[str | None, Query(max_length=200)] = None,
    stage: Csv = None,
    status: Csv = None,
    type: Csv = None,
    tag: Csv = None,
    source: Csv = None,
    country: Csv = None,
    ltv_min: Annotated[Decimal | None, Query(ge=0, le=10**10)] = None,
    ltv_max: Annotated[Decimal | None, Query(ge=0, le=10**10)] = None,
    created_after: datetime | None = None,
    created_before: datetime | None = None,
    include_deleted: bool = False,
    sort: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
    count: bool = False,
) -> CustomerList:
    """Search and filter customers; keyset pagination with next_cursor."""
    if include_deleted and not principal.can(Permission.ADMIN):
        raise Forbidden("only an admin can list deleted customers")
    f = repository.CustomerFilter(
        q=q,
        stage=_split(stage),
        status=_split(status),
        type=_split(type),
        tags=_split(tag),
        source=_split(source),
        country=[c.upper() for c in _split(country)],
        ltv_min=ltv_min,
        ltv_max=ltv_max,
        created_after=created_after,
        created_before=created_before,
        include_deleted=include_deleted,
    )
    keys = pagination.parse_sort(sort, repository.SORTABLE, repository.Customer.id)
    values = pagination.decode_cursor(cursor, keys) if cursor else None
    with request.app.state.db.session(principal.tenant_id, write=False) as session:
        items, last = repository.page(session, principal.tenant_id, f, keys, values, limit)
        if count:
            response.headers["X-Total-Count"] = str(
                repository.count(session, principal.tenant_id, f)
            )
        return CustomerList(
            items=[service.to_out(c) for c in items],
            next_cursor=pagination.encode_cursor(keys, last) if last is not None else None,
        )


@router.get(
    "/{customer_id}", response_model=CustomerOut, responses=identity_http.MERGED_RESPONSES
)
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
