"""The indexed matching keys on customers (email_key, name_key): recompute where stale.

Every ORM write keeps them current (a flush hook in models/identity.py). Rows written with
SQLAlchemy Core (bulk loads such as demo.load, or written before migration 0004) have them
empty until ``backfill`` runs: `rolodex dedupe keys --tenant T`, and every scan job runs it.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from rolodex.identity.normalize import email_key, name_key
from rolodex.identity.rows import customers_table

BATCH = 5_000


def backfill(
    session: Session, tenant_id: uuid.UUID, progress: Callable[[int], None] | None = None
) -> int:
    """Set the keys of every customer of the tenant whose stored keys are stale; returns how
    many rows changed."""
    c = customers_table().c
    rows = session.execute(
        select(
            c.id, c.email, c.email_normalized, c.first_name, c.last_name, c.email_key, c.name_key
        )
        .where(c.tenant_id == tenant_id)
        .execution_options(yield_per=20_000)
    )
    stale = []
    for rid, email, normalized, first, last, old_ek, old_nk in list(rows):
        ek, nk = email_key(normalized or email), name_key(first, last)
        if ek != old_ek or nk != old_nk:
            stale.append((rid, ek, nk))
    return repair(session, tenant_id, stale, progress)


def repair(
    session: Session,
    tenant_id: uuid.UUID,
    stale: list[tuple[uuid.UUID, str | None, str | None]],
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write the given (customer id, email key, name key) triples."""
    table = customers_table()
    c = table.c
    stmt = (
        update(table)
        .where(c.tenant_id == bindparam("t"), c.id == bindparam("cid"))
        .values(email_key=bindparam("ek"), name_key=bindparam("nk"))
    )
    pending: list[dict[str, Any]] = []
    changed = 0
    for rid, ek, nk in stale:
        pending.append({"t": tenant_id, "cid": rid, "ek": ek, "nk": nk})
        if len(pending) >= BATCH:
            changed += _flush(session, stmt, pending, progress, changed)
    if pending:
        changed += _flush(session, stmt, pending, progress, changed)
    return changed


def _flush(
    session: Session,
    stmt: Any,
    pending: list[dict[str, Any]],
    progress: Callable[[int], None] | None,
    done: int,
) -> int:
    n = len(pending)
    session.connection().execute(stmt, pending)
    pending.clear()
    if progress is not None:
        progress(done + n)
    return n
