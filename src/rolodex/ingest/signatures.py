"""Webhook signature checks, pure: no I/O, constant-time comparisons.

Shopify: ``X-Shopify-Hmac-Sha256`` is base64(HMAC-SHA256(secret, raw body)).
Klaviyo: ``Klaviyo-Signature`` is hex(HMAC-SHA256(secret, raw body + Klaviyo-Timestamp)), and
the timestamp (Unix seconds, or ISO 8601) must be within a tolerance of now, so that a captured
request cannot be replayed later.

Each check takes every secret currently valid for the source (the current one and, during a
rotation's grace period, the previous one) and says which one matched.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

MAX_SIGNATURE_CHARS = 512


@dataclass(frozen=True, slots=True)
class Verdict:
    ok: bool
    reason: str  # "ok", "missing", "malformed", "stale", "mismatch"
    secret_index: int | None = None


MISSING = Verdict(False, "missing")
MALFORMED = Verdict(False, "malformed")
STALE = Verdict(False, "stale")
MISMATCH = Verdict(False, "mismatch")


def _key(secret: str) -> bytes:
    return secret.encode("utf-8")


def shopify_signature(secret: str, body: bytes) -> str:
    """The header value Shopify sends for ``body``."""
    return base64.b64encode(hmac.new(_key(secret), body, hashlib.sha256).digest()).decode()


def verify_shopify(body: bytes, header: str | None, secrets: Sequence[str]) -> Verdict:
    if not header or not header.strip():
        return MISSING
    if len(header) > MAX_SIGNATURE_CHARS:
        return MALFORMED
    try:
        given = base64.b64decode(header.strip(), validate=True)
    except (binascii.Error, ValueError):
        return MALFORMED
    return _match(given, [hmac.new(_key(s), body, hashlib.sha256).digest() for s in secrets])


def klaviyo_signature(secret: str, body: bytes, timestamp: str) -> str:
    """The ``Klaviyo-Signature`` value for ``body`` sent with ``Klaviyo-Timestamp: timestamp``."""
    mac = hmac.new(_key(secret), body, hashlib.sha256)
    mac.update(timestamp.encode("utf-8"))
    return mac.hexdigest()


def parse_timestamp(value: str | None) -> datetime | None:
    """Unix seconds (or milliseconds), or ISO 8601; None when it is neither."""
    if not value or len(value) > 64:
        return None
    text = value.strip()
    try:
        number = float(text)
    except ValueError:
        number = None
    if number is not None:
        if number != number or number in (float("inf"), float("-inf")) or number < 0:
            return None
        if number > 1e11:  # milliseconds
            number /= 1000
        try:
            return datetime.fromtimestamp(number, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def verify_klaviyo(
    body: bytes,
    signature: str | None,
    timestamp: str | None,
    secrets: Sequence[str],
    *,
    now: datetime,
    tolerance_seconds: float,
) -> Verdict:
    if not signature or not timestamp:
        return MISSING
    if len(signature) > MAX_SIGNATURE_CHARS:
        return MALFORMED
    sent_at = parse_timestamp(timestamp)
    if sent_at is None:
        return MALFORMED
    if abs((now - sent_at).total_seconds()) > tolerance_seconds:
        return STALE
    try:
        given = bytes.fromhex(signature.strip())
    except ValueError:
        return MALFORMED
    expected = []
    for secret in secrets:
        mac = hmac.new(_key(secret), body, hashlib.sha256)
        mac.update(timestamp.encode("utf-8"))
        expected.append(mac.digest())
    return _match(given, expected)


def _match(given: bytes, expected: Sequence[bytes]) -> Verdict:
    """Compare against every candidate (no early exit on the first mismatch's position)."""
    found: int | None = None
    for index, digest in enumerate(expected):
        if hmac.compare_digest(given, digest) and found is None:
            found = index
    return Verdict(True, "ok", found) if found is not None else MISMATCH
