"""Version marks: what was last applied for an outside entity (or one aspect of it).

An update applies only if its version time is not older than the mark's, so a late, older
webhook never overwrites newer data. Taking a mark locks it until commit (insert-if-absent, then
SELECT ... FOR UPDATE), which serializes concurrent workers on the same entity. Locks are taken
in one order everywhere: order → refund → customer → customer aspects → tags.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any, cast

from sqlalchemy import bindparam, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from rolodex.kit import txcache
from rolodex.kit.time import as_utc, utcnow
from rolodex.models import IngestMark

_LOCK: dict[str, Any] = {}


def _lock_statement(dialect: str) -> Any:
    """Built once per dialect, values bound per call: building the upsert on every call cost
    more than running it."""
    if dialect not in _LOCK:
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        values = insert(IngestMark).values(
            tenant_id=bindparam("tenant_id"),
            provider=bindparam("provider"),
            kind=bindparam("kind"),
            external_id=bindparam("external_id"),
            updated_at=bindparam("updated_at"),
        )
        upsert = values.on_conflict_do_update(
            index_elements=["tenant_id", "provider", "kind", "external_id"],
            set_={"updated_at": values.excluded.updated_at},
        ).returning(*IngestMark.__table__.c)
        _LOCK[dialect] = select(IngestMark).from_statement(upsert)
    return _LOCK[dialect]


def lock(
    session: Session, tenant_id: uuid.UUID, provider: str, kind: str, external_id: str
) -> IngestMark:
    """The mark, created if absent, locked until commit: one upsert ... RETURNING (an upsert
    that touches the row takes its lock on PostgreSQL; SQLite writers are serialized).
    Locked once per transaction (here or by ``lock_all``): later calls need no query."""
    external_id = external_id[:300]
    key = ("mark", tenant_id, provider, kind, external_id)
    known, held = txcache.held(session, key)
    if known and held is not None:
        return cast(IngestMark, held)
    stmt = _lock_statement(session.get_bind().dialect.name)
    params = {
        "tenant_id": tenant_id,
        "provider": provider,
        "kind": kind,
        "external_id": external_id,
        "updated_at": utcnow(),
    }
    mark = session.scalars(stmt, params, execution_options={"populate_existing": True}).one()
    txcache.cache(session)[key] = mark
    return mark


# The order marks are taken in everywhere: order → refund → customer (→ aspects → tags).
LOCK_ORDER = {"order": 0, "refund": 1, "customer": 2}


def lock_all(
    session: Session, tenant_id: uuid.UUID, provider: str, keys: Iterable[tuple[str, str]]
) -> None:
    """Lock the marks of many (kind, outside id) pairs in one upsert, in lock order (the jobs
    of a shared transaction, ahead of them); ``lock`` then finds them without a query."""
    wanted = sorted(
        {(kind, eid[:300]) for kind, eid in keys}, key=lambda k: (LOCK_ORDER.get(k[0], 9), k)
    )
    if not wanted:
        return
    now = utcnow()
    rows = [
        {
            "tenant_id": tenant_id,
            "provider": provider,
            "kind": k,
            "external_id": e,
            "updated_at": now,
        }
        for k, e in wanted
    ]
    # One upsert, sent as few multi-row statements (insertmanyvalues), RETURNING the marks.
    stmt = _lock_statement(session.get_bind().dialect.name)
    facts = txcache.cache(session)
    options = {"populate_existing": True}
    for mark in session.scalars(stmt, rows, execution_options=options):
        facts[("mark", tenant_id, provider, mark.kind, mark.external_id)] = mark


def lock_many(
    session: Session, tenant_id: uuid.UUID, provider: str, kind: str, external_ids: list[str]
) -> dict[str, IngestMark]:
    """Several marks of one kind, locked in sorted order (no deadlock between two workers)."""
    return {eid: lock(session, tenant_id, provider, kind, eid) for eid in sorted(set(external_ids))}


def is_current(mark: IngestMark, version: datetime | None) -> bool:
    """Whether an update made at ``version`` may apply: not older than what was applied.
    Equal times apply (same-second updates; the later delivery wins)."""
    if version is None or mark.version_at is None:
        return True
    return as_utc(version) >= as_utc(mark.version_at)


def advance(mark: IngestMark, version: datetime | None) -> None:
    if version is not None and (
        mark.version_at is None or as_utc(version) > as_utc(mark.version_at)
    ):
        mark.version_at = version
    # updated_at was stamped when the mark was locked, in this transaction
