"""Customer queries. SQL about customers lives here."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, bindparam, func, literal_column, select
from sqlalchemy.orm import Session

from rolodex.customers.loading import load_children
from rolodex.kit import pagination
from rolodex.kit.stored import Stored
from rolodex.kit.time import utcnow
from rolodex.models import Customer, Tenant
from rolodex.search import conditions, filters
from rolodex.search import sql as search_sql
from rolodex.search.conditions import Context

SORTABLE: dict[str, pagination.Sortable] = {
    "created_at": Customer.created_at,
    "updated_at": Customer.updated_at,
    "ltv": Customer.ltv,
    # Indexed in sort order (migration 0115): on SQLite the expression, written with a
    # literal '' for the index to match it; on PostgreSQL a stored column.
    "last_name": Stored(
        func.coalesce(Customer.last_name, literal_column("''")),
        Customer.last_name,
        "last_name_sort",
    ),
    "first_name": func.coalesce(Customer.first_name, ""),
    "full_name": func.coalesce(Customer.full_name, ""),
    "email": Stored(
        func.coalesce(Customer.email_normalized, literal_column("''")),
        Customer.email_normalized,
        "email_sort",
    ),
    "phone": func.coalesce(Customer.phone_e164, ""),
    "company": func.coalesce(Customer.company, ""),
    "lifecycle_stage": Customer.lifecycle_stage,
    "status": Customer.status,
    "customer_type": Customer.customer_type,
    "campaign": func.coalesce(Customer.utm_campaign, ""),
    # Never active / never ordered sorts as the oldest time (see search.sql.Never).
    "last_active_at": search_sql.or_never(Customer.last_active_at),
    "last_order_at": search_sql.or_never(Customer.last_order_at),
    "order_count": Customer.order_count,
    # More days since the last order = an older last order: the same key, reversed.
    "days_since_last_order": search_sql.or_never(Customer.last_order_at),
}
REVERSED = {"days_since_last_order"}


def sort_keys(spec: str | None) -> list[pagination.SortKey]:
    """Parsed ``sort`` (422 on unknown names) with computed keys turned the right way."""
    keys = pagination.parse_sort(spec, SORTABLE, Customer.id)
    return [
        pagination.SortKey(k.name, k.expr, not k.desc) if k.name in REVERSED else k for k in keys
    ]


@dataclass
class CustomerFilter:
    """What to list. The named fields are shorthands; ``expr`` is the filter language
    (rolodex.search.filters), ANDed with them. ``now`` anchors relative times."""

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
    expr: filters.Node | None = None
    now: datetime | None = None

    def node(self) -> filters.Node:
        """The whole filter as one tree of the filter language."""
        parts: list[filters.Node | None] = [self.expr]
        for name, values in (
            ("stage", self.stage),
            ("status", self.status),
            ("type", self.type),
            ("source", self.source),
            ("country", self.country),
        ):
            if values:
                parts.append(filters.cond(name, "in", values))
        parts += [filters.cond("tags", "all", [t]) for t in self.tags]
        if self.ltv_min is not None:
            parts.append(filters.cond("ltv", "gte", self.ltv_min, where="ltv_min"))
        if self.ltv_max is not None:
            parts.append(filters.cond("ltv", "lte", self.ltv_max, where="ltv_max"))
        if self.created_after is not None:
            parts.append(filters.Cond("created_at", "gte", self.created_after))
        if self.created_before is not None:
            parts.append(filters.Cond("created_at", "lt", self.created_before))
        if self.q and self.q.strip():
            parts.append(filters.cond("q", "match", self.q.strip()[:200], where="q"))
        if self.include_deleted and not filters.conditions(self.expr, "deleted"):
            parts.append(filters.Cond("deleted", "eq", "include"))
        return filters.join(*parts)


def get(session: Session, tenant_id: uuid.UUID, customer_id: uuid.UUID) -> Customer | None:
    return session.get(Customer, (tenant_id, customer_id))


_LIVE_BY_EMAIL = select(Customer).where(
    Customer.tenant_id == bindparam("t"),
    Customer.email_normalized == bindparam("e"),
    Customer.deleted_at.is_(None),
)  # built once: every customer write checks the email


def live_by_email(session: Session, tenant_id: uuid.UUID, email_normalized: str) -> Customer | None:
    return session.scalars(_LIVE_BY_EMAIL, {"t": tenant_id, "e": email_normalized}).first()


def _filtered(
    session: Session, tenant_id: uuid.UUID, f: CustomerFilter, ctx: Context | None = None
) -> Select[Any]:
    if ctx is None:
        tenant = session.get(Tenant, tenant_id)
        region = tenant.default_region if tenant else "US"
        ctx = Context(session, tenant_id, f.now or utcnow(), region)
    node = f.node()
    stmt = select(Customer).where(Customer.tenant_id == tenant_id, conditions.where(ctx, node))
    mode = conditions.deleted_mode(node)
    if mode == "exclude":
        stmt = stmt.where(Customer.deleted_at.is_(None))
    elif mode == "only":
        stmt = stmt.where(Customer.deleted_at.isnot(None))
    return stmt


def page(
    session: Session,
    tenant_id: uuid.UUID,
    f: CustomerFilter,
    keys: list[pagination.SortKey],
    cursor_values: list[Any] | None,
    limit: int,
    *,
    ctx: Context | None = None,
) -> tuple[list[Customer], list[Any] | None]:
    """One page and the sort values of its last row when another page follows."""
    stmt = _filtered(session, tenant_id, f, ctx)
    if cursor_values is not None:
        stmt = stmt.where(pagination.after(keys, cursor_values))
    cols = [k.expr.label(f"_k{i}") for i, k in enumerate(keys)]
    rows = session.execute(
        stmt.add_columns(*cols).order_by(*pagination.order_by(keys)).limit(limit + 1)
    ).all()
    items = [row[0] for row in rows[:limit]]
    load_children(session, items)
    if len(rows) <= limit:
        return items, None
    last = rows[limit - 1]
    return items, list(last[1:])


def count(
    session: Session, tenant_id: uuid.UUID, f: CustomerFilter, *, ctx: Context | None = None
) -> int:
    sub = _filtered(session, tenant_id, f, ctx).with_only_columns(Customer.id).subquery()
    return int(session.scalar(select(func.count()).select_from(sub)) or 0)
