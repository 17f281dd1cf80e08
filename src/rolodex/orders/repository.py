"""Order queries."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

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
    return session.scalars(_BY_EXTERNAL, {"t": tenant_id, "s": source, "e": external_id}).first()


def customer_orders(tenant_id: uuid.UUID, customer_id: uuid.UUID) -> Select[Any]:
    return select(Order).where(Order.tenant_id == tenant_id, Order.customer_id == customer_id)
