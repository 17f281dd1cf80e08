"""Customer queries. SQL about customers lives here."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import Session

from rolodex.kit import pagination
from rolodex.models import Address, Customer, CustomerSource, CustomerTag

SORTABLE: dict[str, pagination.Sortable] = {
    "created_at": Customer.created_at,
    "updated_at": Customer.updated_at,
    "ltv": Customer.ltv,
    "last_name": func.coalesce(Customer.last_name, ""),
    "first_name": func.coalesce(Customer.first_name, ""),
    "email": func.coalesce(Customer.email_normalized, ""),
    "lifecycle_stage": Customer.lifecycle_stage,
    "status": Customer.status,
}


@dataclass
class CustomerFilter:
    q: str | None = None
    stage: list[str] = field(default_factory=list)
    status: list[str] = field(default_factory=list)
    type: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    source: list[str] = field(default_factory=list)
    country: list[str] = field(default_factory=list)
    ltv_min: Decimal | None = None
    ltv_max: Decimal | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None
    include_deleted: bool = False


def get(session: Session, tenant_id: uuid.UUID, customer_id: uuid.UUID) -> Customer | None:
    return session.get(Customer, (tenant_id, customer_id))


def live_by_email(session: Session, tenant_id: uuid.UUID, email_normalized: str) -> Customer | None:
    return session.scalars(
        select(Customer).where(
            Customer.tenant_id == tenant_id,
            Customer.email_normalized == email_normalized,
            Customer.deleted_at.is_(None),
        )
    ).first()


def _filtered(tenant_id: uuid.UUID, f: CustomerFilter) -> Select[Any]:
    stmt = select(Customer).where(Customer.tenant_id == tenant_id)
    if not f.include_deleted:
        stmt = stmt.where(Customer.deleted_at.is_(None))
    if f.stage:
        stmt = stmt.where(Customer.lifecycle_stage.in_(f.stage))
    if f.status:
        stmt = stmt.where(Customer.status.in_(f.status))
    if f.type:
        stmt = stmt.where(Customer.customer_type.in_(f.type))
    for tag in f.tags:
        stmt = stmt.where(
            exists().where(
                CustomerTag.tenant_id == Customer.tenant_id,
                CustomerTag.customer_id == Customer.id,
                CustomerTag.tag == tag,
            )
        )
    if f.source:
        stmt = stmt.where(
            exists().where(
                CustomerSource.tenant_id == Customer.tenant_id,
                CustomerSource.customer_id == Customer.id,
                CustomerSource.source.in_(f.source),
            )
        )
    if f.country:
        stmt = stmt.where(
            exists().where(
                Address.tenant_id == Customer.tenant_id,
                Address.customer_id == Customer.id,
                Address.country.in_(f.country),
            )
        )
    if f.ltv_min is not None:
        stmt = stmt.where(Customer.ltv >= f.ltv_min)
    if f.ltv_max is not None:
        stmt = stmt.where(Customer.ltv <= f.ltv_max)
    if f.created_after is not None:
        stmt = stmt.where(Customer.created_at >= f.created_after)
    if f.created_before is not None:
        stmt = stmt.where(Customer.created_at < f.created_before)
    if f.q:
        like = f"%{_escape_like(f.q.strip().lower())}%"
        stmt = stmt.where(
            or_(
                func.lower(Customer.full_name).like(like, escape="\\"),
                Customer.email_normalized.like(like, escape="\\"),
                Customer.phone_e164.like(like, escape="\\"),
                func.lower(Customer.company).like(like, escape="\\"),
            )
        )
    return stmt


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def page(
    session: Session,
    tenant_id: uuid.UUID,
    f: CustomerFilter,
    keys: list[pagination.SortKey],
    cursor_values: list[Any] | None,
    limit: int,
) -> tuple[list[Customer], list[Any] | None]:
    """One page and the sort values of its last row when another page follows."""
    stmt = _filtered(tenant_id, f)
    if cursor_values is not None:
        stmt = stmt.where(pagination.after(keys, cursor_values))
    cols = [k.expr.label(f"_k{i}") for i, k in enumerate(keys)]
    rows = session.execute(
        stmt.add_columns(*cols).order_by(*pagination.order_by(keys)).limit(limit + 1)
    ).all()
    items = [row[0] for row in rows[:limit]]
    if len(rows) <= limit:
        return items, None
    last = rows[limit - 1]
    return items, list(last[1:])


def count(session: Session, tenant_id: uuid.UUID, f: CustomerFilter) -> int:
    sub = _filtered(tenant_id, f).with_only_columns(Customer.id).subquery()
    return int(session.scalar(select(func.count()).select_from(sub)) or 0)
