"""The audit hash chain, pure: canonical form, keyed digests of personal values, entry hashes.

An entry's hash covers its *sealed* form, where every personal value (email, phone, names,
notes, addresses, ...) and the IP and user agent are replaced by an HMAC keyed with a random
per-customer key. Erasure blanks the plain values and deletes the key: the sealed form, and so
the chain, stays intact while the digests can no longer be linked to anyone.

Canonical JSON writes every number as its exact decimal value, so a value that went through
PostgreSQL's JSONB (which stores 1.0 as 1.0, -0.0 as 0, 1e300 as a 301-digit integer) hashes
the same as the value that was written.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import MAX_EMAX, MIN_EMIN, Context, Decimal
from json.encoder import encode_basestring  # what json.dumps(str, ensure_ascii=False) writes
from typing import Any

GENESIS = "0" * 64
VERSION = 1

# Customer fields (as in CustomerOut) whose values identify a person.
PERSONAL_FIELDS = frozenset(
    {
        "email",
        "email_normalized",
        "phone",
        "phone_e164",
        "first_name",
        "last_name",
        "full_name",
        "company",
        "notes",
        "internal_notes",
        "attributes",
        "addresses",
        "sources",
    }
)
DIGEST_PREFIX = "h:"

_EXACT = Context(prec=100_000, Emax=MAX_EMAX, Emin=MIN_EMIN)


def new_key() -> str:
    return secrets.token_hex(32)


def _number(value: int | float) -> str:
    d = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if d.is_nan():
        return "NaN"
    if d.is_infinite():
        return "Infinity" if d > 0 else "-Infinity"
    if d == 0:
        return "0"
    return str(d.normalize(_EXACT))


def _write(value: Any, out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int | float):
        out.append(_number(value))
    elif isinstance(value, str):
        out.append(encode_basestring(value))
    elif isinstance(value, Mapping):
        out.append("{")
        for i, key in enumerate(sorted(value, key=str)):
            if i:
                out.append(",")
            out.append(encode_basestring(str(key)))
            out.append(":")
            _write(value[key], out)
        out.append("}")
    elif isinstance(value, list | tuple):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _write(item, out)
        out.append("]")
    else:
        raise TypeError(f"cannot hash a {type(value).__name__}")


def canonical(value: Any) -> bytes:
    """One byte string per JSON value, whatever its key order or number spelling."""
    out: list[str] = []
    _write(value, out)
    return "".join(out).encode()


def digest(key: str, value: Any) -> str:
    return DIGEST_PREFIX + hmac.new(bytes.fromhex(key), canonical(value), "sha256").hexdigest()


def _is_personal(name: str) -> bool:
    return name in PERSONAL_FIELDS


def seal_values(key: str | None, values: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Personal values replaced by digests (empty ones kept: emptiness names nobody)."""
    if values is None:
        return None
    out: dict[str, Any] = {}
    for name, value in values.items():
        if _is_personal(name) and not _empty(value):
            if key is None:
                raise ValueError("a personal value needs a subject key")
            out[name] = digest(key, value)
        else:
            out[name] = value
    return out


def redact_values(values: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Personal values blanked, the rest kept: what erasure leaves of a before/after."""
    if values is None:
        return None
    return {
        name: (None if _is_personal(name) and not _empty(v) else v) for name, v in values.items()
    }


def needs_key(values: Iterable[Mapping[str, Any] | None], *plain: str | None) -> bool:
    if any(p for p in plain):
        return True
    return any(
        _is_personal(name) and not _empty(v) for vals in values if vals for name, v in vals.items()
    )


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def seal(
    key: str | None,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    ip: str | None,
    user_agent: str | None,
) -> dict[str, Any]:
    return {
        "before": seal_values(key, before),
        "after": seal_values(key, after),
        "ip": digest(key, ip) if ip and key else None,
        "user_agent": digest(key, user_agent) if user_agent and key else None,
    }


@dataclass(frozen=True, slots=True)
class Hashed:
    """The fields of an entry that its hash covers."""

    tenant_id: uuid.UUID
    seq: int
    at: datetime
    actor_type: str
    actor_id: str
    actor_name: str
    action: str
    customer_id: uuid.UUID | None
    changed: str
    meta: Mapping[str, Any]
    sealed: Mapping[str, Any]
    prev_hash: str


def entry_hash(entry: Hashed) -> str:
    body = {
        "v": VERSION,
        "tenant_id": str(entry.tenant_id),
        "seq": entry.seq,
        "at": entry.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor": [entry.actor_type, entry.actor_id, entry.actor_name],
        "action": entry.action,
        "customer_id": str(entry.customer_id) if entry.customer_id else None,
        "changed": entry.changed,
        "meta": entry.meta,
        "sealed": entry.sealed,
        "prev_hash": entry.prev_hash,
    }
    return hashlib.sha256(canonical(body)).hexdigest()


def _plain_matches(key: str | None, erased: bool, plain: Any, sealed: Any, personal: bool) -> bool:
    if not personal or _empty(sealed):
        return canonical(plain) == canonical(sealed)
    if plain is None:
        return erased  # blanked by an erasure recorded later in the chain
    return key is not None and hmac.compare_digest(digest(key, plain), str(sealed))


def plain_matches_sealed(
    key: str | None,
    erased: bool,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    ip: str | None,
    user_agent: str | None,
    sealed: Mapping[str, Any],
) -> str | None:
    """Why the readable values disagree with the sealed ones, or None when they agree."""
    for part, plain in (("before", before), ("after", after)):
        sealed_part = sealed.get(part)
        if (plain is None) != (sealed_part is None):
            return f"{part} differs from its sealed form"
        if plain is None or sealed_part is None:
            continue
        if set(plain) != set(sealed_part):
            return f"{part} has other fields than its sealed form"
        for name, value in plain.items():
            if not _plain_matches(key, erased, value, sealed_part[name], _is_personal(name)):
                return f"{part}.{name} differs from its sealed form"
    for name, value in (("ip", ip), ("user_agent", user_agent)):
        if not _plain_matches(key, erased, value, sealed.get(name), True):
            return f"{name} differs from its sealed form"
    return None
