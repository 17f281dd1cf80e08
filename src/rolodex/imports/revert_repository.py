"""Queries of an import's revert (imports/revert.py)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any, NamedTuple, cast

from sqlalchemy import Table, and_, bindparam, delete, or_, select, update
from sqlalchemy.orm import Session

from rolodex.identity.rows import child_tables
from rolodex.imports.snapshot import PARTED, parts
from rolodex.models import Address as AddressModel
from rolodex.models import (
    AuditEntry,
    Customer,
    CustomerSource,
    CustomerTag,
    ImportRow,
    Job,
    Segment,
    SegmentMembership,
)

_ROWS = cast(Table, ImportRow.__table__)
_AUDIT = cast(Table, AuditEntry.__table__)
_MEMBERS = cast(Table, SegmentMembership.__table__)
_SEGMENTS = cast(Table, Segment.__table__)
CHUNK = 900
# Rows that belong to the profile an import wrote (or are derived from it): removing the
# customer removes them. Any other row about the customer (orders, activities, ...) means it
# has been used since, and it is kept; so does its assignment to a segment by hand (or by
# the API), unlike a system segment's refresh.
PROFILE_TABLES = frozenset(
    {
        "customer_tags",
        "customer_addresses",
        "customer_sources",
        "ltv_ledger",
        "stage_transitions",
        "segment_memberships",
        "segment_history",
    }
)
WROTE = ("create", "update")
# The action as an expression no index holds, for reads of given customers' rows: SQLite, with
# no statistics, otherwise read them by action (create and update: nearly all of the import's
# rows) for each customer or chunk of customers, not by customer.
_WROTE = _ROWS.c.action.concat("")


def next_targets(
    session: Session, tenant_id: uuid.UUID, import_id: uuid.UUID, limit: int
) -> list[uuid.UUID]:
    """Customers this import created or changed whose revert is not decided yet."""
    return list(
        session.scalars(
            select(_ROWS.c.target_id)
            .where(
                _ROWS.c.tenant_id == tenant_id,
                _ROWS.c.import_id == import_id,
                _ROWS.c.target_id.isnot(None),
                _ROWS.c.action.in_(WROTE),
                _ROWS.c.revert.is_(None),
            )
            .group_by(_ROWS.c.target_id)
            .order_by(_ROWS.c.target_id)
            .limit(limit)
        )
    )


def rows_for(
    session: Session, tenant_id: uuid.UUID, import_id: uuid.UUID, targets: list[uuid.UUID]
) -> list[Any]:
    return list(
        session.execute(
            select(_ROWS.c.target_id, _ROWS.c.row_no, _ROWS.c.action, _ROWS.c.audit_seq,
                   _ROWS.c.changes)
            .where(
                _ROWS.c.tenant_id == tenant_id,
                _ROWS.c.import_id == import_id,
                _ROWS.c.target_id.in_(targets),
                _ROWS.c.action.in_(WROTE),
            )
            .order_by(_ROWS.c.target_id, _ROWS.c.row_no)
        ).all()
    )  # fmt: skip


class Entry(NamedTuple):
    """An audit entry about a customer, as a revert weighs it."""

    seq: int
    action: str
    who: str  # "user ada@example.com", "api_key Shopify sync", "import 0b5e… (by ...)"
    fields: frozenset[str]  # the snapshot fields it changed
    import_id: str | None  # the import it belongs to (its write or its revert), else None
    revert: bool  # written by that import's revert


def _who(actor_type: str, actor: str, import_id: str | None, revert: bool) -> str:
    if import_id is None:
        return f"{actor_type} {actor}"
    if revert:
        return f"the revert of import {import_id}, asked by {actor_type} {actor}"
    return f"import {import_id}, started by {actor_type} {actor}"


def audit_since(
    session: Session, tenant_id: uuid.UUID, ids: list[uuid.UUID], first_seq: int, own: str
) -> dict[uuid.UUID, list[Entry]]:
    """Every audit entry about these customers from ``first_seq``, in order. The fields an
    entry changed are named part by part where a field has parts (``snapshot.parts``),
    except in the writes of import ``own``, whose revert this is (they are not weighed)."""
    out: dict[uuid.UUID, list[Entry]] = {}
    parted: list[int] = []
    for start in range(0, len(ids), CHUNK):
        rows = session.execute(
            select(_AUDIT.c.customer_id, _AUDIT.c.seq, _AUDIT.c.action, _AUDIT.c.actor_type,
                   _AUDIT.c.actor_id, _AUDIT.c.actor_name, _AUDIT.c.changed, _AUDIT.c.meta)
            .where(
                _AUDIT.c.tenant_id == tenant_id,
                _AUDIT.c.customer_id.in_(ids[start : start + CHUNK]),
                _AUDIT.c.seq >= first_seq,
            )
            .order_by(_AUDIT.c.seq)
        )  # fmt: skip
        for cid, seq, action, actor_type, actor_id, actor_name, changed, meta in rows:
            fields = frozenset(f for f in (changed or "").split(",") if f)
            meta = meta or {}
            import_id = meta.get("import_id")
            import_id = str(import_id) if import_id is not None else None
            revert = bool(meta.get("revert"))
            who = _who(actor_type, actor_name or actor_id, import_id, revert)
            out.setdefault(cid, []).append(Entry(seq, action, who, fields, import_id, revert))
            if fields & PARTED and (import_id != own or revert):
                parted.append(seq)
    named = _parts(session, tenant_id, parted)
    for cid, entries in out.items():
        out[cid] = [e._replace(fields=named[e.seq]) if e.seq in named else e for e in entries]
    return out


def _parts(session: Session, tenant_id: uuid.UUID, seqs: list[int]) -> dict[int, frozenset[str]]:
    """The fields of these entries with each parted one named by its parts, where it can be."""
    out: dict[int, frozenset[str]] = {}
    for start in range(0, len(seqs), CHUNK):
        found = session.execute(
            select(_AUDIT.c.seq, _AUDIT.c.changed, _AUDIT.c.before, _AUDIT.c.after).where(
                _AUDIT.c.tenant_id == tenant_id, _AUDIT.c.seq.in_(seqs[start : start + CHUNK])
            )
        )
        for seq, changed, before, after in found:
            names: set[str] = set()
            for field in (f for f in (changed or "").split(",") if f):
                was, now = (before or {}).get(field), (after or {}).get(field)
                split = parts(field, was, now) if field in PARTED else None
                names.update(split if split else {field})  # none told apart: the whole
            out[seq] = frozenset(names)
    return out


def fully_reverted(
    session: Session, tenant_id: uuid.UUID, pairs: Iterable[tuple[str, uuid.UUID]]
) -> set[tuple[str, uuid.UUID]]:
    """Of these (import id, customer), those whose import was reverted for that customer in
    full: its writes and their undoing cancel out."""
    by_import: dict[str, list[uuid.UUID]] = {}
    for import_id, cid in pairs:
        by_import.setdefault(import_id, []).append(cid)
    out: set[tuple[str, uuid.UUID]] = set()
    for import_id, cids in by_import.items():
        try:
            run = uuid.UUID(import_id)
        except ValueError:
            continue
        for start in range(0, len(cids), CHUNK):
            found = session.execute(
                select(_ROWS.c.target_id, _ROWS.c.revert, _ROWS.c.revert_reason).where(
                    _ROWS.c.tenant_id == tenant_id,
                    _ROWS.c.import_id == run,
                    _ROWS.c.target_id.in_(cids[start : start + CHUNK]),
                    _WROTE.in_(WROTE),
                )
            )
            undone: dict[uuid.UUID, bool] = {}
            for cid, revert, reason in found:
                whole = revert == "reverted" and reason is None  # not "partly", not "kept"
                undone[cid] = undone.get(cid, True) and whole
            out.update((import_id, cid) for cid, whole in undone.items() if whole)
    return out


def used_since(
    session: Session, tenant_id: uuid.UUID, ids: list[uuid.UUID]
) -> dict[uuid.UUID, str]:
    """Customers with rows outside their profile (orders, activities...): id → table name."""
    out: dict[uuid.UUID, str] = {}
    for table in child_tables():
        if table.name in PROFILE_TABLES or table.name.startswith(("customer_search", "search_")):
            continue
        for start in range(0, len(ids), CHUNK):
            found = session.scalars(
                select(table.c.customer_id)
                .where(
                    table.c.tenant_id == tenant_id,
                    table.c.customer_id.in_(ids[start : start + CHUNK]),
                )
                .distinct()
            )
            for cid in found:
                out.setdefault(cid, table.name)
    m, seg = _MEMBERS.c, _SEGMENTS.c
    for start in range(0, len(ids), CHUNK):  # a segment's refresh is no use; a hand pick is
        found = session.scalars(
            select(m.customer_id)
            .join(_SEGMENTS, and_(seg.tenant_id == m.tenant_id, seg.id == m.segment_id))
            .where(
                m.tenant_id == tenant_id,
                m.customer_id.in_(ids[start : start + CHUNK]),
                seg.system.is_(False),
            )
            .distinct()
        )
        for cid in found:
            out.setdefault(cid, _MEMBERS.name)
    return out


def delete_customers(session: Session, tenant_id: uuid.UUID, ids: Iterable[uuid.UUID]) -> None:
    wanted = list(ids)
    for start in range(0, len(wanted), CHUNK):
        session.execute(
            delete(Customer)
            .where(Customer.tenant_id == tenant_id, Customer.id.in_(wanted[start : start + CHUNK]))
            .execution_options(synchronize_session=False)
        )


def delete_tags(session: Session, tenant_id: uuid.UUID, pairs: list[tuple[uuid.UUID, str]]) -> None:
    for cid, tag in pairs:
        session.execute(
            delete(CustomerTag)
            .where(
                CustomerTag.tenant_id == tenant_id,
                CustomerTag.customer_id == cid,
                CustomerTag.tag == tag,
            )
            .execution_options(synchronize_session=False)
        )


def delete_by_id(session: Session, model: Any, tenant_id: uuid.UUID, ids: list[uuid.UUID]) -> None:
    for start in range(0, len(ids), CHUNK):
        session.execute(
            delete(model)
            .where(model.tenant_id == tenant_id, model.id.in_(ids[start : start + CHUNK]))
            .execution_options(synchronize_session=False)
        )


def reopen(
    session: Session,
    tenant_id: uuid.UUID,
    import_id: uuid.UUID,
    customers: list[uuid.UUID] | None = None,
) -> None:
    """A new pass of a revert decides again the customers earlier passes kept, whole or in
    part (or only ``customers`` of them); those it reverted in full stay as they are."""
    where = [
        _ROWS.c.tenant_id == tenant_id,
        _ROWS.c.import_id == import_id,
        _ROWS.c.revert.in_(("kept", "partly")),
    ]
    if customers is None:
        session.execute(update(_ROWS).where(*where).values(revert=None))
        return
    for start in range(0, len(customers), CHUNK):
        chunk = customers[start : start + CHUNK]
        session.execute(
            update(_ROWS).where(*where, _ROWS.c.target_id.in_(chunk)).values(revert=None)
        )


MARK = (
    update(_ROWS)
    .where(
        _ROWS.c.tenant_id == bindparam("_t"),
        _ROWS.c.import_id == bindparam("_i"),
        _ROWS.c.target_id == bindparam("_c"),
        or_(_WROTE == "create", _WROTE == "update"),  # no IN: executemany
    )
    .values(revert=bindparam("_r"), revert_reason=bindparam("_why"))
)


def mark(
    session: Session,
    tenant_id: uuid.UUID,
    import_id: uuid.UUID,
    decisions: list[tuple[uuid.UUID, str, str | None]],
) -> None:
    """Record per customer whether its rows were reverted or kept, and why."""
    if not decisions:
        return
    session.connection().execute(
        MARK,
        [
            {"_t": tenant_id, "_i": import_id, "_c": c, "_r": r, "_why": why}
            for c, r, why in decisions
        ],
    )


ADDRESSES = AddressModel
SOURCES = CustomerSource


def email_holder(
    session: Session, tenant_id: uuid.UUID, email_normalized: str, other_than: uuid.UUID
) -> uuid.UUID | None:
    """The live customer other than ``other_than`` who holds this email (unique when live)."""
    c = Customer
    return session.scalar(
        select(c.id).where(
            c.tenant_id == tenant_id,
            c.email_normalized == email_normalized,
            c.deleted_at.is_(None),
            c.id != other_than,
        )
    )


def has_live_job(session: Session, tenant_id: uuid.UUID, kind: str, import_id: uuid.UUID) -> bool:
    """Whether a job of ``kind`` for this import is waiting or running (not given up)."""
    payloads = session.scalars(
        select(Job.payload).where(
            Job.tenant_id == tenant_id, Job.kind == kind, Job.state.in_(("queued", "running"))
        )
    )
    return any(str((p or {}).get("import_id")) == str(import_id) for p in payloads)
