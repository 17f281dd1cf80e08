"""Lifecycle queries: the customer row lock, transitions, the LTV ledger."""

from __future__ import annotations

import uuid
from typing import Any, cast

from sqlalchemy import Select, bindparam, func, select, update
from sqlalchemy.orm import Session

from rolodex.kit import txcache
from rolodex.models import Customer, LtvEntry, StageTransition

# Built once, values bound per call (every order moves LTV through these two).
_LOCK_CUSTOMER = (
    select(Customer)
    .where(Customer.tenant_id == bindparam("t"), Customer.id == bindparam("c"))
    .with_for_update()
    .execution_options(populate_existing=True)
)
_LAST_SEQ = select(func.max(LtvEntry.seq)).where(
    LtvEntry.tenant_id == bindparam("t"), LtvEntry.customer_id == bindparam("c")
)


def lock_customer(
    session: Session, tenant_id: uuid.UUID, customer_id: uuid.UUID
) -> Customer | None:
    """The customer, fresh and locked until commit: LTV changes of one customer serialize.
    Locked once per transaction: one locked (or created) earlier in it is the session's own,
    current since (nobody else could change it), and is returned without a query."""
    key = ("customer_locked", tenant_id, customer_id)
    known, held = txcache.held(session, key)
    if known and held is not None:
        return cast(Customer, held)
    customer = session.scalars(_LOCK_CUSTOMER, {"t": tenant_id, "c": customer_id}).first()
    if customer is not None:
        # held (the identity map is weak) with its loaded collections until commit
        txcache.cache(session)[key] = customer
    return customer


def note_created(session: Session, customer: Customer) -> None:
    """A customer inserted in this transaction: nobody else sees it (it counts as locked),
    and its ledger is empty."""
    facts = txcache.cache(session)
    facts[("customer_locked", customer.tenant_id, customer.id)] = customer
    facts[("ledger_seq", customer.tenant_id, customer.id)] = 0


def last_ledger_seq(session: Session, tenant_id: uuid.UUID, customer_id: uuid.UUID) -> int:
    known = txcache.cache(session).get(("ledger_seq", tenant_id, customer_id))
    if known is not None:
        return int(known)
    return int(session.scalar(_LAST_SEQ, {"t": tenant_id, "c": customer_id}) or 0)


def note_ledger_seq(
    session: Session, tenant_id: uuid.UUID, customer_id: uuid.UUID, seq: int
) -> None:
    """The customer's (locked) ledger ends at ``seq`` now."""
    txcache.cache(session)[("ledger_seq", tenant_id, customer_id)] = seq


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
