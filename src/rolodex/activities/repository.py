"""Activity queries, and the per-source queries the timeline merges."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, Table, and_, bindparam, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from rolodex.audit.repository import changed_includes
from rolodex.kit import txcache
from rolodex.models import Activity, AuditEntry, Customer, Order, StageTransition

_A = cast(Table, Activity.__table__)
_INSERT_CHUNK = 500  # rows per INSERT: well under both engines' bind parameter limits


def live_customer_ids(
    session: Session, tenant_id: uuid.UUID, ids: Iterable[uuid.UUID]
) -> set[uuid.UUID]:
    wanted = list(set(ids))
    if not wanted:
        return set()
    return set(
        session.scalars(
            select(Customer.id).where(
                Customer.tenant_id == tenant_id,
                Customer.id.in_(wanted),
                Customer.deleted_at.is_(None),
            )
        )
    )


def live_ids_by_email(
    session: Session, tenant_id: uuid.UUID, emails: Iterable[str]
) -> dict[str, uuid.UUID]:
    wanted = list(set(emails))
    if not wanted:
        return {}
    rows = session.execute(
        select(Customer.email_normalized, Customer.id).where(
            Customer.tenant_id == tenant_id,
            Customer.email_normalized.in_(wanted),
            Customer.deleted_at.is_(None),
        )
    )
    return {email: cid for email, cid in rows if email}


def existing_events(
    session: Session, tenant_id: uuid.UUID, event_ids: Iterable[str]
) -> dict[str, tuple[uuid.UUID, uuid.UUID]]:
    """event id → (activity id, customer id) of events already stored."""
    wanted = list(set(event_ids))
    out: dict[str, tuple[uuid.UUID, uuid.UUID]] = {}
    for start in range(0, len(wanted), _INSERT_CHUNK):
        rows = session.execute(
            select(Activity.event_id, Activity.id, Activity.customer_id).where(
                Activity.tenant_id == tenant_id,
                Activity.event_id.in_(wanted[start : start + _INSERT_CHUNK]),
            )
        )
        out.update({eid: (aid, cid) for eid, aid, cid in rows if eid is not None})
    return out


def insert_new(session: Session, rows: Sequence[dict[str, Any]]) -> set[uuid.UUID]:
    """Insert; an event id stored meanwhile is skipped. The ids actually inserted."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    inserted: set[uuid.UUID] = set()
    for start in range(0, len(rows), _INSERT_CHUNK):
        stmt = (
            insert(_A)
            .values(list(rows[start : start + _INSERT_CHUNK]))
            .on_conflict_do_nothing()
            .returning(_A.c.id)
        )
        inserted.update(session.execute(stmt).scalars())
    return inserted


def touch_last_active(
    session: Session, tenant_id: uuid.UUID, latest: dict[uuid.UUID, datetime]
) -> None:
    """Move last_active_at forward (never back); customers in id order to avoid deadlocks."""
    customers = cast(Table, Customer.__table__)
    c = customers.c
    at = bindparam("at", type_=c.last_active_at.type)
    stmt = (
        update(customers)
        .where(
            c.tenant_id == tenant_id,
            c.id == bindparam("cid", type_=c.id.type),
            or_(c.last_active_at.is_(None), c.last_active_at < at),
        )
        .values(last_active_at=at)
    )
    for cid in sorted(latest):
        session.execute(stmt, {"cid": cid, "at": latest[cid]})
    txcache.forget(session)  # customers the session holds may be locked, now stale


def last_active_until(
    session: Session, tenant_id: uuid.UUID, customer_id: uuid.UUID, at: datetime
) -> datetime | None:
    return session.scalar(
        select(func.max(Activity.occurred_at)).where(
            Activity.tenant_id == tenant_id,
            Activity.customer_id == customer_id,
            Activity.occurred_at <= at,
        )
    )


def redact_customer(session: Session, tenant_id: uuid.UUID, customer_id: uuid.UUID) -> int:
    """Erasure: drop who-and-where (IP, agent, session) and text properties; keep types,
    times, numbers and UTM for reporting."""
    rows = session.execute(
        select(_A.c.id, _A.c.properties).where(
            _A.c.tenant_id == tenant_id, _A.c.customer_id == customer_id
        )
    ).all()
    if not rows:
        return 0
    params = [
        {
            "aid": row.id,
            "props": {
                k: v for k, v in (row.properties or {}).items() if isinstance(v, bool | int | float)
            },
        }
        for row in rows
    ]
    session.execute(
        update(_A)
        .where(_A.c.tenant_id == tenant_id, _A.c.id == bindparam("aid"))
        .values(
            properties=bindparam("props", type_=_A.c.properties.type),
            ip=None,
            user_agent=None,
            session_id=None,
        ),
        params,
    )
    return len(params)


# --- timeline sources: each returns up to ``limit`` rows newest first, after a cursor ---


def _after(at_col: Any, id_col: Any, rank: int, cursor: Any) -> ColumnElement[bool] | None:
    """Rows after the cursor (at, rank, id) in (at desc, rank desc, id desc) order."""
    if cursor is None:
        return None
    c_at, c_rank, c_id = cursor
    if rank < c_rank:
        return at_col <= c_at
    if rank > c_rank:
        return at_col < c_at
    return or_(at_col < c_at, and_(at_col == c_at, id_col < c_id))


def _run(
    session: Session,
    stmt: Any,
    at_col: Any,
    id_col: Any,
    rank: int,
    cursor: Any,
    limit: int,
) -> list[Any]:
    cond = _after(at_col, id_col, rank, cursor)
    if cond is not None:
        stmt = stmt.where(cond)
    return list(session.scalars(stmt.order_by(at_col.desc(), id_col.desc()).limit(limit)))


def timeline_activities(
    session: Session,
    tenant_id: uuid.UUID,
    customer_id: uuid.UUID,
    types: list[str] | None,
    rank: int,
    cursor: Any,
    limit: int,
) -> list[Activity]:
    stmt = select(Activity).where(
        Activity.tenant_id == tenant_id, Activity.customer_id == customer_id
    )
    if types is not None:
        stmt = stmt.where(Activity.type.in_(types))
    return _run(session, stmt, Activity.occurred_at, Activity.id, rank, cursor, limit)


def timeline_orders(
    session: Session,
    tenant_id: uuid.UUID,
    customer_id: uuid.UUID,
    rank: int,
    cursor: Any,
    limit: int,
) -> list[Order]:
    stmt = select(Order).where(Order.tenant_id == tenant_id, Order.customer_id == customer_id)
    return _run(session, stmt, Order.placed_at, Order.id, rank, cursor, limit)


def timeline_transitions(
    session: Session,
    tenant_id: uuid.UUID,
    customer_id: uuid.UUID,
    rank: int,
    cursor: Any,
    limit: int,
) -> list[StageTransition]:
    stmt = select(StageTransition).where(
        StageTransition.tenant_id == tenant_id, StageTransition.customer_id == customer_id
    )
    return _run(session, stmt, StageTransition.created_at, StageTransition.id, rank, cursor, limit)


def timeline_audit(
    session: Session,
    tenant_id: uuid.UUID,
    customer_id: uuid.UUID,
    *,
    actions: list[str] | None,
    changed: list[str] | None,
    rank: int,
    cursor: Any,
    limit: int,
) -> list[AuditEntry]:
    """Audit entries of the customer: with one of ``actions``, or an update changing one of
    ``changed``."""
    stmt = select(AuditEntry).where(
        AuditEntry.tenant_id == tenant_id, AuditEntry.customer_id == customer_id
    )
    if actions is not None:
        stmt = stmt.where(AuditEntry.action.in_(actions))
    if changed is not None:
        stmt = stmt.where(AuditEntry.action == "update", changed_includes(changed))
    return _run(session, stmt, AuditEntry.at, AuditEntry.seq, rank, cursor, limit)
