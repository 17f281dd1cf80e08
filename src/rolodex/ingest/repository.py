"""Ingestion queries: sources, the inbox, version marks, predictions."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, cast

from sqlalchemy import Connection, Select, Table, bindparam, func, insert, select, text, union_all
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from rolodex.jobs import queue
from rolodex.kit import txcache
from rolodex.models import CustomerPrediction, InboxItem, IngestMark, Job, WebhookSource
from rolodex.models.customers import Customer, CustomerSource


def _insert(session: Session, model: Any) -> Any:
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


# -- sources -----------------------------------------------------------------------------
def sources(session: Session, tenant_id: uuid.UUID) -> list[WebhookSource]:
    return list(
        session.scalars(
            select(WebhookSource)
            .where(WebhookSource.tenant_id == tenant_id)
            .order_by(WebhookSource.created_at, WebhookSource.id)
        )
    )


def active_sources(session: Session, tenant_id: uuid.UUID, provider: str) -> list[WebhookSource]:
    return list(
        session.scalars(
            select(WebhookSource).where(
                WebhookSource.tenant_id == tenant_id,
                WebhookSource.provider == provider,
                WebhookSource.disabled_at.is_(None),
            )
        )
    )


def source(session: Session, tenant_id: uuid.UUID, source_id: uuid.UUID) -> WebhookSource | None:
    return session.get(WebhookSource, (tenant_id, source_id))


def source_name_taken(session: Session, tenant_id: uuid.UUID, provider: str, name: str) -> bool:
    return (
        session.scalar(
            select(WebhookSource.id).where(
                WebhookSource.tenant_id == tenant_id,
                WebhookSource.provider == provider,
                WebhookSource.name == name,
            )
        )
        is not None
    )


# -- inbox -------------------------------------------------------------------------------
_INBOX: Any = InboxItem.__table__
_JOBS: Any = Job.__table__
_STORE: dict[str, tuple[Any, Any]] = {}
_SET_TENANT = text("SELECT set_config('app.tenant_id', :t, true)")


def _store_statements(dialect: str) -> tuple[Any, Any]:
    """Built once per dialect: compiled once and cached, values passed as parameters."""
    if dialect not in _STORE:
        insert_inbox = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(_INBOX)
        inbox = insert_inbox.on_conflict_do_nothing(
            index_elements=["tenant_id", "provider", "delivery_key"]
        ).returning(_INBOX.c.id)
        _STORE[dialect] = (inbox, insert(_JOBS))
    return _STORE[dialect]


def store_delivery(
    conn: Connection, row: dict[str, Any], job_kind: str, job_payload: dict[str, Any]
) -> bool:
    """Insert the inbox row and its job; False (nothing written) if the delivery key is known.
    Core statements on a connection: this is the acknowledgement path, it must be quick."""
    inbox, jobs = _store_statements(conn.dialect.name)
    if conn.execute(inbox, row).first() is None:
        return False
    conn.execute(jobs, queue.insert_values(row["tenant_id"], row["job_id"], job_kind, job_payload))
    return True


def store_deliveries(
    conn: Connection,
    rows: list[dict[str, Any]],
    job_kind: str,
    job_payload: Callable[[dict[str, Any]], dict[str, Any]],
) -> set[uuid.UUID]:
    """Insert many inbox rows and a job for each new one, in the caller's transaction: one
    multi-row insert per tenant (the tenant set first on PostgreSQL, for row-level security).
    The ids of the rows stored; a known delivery key (or one repeated in ``rows``: the first
    wins) stores nothing."""
    inbox, jobs = _store_statements(conn.dialect.name)
    postgres = conn.dialect.name == "postgresql"
    by_tenant: dict[uuid.UUID, list[dict[str, Any]]] = {}
    for row in rows:
        by_tenant.setdefault(row["tenant_id"], []).append(row)
    stored: set[uuid.UUID] = set()
    for tenant_id, group in by_tenant.items():
        if postgres:
            conn.execute(_SET_TENANT, {"t": str(tenant_id)})
        if len(group) == 1:
            found = {r[0] for r in conn.execute(inbox, group[0])}
        else:
            found = {r[0] for r in conn.execute(inbox, group)}
        new = [
            queue.insert_values(tenant_id, row["job_id"], job_kind, job_payload(row))
            for row in group
            if row["id"] in found
        ]
        if new:
            conn.execute(jobs, new)
        stored |= found
    return stored


def inbox_item(session: Session, tenant_id: uuid.UUID, item_id: uuid.UUID) -> InboxItem | None:
    return session.get(InboxItem, (tenant_id, item_id))


def inbox_items(
    session: Session, tenant_id: uuid.UUID, item_ids: list[uuid.UUID]
) -> list[InboxItem]:
    return list(
        session.scalars(
            select(InboxItem).where(InboxItem.tenant_id == tenant_id, InboxItem.id.in_(item_ids))
        )
    )


def inbox_query(tenant_id: uuid.UUID, provider: str | None) -> Select[Any]:
    stmt = select(InboxItem).where(InboxItem.tenant_id == tenant_id)
    if provider:
        stmt = stmt.where(InboxItem.provider == provider)
    return stmt


def job_states(
    session: Session, tenant_id: uuid.UUID, job_ids: list[uuid.UUID]
) -> dict[uuid.UUID, tuple[str, str | None]]:
    if not job_ids:
        return {}
    rows = session.execute(
        select(Job.id, Job.state, Job.last_error).where(
            Job.tenant_id == tenant_id, Job.id.in_(job_ids)
        )
    )
    return {r[0]: (r[1], r[2]) for r in rows}


# -- marks -------------------------------------------------------------------------------
def mark(
    session: Session, tenant_id: uuid.UUID, provider: str, kind: str, external_id: str
) -> IngestMark | None:
    return session.get(IngestMark, (tenant_id, provider, kind, external_id))


def marks(
    session: Session, tenant_id: uuid.UUID, provider: str, kind: str, external_ids: list[str]
) -> dict[str, IngestMark]:
    if not external_ids:
        return {}
    rows = session.scalars(
        select(IngestMark).where(
            IngestMark.tenant_id == tenant_id,
            IngestMark.provider == provider,
            IngestMark.kind == kind,
            IngestMark.external_id.in_(external_ids),
        )
    )
    return {m.external_id: m for m in rows}


# Built once, values bound per call (building a statement costs more than running it here).
_MARKS = cast(Table, IngestMark.__table__)
_MARKS_OF = select(IngestMark).where(
    IngestMark.tenant_id == bindparam("t"),
    IngestMark.provider == bindparam("p"),
    IngestMark.kind.in_(bindparam("k", expanding=True)),
    IngestMark.external_id == bindparam("e"),
)
_CHILD_MARKS = select(IngestMark).where(
    IngestMark.tenant_id == bindparam("t"),
    IngestMark.provider == bindparam("p"),
    IngestMark.kind == bindparam("k"),
    IngestMark.parent_id == bindparam("parent"),
)
# The linked customer's id first (the unique index on the outside id), then the customer by
# its primary key: a plan that needs no statistics. Joined the other way round, PostgreSQL
# without them (a tenant filling up before ANALYZE runs) walks every customer of the tenant.
_BY_SOURCE = select(Customer).where(
    Customer.tenant_id == bindparam("t"),
    Customer.id
    == select(CustomerSource.customer_id)
    .where(
        CustomerSource.tenant_id == bindparam("t"),
        CustomerSource.source == bindparam("s"),
        CustomerSource.external_id == bindparam("e"),
    )
    .limit(1)
    .scalar_subquery(),
)


def marks_of(
    session: Session, tenant_id: uuid.UUID, provider: str, kinds: list[str], external_id: str
) -> dict[str, IngestMark]:
    """The marks of several kinds of one outside id, by kind, in one query (none when the
    transaction loaded them all ahead: see ``load_related``)."""
    facts = txcache.cache(session)
    if all((_COMPLETE, tenant_id, provider, k, external_id) in facts for k in kinds):
        held = (facts.get(("mark", tenant_id, provider, k, external_id)) for k in kinds)
        return {m.kind: m for m in held if m is not None and sa_inspect(m).persistent}
    params = {"t": tenant_id, "p": provider, "k": kinds, "e": external_id}
    return {m.kind: m for m in session.scalars(_MARKS_OF, params)}


def child_marks(
    session: Session, tenant_id: uuid.UUID, provider: str, kind: str, parent_id: str
) -> list[IngestMark]:
    """The marks of a kind whose parent is ``parent_id`` (as ``load_related`` left them)."""
    facts = txcache.cache(session)
    if (_COMPLETE, tenant_id, provider, kind, parent_id) in facts:
        found = [
            m
            for key, m in facts.items()
            if key[0] == "mark" and key[1:4] == (tenant_id, provider, kind)
            and m.parent_id == parent_id and sa_inspect(m).persistent
        ]  # fmt: skip
        return sorted(found, key=lambda m: m.external_id)
    params = {"t": tenant_id, "p": provider, "k": kind, "parent": parent_id}
    return list(session.scalars(_CHILD_MARKS, params))


_COMPLETE = "marks_complete"  # every mark of (kind, outside or parent id) is held in the facts


def load_related(
    session: Session,
    tenant_id: uuid.UUID,
    provider: str,
    by_id: dict[str, list[str]],
    by_parent: dict[str, list[str]],
) -> None:
    """Load, in one query, the marks of these kinds of these outside ids (``by_id``) and of
    these kinds under these parents (``by_parent``); ``marks_of`` and ``child_marks`` then
    answer from them. Marks locked later in the transaction join them (marks.lock)."""
    c = _MARKS.c
    mine = (c.tenant_id == tenant_id, c.provider == provider)
    parts = [
        select(_MARKS).where(*mine, c.kind == kind, c.external_id.in_(sorted(set(ids))))
        for kind, ids in by_id.items()
        if ids
    ]
    parts += [
        select(_MARKS).where(*mine, c.kind == kind, c.parent_id.in_(sorted(set(parents))))
        for kind, parents in by_parent.items()
        if parents
    ]
    if not parts:
        return
    stmt = select(IngestMark).from_statement(union_all(*parts))
    facts = txcache.cache(session)
    for mark in session.scalars(stmt):
        facts.setdefault(("mark", tenant_id, provider, mark.kind, mark.external_id), mark)
    for kind, ids in by_id.items():
        for eid in ids:
            facts[(_COMPLETE, tenant_id, provider, kind, eid)] = True
    for kind, parents in by_parent.items():
        for parent in parents:
            facts[(_COMPLETE, tenant_id, provider, kind, parent)] = True


# -- customers by outside id -------------------------------------------------------------
def customer_by_source(
    session: Session, tenant_id: uuid.UUID, source_name: str, external_id: str
) -> Customer | None:
    """The customer linked to this outside id (soft-deleted ones included). Found (or
    linked) once per transaction: later calls get the same object without a query."""
    key = ("by_source", tenant_id, source_name, external_id)
    known, held = txcache.held(session, key)
    if known:
        return cast(Customer | None, held)
    params = {"t": tenant_id, "s": source_name, "e": external_id}
    customer = session.scalars(_BY_SOURCE, params).first()
    if customer is not None:
        txcache.cache(session)[key] = customer
    return customer


def load_by_sources(
    session: Session, tenant_id: uuid.UUID, source_name: str, external_ids: list[str]
) -> None:
    """``customer_by_source`` for many outside ids at once (those of a shared transaction's
    jobs, ahead of them): the transaction remembers each customer, or that there is none,
    until one is linked (``remember_source``)."""
    wanted = sorted(set(external_ids))
    if not wanted:
        return
    # the links by the unique outside id, then the customers by primary key (see _BY_SOURCE)
    rows = session.execute(
        select(CustomerSource.external_id, CustomerSource.customer_id).where(
            CustomerSource.tenant_id == tenant_id,
            CustomerSource.source == source_name,
            CustomerSource.external_id.in_(wanted),
        )
    )
    links = {eid: cid for eid, cid in rows if eid is not None}
    found: dict[uuid.UUID, Customer] = {}
    if links:
        stmt = select(Customer).where(
            Customer.tenant_id == tenant_id, Customer.id.in_(set(links.values()))
        )
        found = {c.id: c for c in session.scalars(stmt)}
    facts = txcache.cache(session)
    for eid in wanted:
        customer_id = links.get(eid)
        facts[("by_source", tenant_id, source_name, eid)] = (
            found.get(customer_id) if customer_id else None
        )


def remember_source(
    session: Session, source_name: str, external_id: str, customer: Customer
) -> None:
    """This outside id is now linked to this customer (created or matched in this transaction)."""
    key = ("by_source", customer.tenant_id, source_name, external_id)
    txcache.cache(session)[key] = customer


# -- predictions -------------------------------------------------------------------------
def prediction(
    session: Session, tenant_id: uuid.UUID, customer_id: uuid.UUID, source_name: str
) -> CustomerPrediction | None:
    return session.get(CustomerPrediction, (tenant_id, customer_id, source_name))


def count_inbox(session: Session, tenant_id: uuid.UUID) -> int:
    return int(session.scalar(select(func.count()).where(InboxItem.tenant_id == tenant_id)) or 0)
