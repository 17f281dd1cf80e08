"""Audit endpoints: the log, a customer's entries, the chain check."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from rolodex.audit import repository, service
from rolodex.audit.schemas import AuditEntryOut, AuditList, VerifyOut
from rolodex.auth.dependencies import require
from rolodex.auth.roles import Permission, Principal
from rolodex.customers import service as customers
from rolodex.kit import keyset, pagination, query_params
from rolodex.kit.time import InputDatetime
from rolodex.lifecycle.endpoints import check_include_deleted
from rolodex.models import AuditEntry

router = APIRouter(tags=["audit"])

Limit = Annotated[int, Query(ge=1, le=500)]
Cursor = Annotated[str | None, Query(max_length=2000)]
Short = Annotated[str | None, Query(max_length=200)]
LOG_PARAMS = (
    "customer_id",
    "action",
    "actor_type",
    "actor_id",
    "since",
    "until",
    "limit",
    "cursor",
)
CUSTOMER_PARAMS = ("action", "since", "until", "include_deleted", "limit", "cursor")


def _page(
    request: Request,
    principal: Principal,
    f: repository.AuditFilter,
    cursor: str | None,
    limit: int,
    customer_check: uuid.UUID | None = None,
    include_deleted: bool = False,
) -> AuditList:
    keys = pagination.parse_sort("-seq", {"seq": AuditEntry.seq}, AuditEntry.seq)
    with request.app.state.db.session(principal.tenant_id, write=False) as session:
        if customer_check is not None:
            customers.get_customer(
                session, principal.tenant_id, customer_check, include_deleted=include_deleted
            )
        stmt = repository.filtered(principal.tenant_id, f)
        items, next_cursor = keyset.page(session, stmt, keys, cursor, limit)
        return AuditList(items=[AuditEntryOut.of(e) for e in items], next_cursor=next_cursor)


@router.get("/v1/audit", response_model=AuditList)
def list_audit(
    request: Request,
    principal: Principal = Depends(require(Permission.READ)),
    customer_id: uuid.UUID | None = None,
    action: Annotated[list[str] | None, Query()] = None,
    actor_type: Short = None,
    actor_id: Short = None,
    since: InputDatetime | None = None,
    until: InputDatetime | None = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> AuditList:
    """The tenant's audit log, newest first, with filters."""
    query_params.only_own(request.query_params.keys(), LOG_PARAMS, "the audit list")
    actions = [a.strip() for item in action or [] for a in item.split(",") if a.strip()]
    f = repository.AuditFilter(customer_id, actions, actor_type, actor_id, since, until)
    return _page(request, principal, f, cursor, limit)


@router.get("/v1/audit/verify", response_model=VerifyOut)
def verify_audit(
    request: Request, principal: Principal = Depends(require(Permission.READ))
) -> VerifyOut:
    """Walk the tenant's hash chain and name the first entry that does not hold."""
    with request.app.state.db.session(principal.tenant_id, write=False) as session:
        result = service.verify(session, principal.tenant_id)
    return VerifyOut(
        ok=result.ok,
        entries=result.entries,
        broken_seq=result.broken_seq,
        reason=result.reason,
        message=result.message,
        head_seq=result.head_seq,
    )


@router.get("/v1/customers/{customer_id}/audit", response_model=AuditList)
def customer_audit(
    request: Request,
    customer_id: uuid.UUID,
    principal: Principal = Depends(require(Permission.READ)),
    action: Annotated[list[str] | None, Query()] = None,
    since: InputDatetime | None = None,
    until: InputDatetime | None = None,
    include_deleted: bool = False,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> AuditList:
    """A customer's audit entries, newest first."""
    query_params.only_own(request.query_params.keys(), CUSTOMER_PARAMS, "the audit list")
    check_include_deleted(principal, include_deleted)
    actions = [a.strip() for item in action or [] for a in item.split(",") if a.strip()]
    f = repository.AuditFilter(customer_id, actions, None, None, since, until)
    return _page(request, principal, f, cursor, limit, customer_id, include_deleted)
