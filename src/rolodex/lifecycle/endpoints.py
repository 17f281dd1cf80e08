"""Transition and ledger endpoints: parse, authorize, call the service, return a schema."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request

from rolodex.auth.dependencies import require
from rolodex.auth.roles import Permission, Principal
from rolodex.customers import service as customers
from rolodex.errors import Forbidden
from rolodex.kit import keyset, pagination
from rolodex.lifecycle import repository, service
from rolodex.lifecycle.schemas import (
    Actor,
    LedgerEntryOut,
    LedgerList,
    TransitionIn,
    TransitionList,
    TransitionOut,
)
from rolodex.models import LtvEntry, StageTransition

router = APIRouter(prefix="/v1/customers", tags=["lifecycle"])

Limit = Annotated[int, Query(ge=1, le=500)]
Cursor = Annotated[str | None, Query(max_length=2000)]


def transition_out(t: StageTransition) -> TransitionOut:
    return TransitionOut(
        id=t.id,
        customer_id=t.customer_id,
        from_stage=t.from_stage,
        to_stage=t.to_stage,
        reason=t.reason,
        ltv_amount=t.ltv_amount,
        ltv_before=t.ltv_before,
        ltv_after=t.ltv_after,
        actor=Actor(type=t.actor_type, id=t.actor_id),
        created_at=t.created_at,
    )


def _entry_out(e: LtvEntry) -> LedgerEntryOut:
    return LedgerEntryOut(
        id=e.id,
        seq=e.seq,
        kind=e.kind,
        amount=e.amount,
        ltv_before=e.ltv_before,
        ltv_after=e.ltv_after,
        source_type=e.source_type,
        source_id=e.source_id,
        actor=Actor(type=e.actor_type, id=e.actor_id),
        created_at=e.created_at,
    )


def check_include_deleted(principal: Principal, include_deleted: bool) -> None:
    if include_deleted and not principal.can(Permission.ADMIN):
        raise Forbidden("only an admin can see deleted customers")


@router.post("/{customer_id}/transitions", status_code=201, response_model=TransitionOut)
def create_transition(
    request: Request,
    customer_id: uuid.UUID,
    body: TransitionIn,
    principal: Principal = Depends(require(Permission.WRITE)),
) -> TransitionOut:
    """Change a customer's stage and, by the LTV rule, its LTV, in one transaction."""
    with request.app.state.db.session(principal.tenant_id) as session:
        record = service.transition(
            session, principal, customer_id, body.stage, body.reason, body.ltv_amount
        )
        return transition_out(record)


@router.get("/{customer_id}/transitions", response_model=TransitionList)
def list_transitions(
    request: Request,
    customer_id: uuid.UUID,
    principal: Principal = Depends(require(Permission.READ)),
    include_deleted: bool = False,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> TransitionList:
    """A customer's stage history, newest first."""
    check_include_deleted(principal, include_deleted)
    keys = pagination.parse_sort(
        "-created_at", {"created_at": StageTransition.created_at}, StageTransition.id
    )
    with request.app.state.db.session(principal.tenant_id, write=False) as session:
        customers.get_customer(
            session, principal.tenant_id, customer_id, include_deleted=include_deleted
        )
        stmt = repository.transitions_query(principal.tenant_id, customer_id)
        items, next_cursor = keyset.page(session, stmt, keys, cursor, limit)
        return TransitionList(items=[transition_out(t) for t in items], next_cursor=next_cursor)


@router.get("/{customer_id}/ledger", response_model=LedgerList)
def list_ledger(
    request: Request,
    customer_id: uuid.UUID,
    principal: Principal = Depends(require(Permission.READ)),
    include_deleted: bool = False,
    limit: Limit = 100,
    cursor: Cursor = None,
) -> Any:
    """A customer's LTV ledger in the order it applies: the last entry's ltv_after is the LTV."""
    check_include_deleted(principal, include_deleted)
    keys = pagination.parse_sort("seq", {"seq": LtvEntry.seq}, LtvEntry.id)
    with request.app.state.db.session(principal.tenant_id, write=False) as session:
        customers.get_customer(
            session, principal.tenant_id, customer_id, include_deleted=include_deleted
        )
        stmt = repository.ledger_query(principal.tenant_id, customer_id)
        items, next_cursor = keyset.page(session, stmt, keys, cursor, limit)
        return LedgerList(items=[_entry_out(e) for e in items], next_cursor=next_cursor)
