"""Finding customers: one entry point for the customer list, segment members and exports.

Two ways to order a list:

- by relevance (a text query and no other sort): each index clause gives its candidates
  (at most CAP each, the most recently indexed; for names exact words, then prefixes, then
  typos; for an email prefix the first in email order), Python scores them with the same
  rules on both engines (search/text.py) and pages by (score, created_at, id). Relevance
  lists end after the candidates: refine the query or sort by a column;
- by columns (``sort=-ltv,created_at``): SQL with keyset pagination over every match, the
  text query then being a plain condition.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Uuid, and_, bindparam, func, literal_column, select
from sqlalchemy.orm import Session

from rolodex.customers import repository as customers
from rolodex.customers.loading import load_children
from rolodex.errors import NotFound, field_error
from rolodex.kit import pagination
from rolodex.kit.time import utcnow
from rolodex.models import Customer, Tenant
from rolodex.search import conditions, filters, text
from rolodex.search import repository as index
from rolodex.search.filters import Node

RELEVANCE_KEYS = [
    pagination.SortKey("relevance", literal_column("relevance"), True),
    pagination.SortKey("created_at", Customer.created_at, True),
    pagination.SortKey("id", Customer.id, True),
]


@dataclass
class ListQuery:
    filter: Node | None = None
    q: str | None = None  # ranked text query; a q inside ``filter`` is only a condition
    sort: str | None = None
    limit: int = 50
    cursor: str | None = None
    count: bool = False


@dataclass
class ListResult:
    items: list[Customer]
    next_cursor: str | None
    total: int | None = None
    relevance: list[int] | None = None


# Statements run on every search, built once (building cost more than running them).
_REGION = select(Tenant.default_region).where(Tenant.id == bindparam("tid", type_=Uuid))
_BY_IDS = select(Customer).where(
    Customer.tenant_id == bindparam("tid", type_=Uuid),
    Customer.id.in_(bindparam("ids", expanding=True)),
)


# On PostgreSQL the same lookup also asks, for the rest of the transaction, for a plan made
# for the values at hand: psycopg prepares a statement after five runs, and PostgreSQL may
# then plan it once for any value. A search for a rare word planned as for a common one
# walked a million rows (1.5 s instead of 20 ms). Writers keep their cached plans (planning
# every statement cost webhook processing a sixth of its throughput).
_REGION_PG = _REGION.add_columns(func.set_config("plan_cache_mode", "force_custom_plan", True))


def context(
    session: Session, tenant_id: uuid.UUID, now: datetime | None = None
) -> conditions.Context:
    pg = session.get_bind().dialect.name == "postgresql"
    region = (
        session.connection().execute(_REGION_PG if pg else _REGION, {"tid": tenant_id}).scalar()
    )
    if region is None:
        raise NotFound("tenant not found")
    return conditions.Context(session, tenant_id, now or utcnow(), region)


def base_condition(ctx: conditions.Context, node: Node | None) -> ColumnElement[bool]:
    """Tenant, deleted switch and the filter: every list, count and export starts here."""
    mode = conditions.deleted_mode(node)
    parts = [Customer.tenant_id == ctx.tenant_id, conditions.where(ctx, node)]
    if mode == "exclude":
        parts.append(Customer.deleted_at.is_(None))
    elif mode == "only":
        parts.append(Customer.deleted_at.isnot(None))
    return and_(*parts)


def list_customers(
    session: Session, tenant_id: uuid.UUID, query: ListQuery, *, now: datetime | None = None
) -> ListResult:
    ctx = context(session, tenant_id, now)
    q = (query.q or "").strip() or None
    if q and (query.sort in (None, "", "relevance", "-relevance")):
        return _by_relevance(ctx, q, query)
    if query.sort and query.sort.lstrip("+-") == "relevance":
        raise field_error("sort", "relevance needs a text query (q)")
    node = filters.join(query.filter, filters.cond("q", "match", q, where="q") if q else None)
    keys = customers.sort_keys(query.sort)
    values = pagination.decode_cursor(query.cursor, keys) if query.cursor else None
    f = customers.CustomerFilter(expr=node, now=ctx.now)
    items, last = customers.page(session, tenant_id, f, keys, values, query.limit, ctx=ctx)
    total = customers.count(session, tenant_id, f, ctx=ctx) if query.count else None
    cursor = pagination.encode_cursor(keys, last) if last is not None else None
    return ListResult(items, cursor, total)


def count_customers(
    session: Session, tenant_id: uuid.UUID, node: Node | None, *, now: datetime | None = None
) -> int:
    ctx = context(session, tenant_id, now)
    return customers.count(session, tenant_id, customers.CustomerFilter(expr=node), ctx=ctx)


def customer_ids(ctx: conditions.Context, node: Node | None) -> Any:
    """A SELECT of the ids of matching customers (for exports, stats, segment refreshes)."""
    return select(Customer.id).where(base_condition(ctx, node))


# ---- relevance -------------------------------------------------------------------------------


def rank(
    ctx: conditions.Context, q: str, node: Node | None
) -> list[tuple[int, datetime, uuid.UUID]]:
    """(score, created_at, id) of every candidate, best first; the same on both engines."""
    query, words = conditions.parse_text(ctx, q)
    # No filter: the index's own statements for live customers (built once, see candidates).
    cond = None if node is None or node == filters.TRUE else base_condition(ctx, node)

    def run(found: list[index.Lookup], **kw: Any) -> dict[str, dict[uuid.UUID, index.Row]]:
        return index.candidates(ctx.session, ctx.tenant_id, found, cond, **kw)

    lookups = index.lookups(ctx.dialect, query, words)
    starts: dict[uuid.UUID, index.Row] = {}
    prefix = [lk for lk in lookups if lk[1] in index.EMAIL_PREFIX]
    if prefix:
        # Emails starting with the query, in email order (an index walk that stops early).
        # When there are more than EMAIL_CAP, those are the email candidates: a substring
        # match would rank below them, and sorting every match would read them all.
        starts = run(prefix, by_email=True, cap=index.EMAIL_CAP).get("email", {})
    many = len(starts) > index.EMAIL_CAP
    rest = [lk for lk in lookups if lk not in prefix and not (many and lk[0] == "email")]
    by_clause = run(rest)
    if len(by_clause.get("name", {})) > index.CAP:
        by_clause["name"] = _name_fallback(ctx, query, words, cond, by_clause["name"])
    for via, rows in by_clause.items():
        by_clause[via] = dict(list(rows.items())[: index.CAP])
    if prefix:  # every prefix match (or the first EMAIL_CAP), then substring ones
        email = dict(list(starts.items())[: index.EMAIL_CAP])
        for cid, row in by_clause.get("email", {}).items():
            email.setdefault(cid, row)
        by_clause["email"] = email
    found: dict[uuid.UUID, tuple[index.Row, set[str]]] = {}
    for via, rows in by_clause.items():
        for row in rows.values():
            found.setdefault(row.customer_id, (row, set()))[1].add(via)
    ranked = [
        (text.score(query, row.candidate, frozenset(vias)), row.created_at, cid)
        for cid, (row, vias) in found.items()
    ]
    ranked = [r for r in ranked if r[0] > 0]
    ranked.sort(reverse=True)
    return ranked


def _name_fallback(
    ctx: conditions.Context,
    query: text.Query,
    words: index.Words | None,
    cond: ColumnElement[bool] | None,
    typos: dict[uuid.UUID, index.Row],
) -> dict[uuid.UUID, index.Row]:
    """More name matches than CAP (``typos``: the newest of them): exact words first, then
    prefixes, then typos, the newest of each, CAP in all (the same on both engines)."""

    def run(tier: str) -> dict[uuid.UUID, index.Row]:
        name = [lk for lk in index.lookups(ctx.dialect, query, words, tier) if lk[0] == "name"]
        return index.candidates(ctx.session, ctx.tenant_id, name, cond).get("name", {})

    out = run("exact")
    if len(out) <= index.CAP:
        for more in (run("prefix"), typos):
            for cid, row in more.items():
                out.setdefault(cid, row)
    return dict(list(out.items())[: index.CAP])


def _by_relevance(ctx: conditions.Context, q: str, query: ListQuery) -> ListResult:
    ranked = rank(ctx, q, query.filter)
    if query.cursor:
        after = pagination.decode_cursor(query.cursor, RELEVANCE_KEYS)
        if not isinstance(after[0], int) or not isinstance(after[1], datetime):
            raise field_error("cursor", "not a cursor from this list and sort")
        mark = (after[0], after[1], after[2])
        ranked = [r for r in ranked if r < mark]
    page = ranked[: query.limit]
    ids = [r[2] for r in page]
    loaded = (
        {c.id: c for c in ctx.session.scalars(_BY_IDS, {"tid": ctx.tenant_id, "ids": ids})}
        if ids
        else {}
    )
    items = [loaded[r[2]] for r in page if r[2] in loaded]
    # As a list page does: loaded one by one, each customer's sources read every source of
    # the tenant on SQLite (q=smith: 2.1 s at 100,000 customers)
    load_children(ctx.session, items)
    cursor = None
    if len(ranked) > query.limit and page:
        cursor = pagination.encode_cursor(RELEVANCE_KEYS, list(page[-1]))
    total = None
    if query.count:
        node = filters.join(query.filter, filters.cond("q", "match", q, where="q"))
        total = customers.count(
            ctx.session, ctx.tenant_id, customers.CustomerFilter(expr=node), ctx=ctx
        )
    return ListResult(items, cursor, total, [r[0] for r in page])


def with_filter(query: ListQuery, node: Node | None) -> ListQuery:
    return replace(query, filter=filters.join(query.filter, node))


def needs_admin(node: Node | None) -> bool:
    """Deleted customers are for admins only."""
    return conditions.deleted_mode(node) != "exclude"


def scope_from_params(
    session: Session, tenant_id: uuid.UUID, items: Any, now: datetime | None = None
) -> ColumnElement[bool] | None:
    """The filter parameters of a request (as for GET /v1/customers) as one condition on
    customers, for figures over a part of them (stats of a segment); None without any."""
    from rolodex.search.params import filter_from_params

    node = filter_from_params(items)
    if node == filters.TRUE:
        return None
    return conditions.where(context(session, tenant_id, now), node)
