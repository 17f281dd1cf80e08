"""Order queries."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select, select
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


def by_external(
    session: Session, tenant_id: uuid.UUID, source: str, external_id: str
) -> Order | None:
    return session.scalars(
        select(Order)
        .where(
            Order.tenant_id == tenant_id,
            Order.source == source,
            Order.external_id == external_id,
        )
        .with_for_update()
        .execution_options(populate_existing=True)
    ).first()


def customer_orders(tenant_id: uuid.UUID, customer_id: uuid.UUID) -> Select[Any]:
    return select(Order).where(Order.tenant_id == tenant_id, Order.customer_id == customer_id)
