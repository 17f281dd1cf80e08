"""Order use cases: record an order (or update it by external id), change its status.
Each change of what an order contributes to LTV is one ledger entry. Never commits."""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from rolodex.audit import service as audit
from rolodex.auth.roles import Principal
from rolodex.customers.snapshot import snapshot
from rolodex.errors import Conflict, NotFound, field_error
from rolodex.kit.ids import new_id
from rolodex.kit.money import quantize
from rolodex.kit.time import as_utc, utcnow
from rolodex.lifecycle import ltv
from rolodex.lifecycle import service as lifecycle
from rolodex.models import Customer, Order, OrderItem
from rolodex.orders import repository
from rolodex.orders.schemas import MAX_ORDER_AMOUNT, OrderIn, OrderItemIn

CONVERTED = "customer"  # the stage a paid order puts a customer in


def _total(data: OrderIn) -> Decimal:
    if data.amount is not None:
        return quantize(data.amount)
    total = quantize(sum((i.price * i.quantity for i in data.items), Decimal(0)))
    if total > MAX_ORDER_AMOUNT:
        raise field_error("items", f"the items sum to more than {MAX_ORDER_AMOUNT}")
    return total


def _items(tenant_id: uuid.UUID, order_id: uuid.UUID, items: list[OrderItemIn]) -> list[OrderItem]:
    return [
        OrderItem(
            tenant_id=tenant_id, id=new_id(), order_id=order_id, position=n, **item.model_dump()
        )
        for n, item in enumerate(items)
    ]


def record_order(
    session: Session,
    principal: Principal,
    data: OrderIn,
    *,
    locked: tuple[Order | None] | None = None,
) -> tuple[Order, bool]:
    """(the order, whether it was created). A known external id updates that order.
    ``locked``: the caller already looked the external id up with
    ``repository.by_external`` in this transaction (and found this order, or None), holding
    a lock on that external id."""
    tenant_id = principal.tenant_id
    amount = _total(data)
    if data.external_id:
        existing = (
            locked[0]
            if locked is not None
            else repository.by_external(session, tenant_id, data.source, data.external_id)
        )
        if existing is not None:
            if existing.customer_id != data.customer_id:
                raise Conflict(
                    f"order {data.source}:{data.external_id} belongs to another customer",
                    details={"field": "customer_id", "order_id": str(existing.id)},
                )
            return _change(session, principal, existing, data.status, amount, data), False
    try:
        customer = lifecycle.lock_customer(session, tenant_id, data.customer_id)
    except NotFound as exc:
        raise field_error("customer_id", "no customer with this id", str(data.customer_id)) from exc
    order = Order(
        tenant_id=tenant_id,
        id=new_id(),
        customer_id=customer.id,
        source=data.source,
        external_id=data.external_id,
        number=data.number,
        status=data.status,
        amount=amount,
        currency=data.currency,
        placed_at=as_utc(data.placed_at) if data.placed_at else utcnow(),
    )
    order.items = _items(tenant_id, order.id, data.items)
    repository.remember(session, order)
    before = snapshot(customer)
    if locked is not None:
        # The caller holds the external id (a webhook's version mark): the order is flushed
        # with the rest of its changes, and a clash with an API request fails them together.
        session.add(order)
    else:
        try:
            with session.begin_nested():
                session.add(order)
                session.flush()
        except IntegrityError as exc:
            raise Conflict(
                "this order is being recorded by another request; send it again",
                details={"field": "external_id"},
            ) from exc
    _move_ltv(session, principal, customer, order, ltv.ZERO, before)
    return order, True


def change_status(
    session: Session, principal: Principal, order_id: uuid.UUID, status: str
) -> Order:
    order = repository.lock(session, principal.tenant_id, order_id)
    if order is None:
        raise NotFound(f"no order {order_id}")
    return _change(session, principal, order, status, order.amount, None)


def _change(
    session: Session,
    principal: Principal,
    order: Order,
    status: str,
    amount: Decimal,
    data: OrderIn | None,
) -> Order:
    # Refunds of a deleted customer's orders still count: its money is still history.
    customer = lifecycle.lock_customer(
        session, order.tenant_id, order.customer_id, include_deleted=True
    )
    before = snapshot(customer)
    old = ltv.order_contribution(order.status, order.amount)
    order.status, order.amount = status, amount
    if data is not None:
        order.number = data.number or order.number
        order.currency = data.currency
        if data.placed_at:
            order.placed_at = as_utc(data.placed_at)
        if data.items:
            order.items = _items(order.tenant_id, order.id, data.items)
    order.updated_at = utcnow()
    session.flush()
    _move_ltv(session, principal, customer, order, old, before)
    return order


def _move_ltv(
    session: Session,
    principal: Principal,
    customer: Customer,
    order: Order,
    old: Decimal,
    before: dict[str, object],
) -> None:
    step = ltv.order_entry(old, ltv.order_contribution(order.status, order.amount))
    if step is None:
        return
    kind, amount = step
    lifecycle.add_ledger_entry(session, principal, customer, kind, amount, "order", str(order.id))
    if kind is ltv.Kind.PURCHASE and customer.lifecycle_stage != CONVERTED:
        # A paid order makes a customer, whatever the stage before (a churned one is back),
        # with a transition in the history. A refund leaves the stage as it is.
        old_stage, customer.lifecycle_stage = customer.lifecycle_stage, CONVERTED
        label = order.number or order.external_id or str(order.id)
        lifecycle.note_stage_change(session, principal, customer, old_stage, f"paid order {label}")
    customer.updated_at = utcnow()  # flushed with the audit entry
    audit.record(
        session,
        principal,
        "order",
        customer.id,
        before,
        snapshot(customer),
        meta={"order_id": str(order.id), "status": order.status},
    )


def get_order(session: Session, tenant_id: uuid.UUID, order_id: uuid.UUID) -> Order:
    order = repository.get(session, tenant_id, order_id)
    if order is None:
        raise NotFound(f"no order {order_id}")
    return order
