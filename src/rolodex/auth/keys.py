"""API key format and hashing: rdx_<tenant hex>_<key id hex>_<secret>; only a hash is stored."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass

PREFIX = "rdx"


@dataclass(frozen=True, slots=True)
class ParsedKey:
    tenant_id: uuid.UUID
    key_id: uuid.UUID
    secret: str


def new_key(tenant_id: uuid.UUID) -> tuple[uuid.UUID, str, str]:
    """(key id, the full key to show once, the hash to store)."""
    key_id = uuid.uuid4()
    secret = secrets.token_urlsafe(32)
    return key_id, f"{PREFIX}_{tenant_id.hex}_{key_id.hex}_{secret}", hash_secret(secret)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def parse_key(raw: str) -> ParsedKey | None:
    parts = raw.strip().split("_", 3)
    if len(parts) != 4 or parts[0] != PREFIX:
        return None
    try:
        return ParsedKey(uuid.UUID(hex=parts[1]), uuid.UUID(hex=parts[2]), parts[3])
    except ValueError:
        return None


def secret_matches(secret: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(secret), stored_hash)
