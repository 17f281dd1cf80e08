"""Order queries."""

from __future__ import annotations

import uuid
from typing import Any, cast

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from rolodex.kit import txcache
from rolodex.models import Order


def get(session: Session, tenant_id: uuid.UUID, order_id: uuid.UUID) -> Order | None:
    return session.get(Order, (tenant_id, order_id))


def lock(session: Session, tenant_id: uuid.UUID, order_id: uuid.UUID) -> Order | None:
    return session.scalars(
        select(Order)
        .where(Order.tenant_id == tenant_id, Order.id == order_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()


# Built once, values bound per call: webhooks look orders up by external id all the time.
_BY_EXTERNAL = (
    select(Order)
    .where(
        Order.tenant_id == bindparam("t"),
        Order.source == bindparam("s"),
        Order.external_id == bindparam("e"),
    )
    .with_for_update()
    .execution_options(populate_existing=True)
)


def by_external(
    session: Session, tenant_id: uuid.UUID, source: str, external_id: str
) -> Order | None:
    """The order of this external id, locked until commit; once per transaction (the
    transaction remembers it, or that there is none, until it records one)."""
    key = ("order", tenant_id, source, external_id)
    known, held = txcache.held(session, key)
    if known:
        return cast(Order | None, held)
    order = session.scalars(_BY_EXTERNAL, {"t": tenant_id, "s": source, "e": external_id}).first()
    txcache.cache(session)[key] = order
    return order


def lock_by_externals(
    session: Session, tenant_id: uuid.UUID, source: str, external_ids: list[str]
) -> None:
    """``by_external`` for many external ids in one query (the orders of a shared
    transaction's jobs, ahead of them)."""
    wanted = sorted(set(external_ids))
    if not wanted:
        return
    stmt = (
        select(Order)
        .where(Order.tenant_id == tenant_id, Order.source == source)
        .where(Order.external_id.in_(wanted))
        .order_by(Order.external_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    found = {o.external_id: o for o in session.scalars(stmt)}
    facts = txcache.cache(session)
    for eid in wanted:
        facts[("order", tenant_id, source, eid)] = found.get(eid)


def remember(session: Session, order: Order) -> None:
    """An order recorded in this transaction: ``by_external`` finds it without a query."""
    if order.external_id:
        key = ("order", order.tenant_id, order.source, order.external_id)
        txcache.cache(session)[key] = order


def customer_orders(tenant_id: uuid.UUID, customer_id: uuid.UUID) -> Select[Any]:
    return select(Order).where(Order.tenant_id == tenant_id, Order.customer_id == customer_id)
