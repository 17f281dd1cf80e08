"""Audit entries in bulk: ``record_many`` appends one entry per change, like calling
``service.record`` for each in order, with one head lock and one INSERT for all of them.

Same rules as ``record``: an update keeps only the fields that differ (and records nothing when
none do), a customer first audited by an update gets a ``baseline`` entry before it, personal
values are sealed with the customer's subject key, and each entry's hash chains to the one
before. ``fast_canonical`` is byte for byte ``hashing.canonical`` (tests hold it to that) and
several times faster, which is what makes a bulk import with its audit affordable.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import orjson
from sqlalchemy.orm import Session

from rolodex.audit import bulk_repository, repository
from rolodex.audit.hashing import DIGEST_PREFIX, PERSONAL_FIELDS, VERSION, canonical, new_key
from rolodex.audit.service import diff, system_principal
from rolodex.auth.roles import Principal
from rolodex.kit import request_meta
from rolodex.kit.time import utcnow


@lru_cache(maxsize=65_536, typed=True)
def _number(value: int | float) -> orjson.Fragment:
    return orjson.Fragment(canonical(value))  # the exact decimal spelling canonical writes


_PLAIN = (str, bool, type(None))


def _prepared(value: Any) -> Any:
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is int or kind is float:
        return _number(value)
    if kind is dict:  # plain members inline: most of a snapshot is text
        return {k: v if type(v) in _PLAIN else _prepared(v) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [v if type(v) in _PLAIN else _prepared(v) for v in value]
    raise TypeError(type(value).__name__)


def fast_canonical(value: Any) -> bytes:
    """``hashing.canonical(value)``, computed with orjson."""
    if type(value) is str:
        return orjson.dumps(value)
    try:
        return orjson.dumps(_prepared(value), option=orjson.OPT_SORT_KEYS)
    except (TypeError, orjson.JSONEncodeError):
        return canonical(value)  # unusual keys or types: the reference (which may raise)


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


_IPAD = bytes(b ^ 0x36 for b in range(256))  # byte → byte XOR 0x36, for bytes.translate
_OPAD = bytes(b ^ 0x5C for b in range(256))


class _Keyed:
    """HMAC-SHA256 with one key, its padded-key states computed once (RFC 2104; what
    ``hmac.new(key, msg, "sha256")`` computes, without re-deriving them for every value)."""

    __slots__ = ("inner", "outer")

    def __init__(self, key: bytes) -> None:
        padded = key.ljust(64, b"\0") if len(key) <= 64 else hashlib.sha256(key).digest()
        padded = padded.ljust(64, b"\0")
        self.inner = hashlib.sha256(padded.translate(_IPAD))
        self.outer = hashlib.sha256(padded.translate(_OPAD))

    def digest(self, value: Any) -> str:
        inner = self.inner.copy()
        inner.update(fast_canonical(value))
        outer = self.outer.copy()
        outer.update(inner.digest())
        return DIGEST_PREFIX + outer.hexdigest()


@lru_cache(maxsize=4096)
def _keyed(key: str) -> _Keyed:
    return _Keyed(bytes.fromhex(key))


def seal_values(key: str | None, values: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """``hashing.seal_values`` with the fast encoder."""
    if values is None:
        return None
    keyed = _keyed(key) if key is not None else None
    out: dict[str, Any] = {}
    for name, value in values.items():
        if name in PERSONAL_FIELDS and not _empty(value):
            if keyed is None:
                raise ValueError("a personal value needs a subject key")
            out[name] = keyed.digest(value)
        else:
            out[name] = value
    return out


def seal(
    key: str | None,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    ip: str | None,
    user_agent: str | None,
) -> dict[str, Any]:
    """``hashing.seal`` with the fast encoder."""
    keyed = _keyed(key) if key else None
    return {
        "before": seal_values(key, before),
        "after": seal_values(key, after),
        "ip": keyed.digest(ip) if ip and keyed else None,
        "user_agent": keyed.digest(user_agent) if user_agent and keyed else None,
    }


def entry_hash(values: Mapping[str, Any]) -> str:
    """``hashing.entry_hash`` of an entry given as its column values."""
    body = {
        "v": VERSION,
        "tenant_id": str(values["tenant_id"]),
        "seq": values["seq"],
        "at": values["at"].isoformat(timespec="microseconds"),
        "actor": [values["actor_type"], values["actor_id"], values["actor_name"]],
        "action": values["action"],
        "customer_id": str(values["customer_id"]) if values["customer_id"] else None,
        "changed": values["changed"],
        "meta": values["meta"],
        "sealed": values["sealed"],
        "prev_hash": values["prev_hash"],
    }
    return hashlib.sha256(fast_canonical(body)).hexdigest()


@dataclass(slots=True)
class Change:
    """One change to audit: full before/after snapshots (None before: a creation)."""

    action: str
    customer_id: uuid.UUID | None
    before: Mapping[str, Any] | None
    after: Mapping[str, Any] | None
    meta: dict[str, Any] = field(default_factory=dict)
    new_customer: bool = False  # created in this transaction: no key and no history yet


def record_many(
    session: Session,
    principal: Principal,
    changes: Sequence[Change],
    *,
    where: request_meta.RequestMeta | None = None,
) -> list[int | None]:
    """Append the changes' entries in order; each change's entry seq (None: nothing changed).
    ``where``: the request the changes come from, when it is not the current one (a job
    doing what a request asked for); by default the current request's."""
    tenant_id = principal.tenant_id
    where = where or request_meta.current()
    parts: list[tuple[Change, dict[str, Any] | None, dict[str, Any] | None, list[str]]] = []
    for change in changes:
        before, after = change.before, change.after
        b: dict[str, Any] | None
        a: dict[str, Any] | None
        if before is not None and after is not None:
            b, a = diff(before, after)
            if not a:
                parts.append((change, None, None, []))
                continue
            parts.append((change, b, a, list(a)))
        else:
            b = dict(before) if before is not None else None
            a = dict(after) if after is not None else None
            parts.append((change, b, a, sorted(set(b or {}) | set(a or {}))))
    todo = [p for p in parts if p[3]]
    if not todo:
        return [None] * len(changes)
    head = repository.lock_head(session, tenant_id)
    old = {p[0].customer_id for p in todo if p[0].customer_id and not p[0].new_customer}
    keys = repository.subject_keys(session, tenant_id, list(old)) if old else {}
    audited = bulk_repository.with_history(session, tenant_id, old) if old else set()
    new_keys: list[dict[str, Any]] = []

    def key_of(customer_id: uuid.UUID | None) -> str:
        subject = customer_id or repository.NO_SUBJECT
        if subject not in keys:
            found = (
                None
                if customer_id is not None
                else repository.subject_key(session, tenant_id, subject)
            )
            keys[subject] = found or new_key()
            if found is None:
                new_keys.append(
                    {"tenant_id": tenant_id, "customer_id": subject, "key": keys[subject],
                     "created_at": utcnow()}
                )  # fmt: skip
        return keys[subject]

    rows: list[dict[str, Any]] = []
    seqs: dict[int, int] = {}
    seq, prev, at = head.seq, head.hash, utcnow()
    baseline = system_principal(tenant_id, "baseline")
    for index, (change, b_values, a_values, names) in enumerate(parts):
        if not names:
            continue
        cid = change.customer_id
        if cid is not None and change.before is not None and cid not in audited:
            if not change.new_customer:
                seq += 1
                snap = dict(change.before)
                rows.append(
                    _row(baseline, seq, at, prev, "baseline", cid, None, snap, sorted(snap), {},
                         request_meta.RequestMeta(), key_of)
                )  # fmt: skip
                prev = rows[-1]["hash"]
            audited.add(cid)
        elif cid is not None:
            audited.add(cid)
        seq += 1
        rows.append(_row(principal, seq, at, prev, change.action, cid, b_values, a_values, names,
                         dict(change.meta), where, key_of))  # fmt: skip
        prev = rows[-1]["hash"]
        seqs[index] = seq
    bulk_repository.insert_keys(session, new_keys)
    bulk_repository.insert_entries(session, rows)
    head.seq, head.hash = seq, prev
    session.flush()
    return [seqs.get(i) for i in range(len(changes))]


def _row(
    principal: Principal,
    seq: int,
    at: Any,
    prev: str,
    action: str,
    customer_id: uuid.UUID | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    changed: list[str],
    meta: dict[str, Any],
    where: request_meta.RequestMeta,
    key_of: Any,
) -> dict[str, Any]:
    personal = (
        where.ip
        or where.user_agent
        or any(
            name in PERSONAL_FIELDS and not _empty(value)
            for values in (before, after)
            if values
            for name, value in values.items()
        )
    )
    key = key_of(customer_id) if personal else None
    values = {
        "tenant_id": principal.tenant_id,
        "seq": seq,
        "at": at,
        "actor_type": principal.actor_type,
        "actor_id": principal.actor_id,
        "actor_name": principal.name[:200],
        "ip": where.ip,
        "user_agent": where.user_agent,
        "action": action,
        "customer_id": customer_id,
        "changed": ",".join(changed),
        "meta": meta,
        "before": before,
        "after": after,
        "sealed": seal(key, before, after, where.ip, where.user_agent),
        "prev_hash": prev,
    }
    values["hash"] = entry_hash(values)
    return values
