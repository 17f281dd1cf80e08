"""Lifecycle queries: the customer row lock, transitions, the LTV ledger."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from rolodex.models import Customer, LtvEntry, StageTransition


def lock_customer(
    session: Session, tenant_id: uuid.UUID, customer_id: uuid.UUID
) -> Customer | None:
    """The customer, fresh and locked until commit: LTV changes of one customer serialize."""
    return session.scalars(
        select(Customer)
        .where(Customer.tenant_id == tenant_id, Customer.id == customer_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()


def last_ledger_seq(session: Session, tenant_id: uuid.UUID, customer_id: uuid.UUID) -> int:
    return int(
        session.scalar(
            select(func.max(LtvEntry.seq)).where(
                LtvEntry.tenant_id == tenant_id, LtvEntry.customer_id == customer_id
            )
        )
        or 0
    )


def ledger(session: Session, tenant_id: uuid.UUID, customer_id: uuid.UUID) -> list[LtvEntry]:
    return list(
        session.scalars(
            select(LtvEntry)
            .where(LtvEntry.tenant_id == tenant_id, LtvEntry.customer_id == customer_id)
            .order_by(LtvEntry.seq)
        )
    )


def ledger_query(tenant_id: uuid.UUID, customer_id: uuid.UUID) -> Select[Any]:
    return select(LtvEntry).where(
        LtvEntry.tenant_id == tenant_id, LtvEntry.customer_id == customer_id
    )


def transitions_query(tenant_id: uuid.UUID, customer_id: uuid.UUID) -> Select[Any]:
    return select(StageTransition).where(
        StageTransition.tenant_id == tenant_id, StageTransition.customer_id == customer_id
    )


def redact_reasons(session: Session, tenant_id: uuid.UUID, customer_id: uuid.UUID) -> int:
    """Free-text reasons may name the person: erasure blanks them."""
    result = session.execute(
        update(StageTransition)
        .where(
            StageTransition.tenant_id == tenant_id,
            StageTransition.customer_id == customer_id,
            StageTransition.reason.is_not(None),
        )
        .values(reason=None)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
