"""Lifecycle use cases: stage transitions and LTV ledger entries. Never commits."""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy.orm import Session

from rolodex.audit import service as audit
from rolodex.auth.roles import Principal
from rolodex.customers.snapshot import snapshot
from rolodex.errors import NotFound, field_error
from rolodex.kit.ids import new_id
from rolodex.kit.time import utcnow
from rolodex.lifecycle import ltv, repository
from rolodex.models import Customer, LtvEntry, StageTransition


def lock_customer(
    session: Session, tenant_id: uuid.UUID, customer_id: uuid.UUID, *, include_deleted: bool = False
) -> Customer:
    """The customer, locked for the rest of the transaction; 404 when absent or deleted."""
    customer = repository.lock_customer(session, tenant_id, customer_id)
    if customer is None or (customer.deleted_at is not None and not include_deleted):
        raise NotFound(f"no customer {customer_id}")
    return customer


def add_ledger_entry(
    session: Session,
    principal: Principal,
    customer: Customer,
    kind: ltv.Kind,
    amount: Decimal,
    source_type: str,
    source_id: str | None,
) -> LtvEntry:
    """Change the (locked) customer's LTV by one ledger entry."""
    seq = repository.last_ledger_seq(session, customer.tenant_id, customer.id)
    if seq == 0 and customer.ltv != ltv.ZERO:
        # LTV given before the ledger existed (bulk load): the ledger opens with it.
        session.add(
            _entry(
                principal,
                customer,
                1,
                ltv.Kind.MANUAL_SET,
                customer.ltv,
                ltv.ZERO,
                "opening_balance",
                None,
            )
        )
        seq = 1
    entry = _entry(principal, customer, seq + 1, kind, amount, customer.ltv, source_type, source_id)
    customer.ltv = entry.ltv_after
    session.add(entry)
    repository.note_ledger_seq(session, customer.tenant_id, customer.id, seq + 1)
    return entry


def _entry(
    principal: Principal,
    customer: Customer,
    seq: int,
    kind: ltv.Kind,
    amount: Decimal,
    before: Decimal,
    source_type: str,
    source_id: str | None,
) -> LtvEntry:
    return LtvEntry(
        tenant_id=customer.tenant_id,
        id=new_id(),
        customer_id=customer.id,
        seq=seq,
        kind=kind.value,
        amount=amount,
        ltv_before=before,
        ltv_after=ltv.apply(before, kind, amount),
        source_type=source_type,
        source_id=source_id,
        actor_type=principal.actor_type,
        actor_id=principal.actor_id,
        created_at=utcnow(),
    )


def transition(
    session: Session,
    principal: Principal,
    customer_id: uuid.UUID,
    stage: str | None,
    reason: str | None = None,
    ltv_amount: Decimal | None = None,
) -> StageTransition:
    """Change stage and (by the LTV rule) LTV together, in the caller's transaction."""
    if stage is None and ltv_amount is None:
        raise field_error("stage", "give a stage, an ltv_amount or both")
    customer = lock_customer(session, principal.tenant_id, customer_id)
    before = snapshot(customer)
    to_stage = stage or customer.lifecycle_stage
    record = _transition(principal, customer, customer.lifecycle_stage, to_stage, reason)
    if ltv_amount is not None:
        record.ltv_amount = ltv_amount
        add_ledger_entry(
            session,
            principal,
            customer,
            ltv.manual_kind(to_stage),
            ltv_amount,
            "transition",
            str(record.id),
        )
    record.ltv_after = customer.ltv
    customer.lifecycle_stage = to_stage
    customer.updated_at = utcnow()
    session.add(record)
    session.flush()
    audit.record(
        session,
        principal,
        "transition",
        customer.id,
        before,
        snapshot(customer),
        meta={"transition_id": str(record.id)},
    )
    return record


def note_stage_change(
    session: Session,
    principal: Principal,
    customer: Customer,
    from_stage: str,
    reason: str | None = None,
) -> StageTransition:
    """A stage changed by a profile update: it joins the transition history (LTV unchanged)."""
    record = _transition(principal, customer, from_stage, customer.lifecycle_stage, reason)
    session.add(record)  # flushed with the change that moved the stage
    return record


def _transition(
    principal: Principal, customer: Customer, from_stage: str, to_stage: str, reason: str | None
) -> StageTransition:
    return StageTransition(
        tenant_id=customer.tenant_id,
        id=new_id(),
        customer_id=customer.id,
        from_stage=from_stage,
        to_stage=to_stage,
        reason=reason,
        ltv_amount=None,
        ltv_before=customer.ltv,
        ltv_after=customer.ltv,
        actor_type=principal.actor_type,
        actor_id=principal.actor_id,
        created_at=utcnow(),
    )


def ledger_ltv(session: Session, tenant_id: uuid.UUID, customer_id: uuid.UUID) -> Decimal:
    """The LTV the ledger gives when applied in order (equals the customer's LTV)."""
    return ltv.replay(
        (e.kind, e.amount) for e in repository.ledger(session, tenant_id, customer_id)
    )
