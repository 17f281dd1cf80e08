"""Order endpoints: parse, authorize, call the service, return a schema."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from rolodex.auth.dependencies import require
from rolodex.auth.roles import Permission, Principal
from rolodex.customers import service as customers
from rolodex.kit import keyset, pagination
from rolodex.lifecycle.endpoints import check_include_deleted
from rolodex.models import Order
from rolodex.orders import repository, service
from rolodex.orders.schemas import OrderIn, OrderList, OrderOut, OrderStatusIn

router = APIRouter(tags=["orders"])


@router.post("/v1/orders", status_code=201, response_model=OrderOut)
def record_order(
    request: Request,
    response: Response,
    body: OrderIn,
    principal: Principal = Depends(require(Permission.INGEST)),
) -> OrderOut:
    """Record an order (201), or update the order with this source and external_id (200)."""
    with request.app.state.db.session(principal.tenant_id) as session:
        order, created = service.record_order(session, principal, body)
        if not created:
            response.status_code = 200
        return OrderOut.model_validate(order)


@router.patch("/v1/orders/{order_id}", response_model=OrderOut)
def change_order_status(
    request: Request,
    order_id: uuid.UUID,
    body: OrderStatusIn,
    principal: Principal = Depends(require(Permission.INGEST)),
) -> OrderOut:
    """Mark an order paid, refunded or cancelled; the customer's LTV follows."""
    with request.app.state.db.session(principal.tenant_id) as session:
        return OrderOut.model_validate(
            service.change_status(session, principal, order_id, body.status)
        )


@router.get("/v1/orders/{order_id}", response_model=OrderOut)
def get_order(
    request: Request,
    order_id: uuid.UUID,
    principal: Principal = Depends(require(Permission.READ)),
) -> OrderOut:
    """Read one order."""
    with request.app.state.db.session(principal.tenant_id, write=False) as session:
        return OrderOut.model_validate(service.get_order(session, principal.tenant_id, order_id))


@router.get("/v1/customers/{customer_id}/orders", response_model=OrderList)
def list_customer_orders(
    request: Request,
    customer_id: uuid.UUID,
    principal: Principal = Depends(require(Permission.READ)),
    include_deleted: bool = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> OrderList:
    """A customer's orders, newest first."""
    check_include_deleted(principal, include_deleted)
    keys = pagination.parse_sort("-placed_at", {"placed_at": Order.placed_at}, Order.id)
    with request.app.state.db.session(principal.tenant_id, write=False) as session:
        customers.get_customer(
            session, principal.tenant_id, customer_id, include_deleted=include_deleted
        )
        stmt = repository.customer_orders(principal.tenant_id, customer_id)
        items, next_cursor = keyset.page(session, stmt, keys, cursor, limit)
        return OrderList(items=[OrderOut.model_validate(o) for o in items], next_cursor=next_cursor)
