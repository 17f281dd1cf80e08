"""One customer's figures for its page: orders, money, engagement, risk (SPEC §2 metrics)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import BigInteger, func, select
from sqlalchemy.orm import Session

from rolodex.analytics.risk import churn_risk
from rolodex.kit.money import quantize
from rolodex.kit.time import utcnow
from rolodex.models import Activity, Customer, Order

ENGAGEMENT = ("email_open", "email_click")


@dataclass(frozen=True)
class CustomerMetrics:
    orders: int  # every order, whatever its status
    paid_orders: int
    refunded_orders: int
    cancelled_orders: int
    spent: Decimal  # paid orders
    refunded: Decimal
    aov: Decimal | None  # average paid order
    first_order_at: datetime | None
    last_order_at: datetime | None
    days_since_last_order: int | None
    email_opens: int
    email_clicks: int
    risk: str  # high | medium | low | churned | none


def for_customer(
    session: Session, customer: Customer, now: datetime | None = None
) -> CustomerMetrics:
    now = now or utcnow()
    tid, cid = customer.tenant_id, customer.id
    by_status = {
        status: (int(n), Decimal(int(cents or 0)) / 100, first, last)
        for status, n, cents, first, last in session.execute(
            select(
                Order.status,
                func.count(),
                func.sum(Order.amount, type_=BigInteger()),  # cents
                func.min(Order.placed_at),
                func.max(Order.placed_at),
            )
            .where(Order.tenant_id == tid, Order.customer_id == cid)
            .group_by(Order.status)
        ).all()
    }
    paid = by_status.get("paid", (0, Decimal(0), None, None))
    refunded = by_status.get("refunded", (0, Decimal(0), None, None))
    cancelled = by_status.get("cancelled", (0, Decimal(0), None, None))
    times = [t for v in by_status.values() for t in v[2:] if t is not None]
    last_order = max(times) if times else None
    events = dict(
        session.execute(
            select(Activity.type, func.count())
            .where(
                Activity.tenant_id == tid,
                Activity.customer_id == cid,
                Activity.type.in_(ENGAGEMENT),
            )
            .group_by(Activity.type)
        ).all()
    )
    return CustomerMetrics(
        orders=sum(v[0] for v in by_status.values()),
        paid_orders=paid[0],
        refunded_orders=refunded[0],
        cancelled_orders=cancelled[0],
        spent=quantize(paid[1]),
        refunded=quantize(refunded[1]),
        aov=quantize(paid[1] / paid[0]) if paid[0] else None,
        first_order_at=min(times) if times else None,
        last_order_at=last_order,
        days_since_last_order=(now - last_order).days if last_order else None,
        email_opens=int(events.get("email_open", 0)),
        email_clicks=int(events.get("email_click", 0)),
        risk=churn_risk(
            customer.lifecycle_stage, customer.last_active_at, customer.created_at, now
        ),
    )
