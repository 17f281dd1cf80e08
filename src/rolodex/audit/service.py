"""Audit use cases: record a change into the tenant's hash chain; verify the chain.

Actions: create, baseline (the state of a customer first audited after its creation),
update, transition, order, delete, restore, erase; other domains add theirs (merge, unmerge).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from rolodex.audit import pending, repository
from rolodex.audit.hashing import (
    GENESIS,
    Hashed,
    entry_hash,
    needs_key,
    plain_matches_sealed,
    seal,
)
from rolodex.auth.roles import Principal
from rolodex.kit import deferred, request_meta
from rolodex.kit.time import as_utc, utcnow
from rolodex.models import AuditEntry, AuditHead

# Derived or bookkeeping fields: they change with everything, so they are not "changes".
IGNORED_FIELDS = frozenset({"updated_at"})
FULL_SNAPSHOT_ACTIONS = frozenset({"create", "baseline"})


def diff(
    before: Mapping[str, Any], after: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The fields that differ, as (before, after) restricted to them."""
    names = sorted(
        k
        for k in set(before) | set(after)
        if k not in IGNORED_FIELDS and before.get(k) != after.get(k)
    )
    return {k: before.get(k) for k in names}, {k: after.get(k) for k in names}


def system_principal(tenant_id: uuid.UUID, actor_id: str = "system") -> Principal:
    return Principal(tenant_id=tenant_id, role="admin", actor_type="system", actor_id=actor_id)


def record(
    session: Session,
    principal: Principal,
    action: str,
    customer_id: uuid.UUID | None,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    *,
    meta: Mapping[str, Any] | None = None,
    changed: Iterable[str] | None = None,
) -> AuditEntry | None:
    """Append one entry. ``before``/``after`` are full snapshots (JSON-ready); only the
    fields that differ are kept. An update that changes nothing records nothing. In a
    session that defers its entries (audit.pending) the change is queued and None returned."""
    tenant_id = principal.tenant_id
    if deferred.deferred(session):
        if changed is None and (before is not None or after is not None):
            from rolodex.audit.bulk import Change

            new = (
                before is None
                and customer_id is not None
                and repository.is_new_subject(session, tenant_id, customer_id)
            )
            pending.add(
                session,
                principal,
                Change(action, customer_id, before, after, dict(meta or {}), new_customer=new),
            )
            return None
        pending.drain(session)  # this entry goes after the queued ones
    b: dict[str, Any] | None
    a: dict[str, Any] | None
    if before is not None and after is not None:
        b, a = diff(before, after)
        if not a and changed is None:
            return None
        names = list(a)
    else:
        b = dict(before) if before is not None else None
        a = dict(after) if after is not None else None
        names = sorted(set(b or {}) | set(a or {}))
    if changed is not None:
        names = sorted(changed)
    head = repository.lock_head(session, tenant_id)
    if (
        customer_id is not None
        and before is not None
        and not repository.has_history(session, tenant_id, customer_id)
    ):
        # Made before auditing (bulk load, older version): keep its prior state first.
        _append(
            session,
            system_principal(tenant_id, "baseline"),
            head,
            "baseline",
            customer_id,
            None,
            dict(before),
            sorted(before),
            {},
            request_meta.RequestMeta(),
        )
    return _append(
        session,
        principal,
        head,
        action,
        customer_id,
        b,
        a,
        names,
        dict(meta or {}),
        request_meta.current(),
    )


def _append(
    session: Session,
    principal: Principal,
    head: AuditHead,
    action: str,
    customer_id: uuid.UUID | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    changed: list[str],
    meta: dict[str, Any],
    where: request_meta.RequestMeta,
) -> AuditEntry:
    tenant_id = principal.tenant_id
    key = None
    if needs_key((before, after), where.ip, where.user_agent):
        key = repository.ensure_subject_key(
            session, tenant_id, customer_id or repository.NO_SUBJECT
        )
    sealed = seal(key, before, after, where.ip, where.user_agent)
    entry = AuditEntry(
        tenant_id=tenant_id,
        seq=head.seq + 1,
        at=utcnow(),
        actor_type=principal.actor_type,
        actor_id=principal.actor_id,
        actor_name=principal.name[:200],
        ip=where.ip,
        user_agent=where.user_agent,
        action=action,
        customer_id=customer_id,
        changed=",".join(changed),
        meta=meta,
        before=before,
        after=after,
        sealed=sealed,
        prev_hash=head.hash,
    )
    entry.hash = entry_hash(_hashed(entry))
    session.add(entry)
    head.seq, head.hash = entry.seq, entry.hash  # both flushed with the caller's changes
    if customer_id is not None:
        repository.note_history(session, tenant_id, customer_id)
    return entry


def _hashed(e: Any) -> Hashed:
    return Hashed(
        tenant_id=e.tenant_id,
        seq=e.seq,
        at=as_utc(e.at),
        actor_type=e.actor_type,
        actor_id=e.actor_id,
        actor_name=e.actor_name,
        action=e.action,
        customer_id=e.customer_id,
        changed=e.changed,
        meta=e.meta or {},
        sealed=e.sealed,
        prev_hash=e.prev_hash,
    )


@dataclass(frozen=True, slots=True)
class Verification:
    ok: bool
    entries: int
    broken_seq: int | None = None
    reason: str | None = None
    head_seq: int = 0

    @property
    def message(self) -> str:
        if self.ok:
            return f"the audit chain is intact: {self.entries} entries verified"
        return f"the audit chain is broken at entry {self.broken_seq}: {self.reason}"


def verify(session: Session, tenant_id: uuid.UUID) -> Verification:
    """Walk the tenant's chain from the start; name the first entry that does not hold."""
    pending.drain(session)
    erased_before = repository.last_erasures(session, tenant_id)
    keys: dict[uuid.UUID, str | None] = {}
    prev, expected = GENESIS, 1
    batch: list[Any] = []

    def check(row: Any) -> str | None:
        if row.seq != expected:
            return "missing"
        if row.prev_hash != prev:
            return "it does not link to the entry before it (prev_hash differs)"
        if entry_hash(_hashed(row)) != row.hash:
            return "its content does not match its hash"
        subject = row.customer_id or repository.NO_SUBJECT
        erased = row.customer_id is not None and erased_before.get(row.customer_id, 0) > row.seq
        return plain_matches_sealed(
            keys.get(subject),
            erased,
            row.before,
            row.after,
            row.ip,
            row.user_agent,
            row.sealed or {},
        )

    def flush_batch() -> Verification | None:
        nonlocal prev, expected
        wanted = {r.customer_id or repository.NO_SUBJECT for r in batch} - set(keys)
        found = repository.subject_keys(session, tenant_id, list(wanted))
        keys.update({cid: found.get(cid) for cid in wanted})
        for row in batch:
            reason = check(row)
            if reason == "missing":
                return _broken(expected, "this entry is missing (deleted?)")
            if reason is not None:
                return _broken(row.seq, reason)
            prev, expected = row.hash, expected + 1
        batch.clear()
        return None

    def _broken(seq: int, reason: str) -> Verification:
        return Verification(False, expected - 1, seq, reason, _head_seq())

    def _head_seq() -> int:
        h = repository.head(session, tenant_id)
        return h.seq if h else 0

    for row in repository.chain(session, tenant_id):
        batch.append(row)
        if len(batch) >= 500 and (result := flush_batch()) is not None:
            return result
    if (result := flush_batch()) is not None:
        return result
    h = repository.head(session, tenant_id)
    count = expected - 1
    if h is not None and (h.seq != count or h.hash != prev):
        return Verification(
            False,
            count,
            count + 1,
            f"the chain ends at entry {count} but its head records entry {h.seq}: "
            "later entries are missing or the head was altered",
            h.seq,
        )
    return Verification(True, count, head_seq=h.seq if h else 0)
