"""Apply Shopify orders and refunds through the order service, so that the LTV ledger moves in
the same transaction. Never commits.

An order's contribution is worked out from marks, not from increments: its gross amount and
state (from the newest order payload) minus every refund seen for it (refunds/create, or the
``refunds`` of an orders/updated payload, each counted once by its id). Applying any of these
twice, or in any order, gives the same order row and the same LTV.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from rolodex.auth.roles import Principal
from rolodex.ingest import marks, repository
from rolodex.ingest.profiles import Applied, upsert_profile
from rolodex.ingest.records import LineItem, OrderRec, Refund
from rolodex.kit.money import quantize
from rolodex.models import Tenant
from rolodex.orders import repository as orders_repo
from rolodex.orders import service as orders
from rolodex.orders.schemas import OrderIn, OrderItemIn

PROVIDER = "shopify"
PAID = {"paid", "partially_refunded", "refunded", "partially_paid"}


def order_state(rec: OrderRec) -> str:
    """paid | refunded | cancelled | pending (not revenue yet)."""
    if rec.cancelled or rec.financial_status == "voided":
        return "cancelled"
    if rec.financial_status == "refunded":
        return "refunded"
    if rec.financial_status in PAID:
        return "paid"
    return "pending"


def contribution(state: str, gross: Decimal, refunded: Decimal) -> tuple[str, Decimal] | None:
    """(order status, order amount) for the order service; None while not revenue. A
    partially refunded order stays paid with its net amount."""
    if state == "cancelled":
        return "cancelled", gross
    if state == "refunded":
        return "refunded", gross
    if state != "paid":
        return None
    net = quantize(gross - refunded)
    return ("paid", net) if net > 0 else ("refunded", gross)


def _record_refund(session: Session, tenant_id: Any, order_id: str, refund: Refund) -> bool:
    mark = marks.lock(session, tenant_id, PROVIDER, "refund", refund.external_id)
    if mark.amount is not None:
        return False  # this refund was counted already
    mark.parent_id, mark.amount, mark.state = order_id, refund.amount, "refund"
    marks.advance(mark, refund.at)
    return True


def apply_order(session: Session, principal: Principal, tenant: Tenant, rec: OrderRec) -> Applied:
    mark = marks.lock(session, tenant.id, PROVIDER, "order", rec.external_id)
    fresh = marks.is_current(mark, rec.version_at)
    new_refunds = [r for r in rec.refunds if _record_refund(session, tenant.id, rec.external_id, r)]
    if not fresh and not new_refunds:
        return Applied("stale")
    notes: list[str] = []
    customer_id = None
    if rec.customer is not None:
        who = upsert_profile(session, principal, tenant, rec.customer)
        customer_id, notes = who.customer_id, who.notes
        if who.action == "skipped" and who.customer_id is None:
            customer_id = None
    if fresh:
        mark.amount, mark.state = rec.total, order_state(rec)
        mark.parent_id = str(customer_id) if customer_id else mark.parent_id
        marks.advance(mark, rec.version_at)
    applied = sync(session, principal, tenant, rec.external_id, rec if fresh else None)
    applied.notes = notes + applied.notes
    return applied


def apply_refund(session: Session, principal: Principal, tenant: Tenant, refund: Refund) -> Applied:
    marks.lock(session, tenant.id, PROVIDER, "order", refund.order_id)  # order before refund
    if not _record_refund(session, tenant.id, refund.order_id, refund):
        return Applied("unchanged", notes=["refund already counted"])
    return sync(session, principal, tenant, refund.order_id, None)


def sync(
    session: Session, principal: Principal, tenant: Tenant, order_id: str, rec: OrderRec | None
) -> Applied:
    """Bring the order row (and so the LTV ledger) to what the marks say."""
    mark = repository.mark(session, tenant.id, PROVIDER, "order", order_id)
    if mark is None or mark.amount is None or mark.state is None:
        return Applied("skipped", notes=["order not known yet; refund remembered"])
    refunded = sum(
        (
            m.amount or Decimal(0)
            for m in repository.child_marks(session, tenant.id, PROVIDER, "refund", order_id)
        ),
        Decimal("0.00"),
    )
    wanted = contribution(mark.state, mark.amount, refunded)
    existing = orders_repo.by_external(session, tenant.id, PROVIDER, order_id)
    if wanted is None:
        return Applied(
            "skipped", existing.customer_id if existing else None, ["order not paid yet"]
        )
    customer_id = existing.customer_id if existing else _uuid(mark.parent_id)
    if customer_id is None:
        return Applied("skipped", notes=["order has no customer to attach to"])
    status, amount = wanted
    data = OrderIn(
        customer_id=customer_id,
        external_id=order_id,
        source=PROVIDER,
        number=rec.number if rec else (existing.number if existing else None),
        status=status,
        amount=amount,
        currency=rec.currency if rec else (existing.currency if existing else "USD"),
        placed_at=rec.placed_at if rec else None,
        items=[_item(i) for i in rec.items] if rec else [],
    )
    if (
        existing is not None
        and existing.status == status
        and existing.amount == amount
        and (rec is None or not rec.items)
    ):
        return Applied("unchanged", customer_id)
    order, created = orders.record_order(session, principal, data, locked=(existing,))
    return Applied(
        "created" if created else "updated",
        order.customer_id,
        [f"order {order.id} {status} {amount}"],
    )


def _item(item: LineItem) -> OrderItemIn:
    return OrderItemIn(
        product=item.product,
        sku=item.sku,
        brand=item.brand,
        category=item.category,
        quantity=item.quantity,
        price=item.price,
    )


def _uuid(value: str | None) -> Any:
    import uuid

    try:
        return uuid.UUID(value) if value else None
    except ValueError:
        return None
