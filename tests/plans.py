"""A statement's query plan as the app runs it: in a tenant's session, under row-level
security on PostgreSQL (where an index the owner's plan uses may not serve the app)."""

from __future__ import annotations

import json
import re
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from rolodex.customers.repository import sort_keys
from rolodex.kit import pagination
from rolodex.models import Customer


def explain(backend: Any, tenant: Any, statement: Any, params: dict[str, Any] | None = None) -> str:
    """EXPLAIN (PostgreSQL, sequential scans off as a big table would have them) or EXPLAIN
    QUERY PLAN (SQLite) of ``statement`` with ``params``, as text."""
    dialect = postgresql.dialect() if backend.name == "postgres" else sqlite.dialect()
    expanded = statement.compile(dialect=dialect).construct_expanded_state(params or {})
    values = dict(expanded.parameters)
    for key, process in expanded.processors.items():  # as the driver gets them (ids as hex)
        if values.get(key) is not None:
            values[key] = process(values[key])
    with backend.db.session(tenant.id) as s:
        conn = s.connection()
        if backend.name == "postgres":
            conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
            rows = conn.exec_driver_sql(f"EXPLAIN {expanded.statement}", values).all()
        else:
            ordered = tuple(  # what a processor left: the plan is the same
                v.hex if isinstance(v, uuid.UUID) else str(v) if isinstance(v, Decimal) else v
                for v in (values[k] for k in expanded.positiontup or ())
            )
            rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {expanded.statement}", ordered).all()
    return "\n".join(str(r[-1]) for r in rows)


def page_after(tenant: Any, sort: str, values: list[Any]) -> Any:
    """The customer list's page after a cursor of ``values`` in ``sort``'s order."""
    keys = sort_keys(sort)
    return (
        select(Customer.id)
        .where(
            Customer.tenant_id == tenant.id,
            Customer.deleted_at.is_(None),
            pagination.after(keys, values),
        )
        .order_by(*pagination.order_by(keys))
        .limit(51)
    )


def filtered_page(backend: Any, tenant: Any, field: str, values: list[str]) -> Any:
    """The customer list's first page by -ltv of ``field`` in ``values``, as a statement."""
    from rolodex.search import filters
    from rolodex.search import service as search

    with backend.db.session(tenant.id) as session:
        ctx = search.context(session, tenant.id)
        condition = search.base_condition(ctx, filters.cond(field, "in", values, where=field))
    return select(Customer.id).where(condition).order_by(Customer.ltv.desc()).limit(51)


def assert_read_once(backend: Any, plan: str) -> None:
    """A filter's subquery is read once as a list, not once per customer of the list."""
    if backend.name == "sqlite":
        assert "CORRELATED" not in plan, plan  # was: CORRELATED SCALAR SUBQUERY per customer
        assert "LIST SUBQUERY" in plan, plan
    else:  # a join or a hashed subplan, no SubPlan run per row
        assert re.search(r"(?<!hashed )SubPlan \d+\)", plan) is None, plan


def listed_outside(tenant: Any, field: str, values: list[str]) -> list[dict[str, Any]]:
    """``GET /v1/customers`` filtered by ``field`` ``nin`` ``values`` (the correlated form
    the filters keep for ``not in``): the page's customers."""
    response = tenant.client.get(
        "/v1/customers",
        params={"filter": json.dumps({"field": field, "op": "nin", "value": values})},
        headers=tenant.headers(),
    )
    assert response.status_code == 200, response.text
    return list(response.json()["items"])
