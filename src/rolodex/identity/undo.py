"""Undo a merge: both customer rows back as they were, exactly the moved rows moved back.

A column changed since the merge (someone edited the survivor) keeps its newer value; every
other column returns to its value before the merge, so with no edit in between both rows are
restored byte for byte. A merge can be undone only while no later merge involves either
customer: that merge's snapshots build on this one, so it must be undone first (409).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from rolodex.audit import service as audit
from rolodex.auth.roles import Principal
from rolodex.customers.snapshot import snapshot
from rolodex.errors import Conflict, NotFound
from rolodex.identity import repository, rows
from rolodex.identity.merge import _pk_clause
from rolodex.kit import txcache
from rolodex.kit.time import utcnow
from rolodex.models import Base, MergeLog


@dataclass
class UndoResult:
    log: MergeLog
    moved_back: dict[str, int]
    kept_changes: dict[str, list[str]]  # customer id → columns edited since the merge
    missing: dict[str, int]  # rows deleted since the merge, per table


def undo(session: Session, principal: Principal, merge_id: uuid.UUID) -> UndoResult:
    tenant_id = principal.tenant_id
    log = repository.merge(session, tenant_id, merge_id)
    if log is None:
        raise NotFound(f"no merge {merge_id}")
    if log.undone_at is not None:
        raise Conflict(
            f"merge {merge_id} was already undone at {log.undone_at.isoformat()}",
            code="already_undone",
        )
    later = repository.later_merges(session, log)
    if later:
        ids = sorted(str(m.id) for m in later)
        raise Conflict(
            f"customer {log.survivor_id} was merged again after merge {merge_id} "
            f"(merge {', '.join(ids)}); undo that merge first",
            code="merged_again",
            details={"later_merges": ids},
        )
    session.flush()
    repository.lock_customers(session, tenant_id, [log.survivor_id, log.duplicate_id])
    session.expire_all()
    txcache.forget(session)  # rows are moved behind the ORM's back: what was learnt is stale
    found = repository.customers_by_id(session, tenant_id, (log.survivor_id, log.duplicate_id))
    api_before = {cid: snapshot(c) for cid, c in found.items()}
    kept: dict[str, list[str]] = {}
    # Survivor first: it may hold the duplicate's email, which the duplicate takes back.
    for cid, before, after in (
        (log.survivor_id, log.survivor_before, log.survivor_after),
        (log.duplicate_id, log.duplicate_before, log.duplicate_after),
    ):
        changed = _restore_customer(session, tenant_id, cid, before, after)
        if changed:
            kept[str(cid)] = changed
    moved_back, missing = _move_back(session, log)
    for table_name, entries in (log.inserted or {}).items():
        table = Base.metadata.tables.get(table_name)
        if table is not None and entries:
            pks = [rows.decode_row(e) for e in entries]
            session.execute(
                delete(table).where(table.c.tenant_id == tenant_id, _pk_clause(table, pks))
            )
    log.undone_at, log.undone_by = utcnow(), f"{principal.actor_type}:{principal.actor_id}"
    session.flush()
    session.expire_all()
    meta = {
        "merge_id": str(log.id),
        "survivor_id": str(log.survivor_id),
        "duplicate_id": str(log.duplicate_id),
    }
    for cid, customer in repository.customers_by_id(session, tenant_id, api_before).items():
        audit.record(
            session, principal, "unmerge", cid, api_before[cid], snapshot(customer), meta=meta
        )
    txcache.forget(session)
    return UndoResult(log, moved_back, kept, missing)


def _restore_customer(
    session: Session,
    tenant_id: uuid.UUID,
    customer_id: uuid.UUID,
    before_json: dict[str, Any],
    after_json: dict[str, Any],
) -> list[str]:
    """Three-way restore; returns the columns left as they are because they changed since."""
    table = rows.customers_table()
    current = rows.snapshot_row(session, table, tenant_id, customer_id)
    before, after = rows.decode_row(before_json), rows.decode_row(after_json)
    values: dict[str, Any] = {}
    kept: list[str] = []
    for name, now in current.items():
        if name in ("tenant_id", "id") or name not in before:
            continue
        if now == after.get(name):
            if now != before[name]:
                values[name] = before[name]
        elif now != before[name] and name != "updated_at":
            kept.append(name)
    if kept:
        values.pop("updated_at", None)
    if values:
        try:
            with session.begin_nested():
                session.execute(
                    update(table)
                    .where(table.c.tenant_id == tenant_id, table.c.id == customer_id)
                    .values(**values)
                )
        except IntegrityError as exc:
            raise Conflict(
                f"customer {customer_id} cannot be restored: its email is now used by another "
                "live customer",
                code="undo_conflict",
                details={"customer_id": str(customer_id)},
            ) from exc
    return kept


def _move_back(session: Session, log: MergeLog) -> tuple[dict[str, int], dict[str, int]]:
    moved_back: dict[str, int] = {}
    missing: dict[str, int] = {}
    for table_name, entries in (log.moved or {}).items():
        table = Base.metadata.tables.get(table_name)
        if table is None:
            missing[table_name] = len(entries)
            continue
        base = (table.c.tenant_id == log.tenant_id, table.c.customer_id == log.survivor_id)
        plain = [rows.decode_row(e["pk"]) for e in entries if not e.get("set")]
        count = 0
        for start in range(0, len(plain), 500):
            result = session.execute(
                update(table)
                .where(*base, _pk_clause(table, plain[start : start + 500]))
                .values(rows.owner_change(table, {"customer_id": log.duplicate_id}))
                .execution_options(synchronize_session=False)
            )
            count += int(getattr(result, "rowcount", 0) or 0)
        for entry in entries:
            if entry.get("set"):
                result = session.execute(
                    update(table)
                    .where(*base, _pk_clause(table, [rows.decode_row(entry["pk"])]))
                    .values(
                        rows.owner_change(
                            table,
                            {"customer_id": log.duplicate_id, **rows.decode_row(entry["set"])},
                        )
                    )
                    .execution_options(synchronize_session=False)
                )
                count += int(getattr(result, "rowcount", 0) or 0)
        moved_back[table_name] = count
        if count < len(entries):
            missing[table_name] = len(entries) - count
    return moved_back, missing
