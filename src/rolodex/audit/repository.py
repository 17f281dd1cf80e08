"""Audit queries. SQL about the audit log lives here."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    Table,
    bindparam,
    func,
    literal,
    select,
    update,
)
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from rolodex.audit.hashing import GENESIS, new_key, redact_values
from rolodex.kit import txcache
from rolodex.kit.ids import new_id
from rolodex.models import AuditEntry, AuditErasure, AuditHead, AuditSubjectKey

NO_SUBJECT = uuid.UUID(int=0)  # the key row of entries about no customer
_T = cast(Table, AuditEntry.__table__)


def _insert(session: Session, model: Any) -> Any:
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)


# Built once, values bound per call: every audited change runs these (building them per call
# cost more than running them).
_NEW_HEAD: dict[str, Any] = {}
_LOCK_HEAD = (
    select(AuditHead)
    .where(AuditHead.tenant_id == bindparam("t"))
    .with_for_update()
    .execution_options(populate_existing=True)
)
_SUBJECT_KEY = select(AuditSubjectKey.key).where(
    AuditSubjectKey.tenant_id == bindparam("t"), AuditSubjectKey.customer_id == bindparam("c")
)
_HAS_HISTORY = (
    select(AuditEntry.seq)
    .where(AuditEntry.tenant_id == bindparam("t"), AuditEntry.customer_id == bindparam("c"))
    .limit(1)
)


def _new_head(dialect: str) -> Any:
    if dialect not in _NEW_HEAD:
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        _NEW_HEAD[dialect] = (
            insert(AuditHead)
            .values(tenant_id=bindparam("t"), seq=0, hash=GENESIS)
            .on_conflict_do_nothing()
        )
    return _NEW_HEAD[dialect]


def lock_head(session: Session, tenant_id: uuid.UUID) -> AuditHead:
    """The tenant's chain head, locked until commit (SQLite writers are serialized anyway).
    Locked once per transaction: later calls get the same (locked) head without a query."""
    facts = txcache.cache(session)
    held = facts.get(("audit_head", tenant_id))
    if held is not None and sa_inspect(held).persistent:
        return held
    session.execute(_new_head(session.get_bind().dialect.name), {"t": tenant_id})
    head = session.scalars(_LOCK_HEAD, {"t": tenant_id}).one()
    txcache.cache(session)[("audit_head", tenant_id)] = head
    return head


def head(session: Session, tenant_id: uuid.UUID) -> AuditHead | None:
    return session.get(AuditHead, tenant_id)


def subject_key(session: Session, tenant_id: uuid.UUID, customer_id: uuid.UUID) -> str | None:
    facts = txcache.cache(session)
    known = facts.get(("subject_key", tenant_id, customer_id))
    if known is not None:
        return known
    if ("new_subject", tenant_id, customer_id) in facts:
        return None  # made in this transaction: no key yet
    return session.scalar(_SUBJECT_KEY, {"t": tenant_id, "c": customer_id})


def subject_keys(
    session: Session, tenant_id: uuid.UUID, customer_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, str]:
    if not customer_ids:
        return {}
    rows = session.execute(
        select(AuditSubjectKey.customer_id, AuditSubjectKey.key).where(
            AuditSubjectKey.tenant_id == tenant_id,
            AuditSubjectKey.customer_id.in_(list(customer_ids)),
        )
    )
    return {cid: key for cid, key in rows}


def note_new_subject(session: Session, tenant_id: uuid.UUID, customer_id: uuid.UUID) -> None:
    """A customer made in this transaction, so without a key (no query to find none)."""
    txcache.cache(session)[("new_subject", tenant_id, customer_id)] = True


def is_new_subject(session: Session, tenant_id: uuid.UUID, customer_id: uuid.UUID) -> bool:
    return ("new_subject", tenant_id, customer_id) in txcache.cache(session)


def ensure_subject_key(session: Session, tenant_id: uuid.UUID, customer_id: uuid.UUID) -> str:
    existing = subject_key(session, tenant_id, customer_id)
    if existing is None:
        existing = new_key()  # flushed with the entry it seals
        session.add(AuditSubjectKey(tenant_id=tenant_id, customer_id=customer_id, key=existing))
    txcache.cache(session)[("subject_key", tenant_id, customer_id)] = existing
    return existing


def delete_subject_key(session: Session, tenant_id: uuid.UUID, customer_id: uuid.UUID) -> None:
    txcache.cache(session).pop(("subject_key", tenant_id, customer_id), None)
    key = session.get(AuditSubjectKey, (tenant_id, customer_id))
    if key is not None:
        session.delete(key)
        session.flush()


def has_history(session: Session, tenant_id: uuid.UUID, customer_id: uuid.UUID) -> bool:
    if ("history", tenant_id, customer_id) in txcache.cache(session):
        return True
    return session.scalar(_HAS_HISTORY, {"t": tenant_id, "c": customer_id}) is not None


def note_history(session: Session, tenant_id: uuid.UUID, customer_id: uuid.UUID) -> None:
    """An entry about the customer was added in this transaction."""
    txcache.cache(session)[("history", tenant_id, customer_id)] = True


def chain(session: Session, tenant_id: uuid.UUID, batch: int = 1000) -> Iterator[Row[Any]]:
    """Every entry of the tenant in seq order, as plain rows (no identity map growth)."""
    last = 0
    while True:
        rows = session.execute(
            select(*_T.c)
            .where(_T.c.tenant_id == tenant_id, _T.c.seq > last)
            .order_by(_T.c.seq)
            .limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].seq


def last_erasures(session: Session, tenant_id: uuid.UUID) -> dict[uuid.UUID, int]:
    """Per customer, the seq of the latest 'erase' entry: entries before it may be blank."""
    rows = session.execute(
        select(AuditEntry.customer_id, func.max(AuditEntry.seq))
        .where(AuditEntry.tenant_id == tenant_id, AuditEntry.action == "erase")
        .group_by(AuditEntry.customer_id)
    )
    return {cid: int(seq) for cid, seq in rows if cid is not None}


def customer_entries_until(
    session: Session, tenant_id: uuid.UUID, customer_id: uuid.UUID, at: datetime
) -> list[Row[Any]]:
    return list(
        session.execute(
            select(*_T.c)
            .where(_T.c.tenant_id == tenant_id, _T.c.customer_id == customer_id, _T.c.at <= at)
            .order_by(_T.c.seq)
        ).all()
    )


@dataclass
class AuditFilter:
    customer_id: uuid.UUID | None = None
    actions: list[str] = field(default_factory=list)
    actor_type: str | None = None
    actor_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def filtered(tenant_id: uuid.UUID, f: AuditFilter) -> Select[Any]:
    stmt = select(AuditEntry).where(AuditEntry.tenant_id == tenant_id)
    if f.customer_id is not None:
        stmt = stmt.where(AuditEntry.customer_id == f.customer_id)
    if f.actions:
        stmt = stmt.where(AuditEntry.action.in_(f.actions))
    if f.actor_type:
        stmt = stmt.where(AuditEntry.actor_type == f.actor_type)
    if f.actor_id:
        stmt = stmt.where(AuditEntry.actor_id == f.actor_id)
    if f.since is not None:
        stmt = stmt.where(AuditEntry.at >= f.since)
    if f.until is not None:
        stmt = stmt.where(AuditEntry.at < f.until)
    return stmt


def changed_includes(names: Sequence[str]) -> ColumnElement[bool]:
    """Entries whose comma-separated ``changed`` list names any of ``names``."""
    padded = literal(",") + AuditEntry.changed + literal(",")
    clauses = [padded.like(f"%,{name},%") for name in names]
    out: ColumnElement[bool] = clauses[0]
    for clause in clauses[1:]:
        out = out | clause
    return out


def open_erasure(session: Session, tenant_id: uuid.UUID, customer_id: uuid.UUID) -> AuditErasure:
    grant = AuditErasure(tenant_id=tenant_id, id=new_id(), customer_id=customer_id)
    session.add(grant)
    session.flush()
    return grant


def close_erasure(session: Session, grant: AuditErasure) -> None:
    grant.is_open = False
    session.flush()


def redact_customer(session: Session, tenant_id: uuid.UUID, customer_id: uuid.UUID) -> int:
    """Blank the personal values of a customer's entries (needs an open erasure grant)."""
    rows = session.execute(
        select(_T.c.seq, _T.c.before, _T.c.after, _T.c.ip, _T.c.user_agent).where(
            _T.c.tenant_id == tenant_id, _T.c.customer_id == customer_id
        )
    ).all()
    params = []
    for row in rows:
        before, after = redact_values(row.before), redact_values(row.after)
        if (before, after, row.ip, row.user_agent) != (row.before, row.after, None, None):
            params.append({"s": row.seq, "b": before, "a": after})
    if params:
        stmt = (
            update(_T)
            .where(_T.c.tenant_id == tenant_id, _T.c.seq == bindparam("s"))
            .values(
                before=bindparam("b", type_=_T.c.before.type),
                after=bindparam("a", type_=_T.c.after.type),
                ip=None,
                user_agent=None,
            )
        )
        session.execute(stmt, params)
    return len(params)
