"""Export queries: keyset pages of customers matching a condition, in creation order, and the
shape of a CSV (how many addresses, which custom attributes) over the same condition."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, Select, Table, func, select, true, tuple_
from sqlalchemy.orm import Session

from rolodex.models import Address, Customer

CUSTOMERS = cast(Table, Customer.__table__)
ADDRESSES = cast(Table, Address.__table__)


def page(
    session: Session,
    tenant_id: uuid.UUID,
    condition: ColumnElement[bool],
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
    newest_first: bool = False,
) -> list[dict[str, Any]]:
    """Up to ``limit`` matching customers after ``after`` (created_at, id) in creation order,
    oldest or newest first: the order of ix_customers_tenant_created, so each page reads on
    from where the last one stopped."""
    c = CUSTOMERS.c
    key = tuple_(c.created_at, c.id)
    stmt = select(CUSTOMERS).where(c.tenant_id == tenant_id, condition)
    if after is not None:
        # A row-value comparison, which both engines take as where an index range starts.
        stmt = stmt.where(key < after if newest_first else key > after)
    order = (c.created_at.desc(), c.id.desc()) if newest_first else (c.created_at, c.id)
    rows = session.execute(stmt.order_by(*order).limit(limit)).mappings()
    return [dict(r) for r in rows]


def rows(session: Session, tenant_id: uuid.UUID, ids: list[uuid.UUID]) -> list[dict[str, Any]]:
    """The customers of these ids (in no particular order)."""
    c = CUSTOMERS.c
    stmt = select(CUSTOMERS).where(c.tenant_id == tenant_id, c.id.in_(ids))
    return [dict(r) for r in session.execute(stmt).mappings()]


def first(
    condition: ColumnElement[bool], order: Sequence[ColumnElement[Any]], limit: int
) -> Select[tuple[uuid.UUID]]:
    """The ids of the first ``limit`` customers of ``condition`` in ``order``. Read once
    (materialized): a planner without statistics for the rows just loaded ran the ordered,
    limited scan again for each row of the query it sat in."""
    ids = select(CUSTOMERS.c.id).where(condition).order_by(*order).limit(limit)
    chosen = ids.cte("chosen").prefix_with("MATERIALIZED", dialect="postgresql")
    return select(chosen.c.id)


def max_addresses(session: Session, tenant_id: uuid.UUID, ids: Select[tuple[uuid.UUID]]) -> int:
    """The most addresses one of these customers has."""
    per = (
        select(func.count().label("n"))
        .where(ADDRESSES.c.tenant_id == tenant_id, ADDRESSES.c.customer_id.in_(ids))
        .group_by(ADDRESSES.c.customer_id)
        .subquery()
    )
    return int(session.scalar(select(func.max(per.c.n))) or 0)


def ids_of(tenant_id: uuid.UUID, condition: ColumnElement[bool]) -> Select[tuple[uuid.UUID]]:
    return select(CUSTOMERS.c.id).where(CUSTOMERS.c.tenant_id == tenant_id, condition)


def attribute_names(
    session: Session, tenant_id: uuid.UUID, condition: ColumnElement[bool]
) -> list[str]:
    """Every custom attribute name used by a matching customer, sorted."""
    c = CUSTOMERS.c
    where = (c.tenant_id == tenant_id, condition)
    if session.get_bind().dialect.name == "postgresql":
        keys = func.jsonb_object_keys(c.attributes)
        stmt = select(keys.label("k")).where(*where, func.jsonb_typeof(c.attributes) == "object")
    else:
        each = func.json_each(c.attributes).table_valued("key", name="je")
        stmt = select(each.c.key).select_from(CUSTOMERS).join(each, true())
        # as on PostgreSQL: json_each of null or a list gave a key None, or 0, 1, ...
        stmt = stmt.where(*where, func.json_type(c.attributes) == "object")
    return sorted({str(k) for k in session.scalars(stmt.distinct())})
