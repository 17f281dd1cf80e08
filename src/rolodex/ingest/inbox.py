"""Receiving a webhook: resolve the tenant, verify the signature against the source's secrets,
rate-limit per source, then store the raw delivery and its job in one transaction. The sender
is acknowledged only after that commit; nothing is parsed or applied here (a job does that).
"""

from __future__ import annotations

import hashlib
import logging
import threading
import uuid
from collections.abc import Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from starlette.concurrency import run_in_threadpool

from rolodex.config import Settings
from rolodex.db import Database
from rolodex.errors import Unauthorized
from rolodex.ingest import repository, signatures
from rolodex.ingest.group_commit import GroupWriter
from rolodex.ingest.signatures import Verdict
from rolodex.ingest.sources import Target, TargetCache, load_target
from rolodex.ingest.tasks import KIND
from rolodex.kit.ids import new_id
from rolodex.kit.time import utcnow
from rolodex.ratelimit import RateLimiter

log = logging.getLogger("rolodex.ingest")

KEEP_HEADERS = {
    "shopify": (
        "x-shopify-topic",
        "x-shopify-webhook-id",
        "x-shopify-event-id",
        "x-shopify-triggered-at",
        "x-shopify-shop-domain",
        "x-shopify-api-version",
        "x-shopify-hmac-sha256",
        "content-type",
        "user-agent",
    ),
    "klaviyo": (
        "klaviyo-webhook-id",
        "klaviyo-timestamp",
        "klaviyo-signature",
        "content-type",
        "user-agent",
    ),
}


class _Unset:
    pass


_UNSET = _Unset()


@dataclass(frozen=True, slots=True)
class Receipt:
    id: uuid.UUID | None
    duplicate: bool


@dataclass
class Receiver:
    """What the endpoint needs, built once per app."""

    db: Database
    settings: Settings
    limiter: RateLimiter
    targets: TargetCache

    def __post_init__(self) -> None:
        # Checks run on the event loop when they cannot block on the network (the rate limiter
        # in memory, the tenant and its secrets cached); rows are stored by the group writer.
        self._writers: AbstractContextManager[Any] = (
            nullcontext() if self.db.is_postgres else threading.Lock()
        )
        self.inline_checks = not self.settings.redis_url
        self.writer = GroupWriter(self.store)

    def target(self, tenant_ref: str, provider: str) -> Target | None:
        hit, target = self.targets.get(tenant_ref, provider)
        if not hit:
            target = load_target(self.db, tenant_ref, provider, self.settings.secret_key)
            self.targets.put(tenant_ref, provider, target)
        return target

    def resolve(self, tenant_ref: str, provider: str) -> Target | None:
        return self.target(tenant_ref, provider) if 0 < len(tenant_ref) <= 100 else None

    def check(
        self,
        tenant_ref: str,
        provider: str,
        headers: Mapping[str, str],
        body: bytes,
        target: Target | None | _Unset = _UNSET,
    ) -> dict[str, Any]:
        """Verify and rate-limit a delivery; the inbox row to store. Raises Unauthorized (a bad
        signature or an unknown tenant) or RateLimited."""
        if isinstance(target, _Unset):
            target = self.resolve(tenant_ref, provider)
        now = utcnow()
        keys = target.secrets(now) if target else []
        verdict = self._verify(provider, headers, body, [k.secret for k in keys], now)
        if target is None or not verdict.ok or verdict.secret_index is None:
            if target is not None:
                self.limiter.count_rejected(str(target.tenant_id), provider)
            log.info("rejected %s webhook for %r: %s", provider, tenant_ref, verdict.reason)
            raise Unauthorized(
                f"the webhook signature is {_REASONS.get(verdict.reason, 'not valid')}",
                code="invalid_signature",
            )
        source_id = keys[verdict.secret_index].source_id
        self.limiter.hit_hook(str(source_id))
        return _row(target.tenant_id, source_id, provider, headers, body, now)

    def receive(
        self, tenant_ref: str, provider: str, headers: Mapping[str, str], body: bytes
    ) -> Receipt:
        """Check and store one delivery in its own transaction (callers off the event loop)."""
        row = self.check(tenant_ref, provider, headers, body)
        stored = self.store([row])
        return Receipt(row["id"] if row["id"] in stored else None, duplicate=not stored)

    def store(self, rows: list[dict[str, Any]]) -> set[uuid.UUID]:
        """Rows and their jobs in one transaction, committed on return; the ids stored."""
        # SQLite has one writer: queue here rather than in its busy handler's sleeps.
        with self._writers, self.db.engine.begin() as conn:  # no ORM session: the quick path
            return repository.store_deliveries(conn, rows, KIND, _job_payload)

    async def receive_async(
        self, tenant_ref: str, provider: str, headers: Mapping[str, str], body: bytes
    ) -> Receipt:
        """Check on the event loop (the tenant and secrets cached; a miss is read in a thread),
        then store through the group writer: answered after the batch holding it committed."""
        hit, target = self.targets.get(tenant_ref, provider)
        if not hit:
            target = await run_in_threadpool(self.resolve, tenant_ref, provider)
        if self.inline_checks:
            row = self.check(tenant_ref, provider, headers, body, target)
        else:  # the rate limiter talks to Redis: not on the event loop
            row = await run_in_threadpool(self.check, tenant_ref, provider, headers, body, target)
        stored = await self.writer.submit(row)
        return Receipt(row["id"] if stored else None, duplicate=not stored)

    def _verify(
        self,
        provider: str,
        headers: Mapping[str, str],
        body: bytes,
        secrets: list[str],
        now: datetime,
    ) -> Verdict:
        if not secrets:
            return signatures.MISMATCH
        if provider == "shopify":
            return signatures.verify_shopify(body, headers.get("x-shopify-hmac-sha256"), secrets)
        return signatures.verify_klaviyo(
            body,
            headers.get("klaviyo-signature"),
            headers.get("klaviyo-timestamp"),
            secrets,
            now=now,
            tolerance_seconds=self.settings.webhook_timestamp_tolerance_seconds,
        )


_REASONS = {
    "missing": "missing",
    "malformed": "malformed",
    "stale": "too old (check the sender's clock)",
    "mismatch": "not valid",
}


def _job_payload(row: dict[str, Any]) -> dict[str, Any]:
    return {"inbox_id": str(row["id"])}


def _clip(value: str | None, limit: int = 200) -> str | None:
    if value is None:
        return None
    value = value.replace("\x00", "").strip()
    return value[:limit] or None


def _row(
    tenant_id: uuid.UUID,
    source_id: uuid.UUID,
    provider: str,
    headers: Mapping[str, str],
    body: bytes,
    now: datetime,
) -> dict[str, Any]:
    kept = {name: _clip(headers.get(name), 500) for name in KEEP_HEADERS[provider]}
    digest = "sha256:" + hashlib.sha256(body).hexdigest()
    if provider == "shopify":
        topic = _clip(headers.get("x-shopify-topic")) or "unknown"
        key = _clip(headers.get("x-shopify-webhook-id")) or digest
        event_id = _clip(headers.get("x-shopify-event-id"))
        triggered = signatures.parse_timestamp(headers.get("x-shopify-triggered-at"))
    else:
        # Klaviyo's webhook id names the subscription, not the delivery: a redelivery has the
        # same body. Each event in it also has its own id, applied once (see klaviyo_apply).
        topic, key = "events", digest
        event_id = _clip(headers.get("klaviyo-webhook-id"))
        triggered = signatures.parse_timestamp(headers.get("klaviyo-timestamp"))
    inbox_id = new_id()
    return {
        "tenant_id": tenant_id,
        "id": inbox_id,
        "source_id": source_id,
        "provider": provider,
        "topic": topic.lower(),
        "delivery_key": key,
        "event_id": event_id,
        "triggered_at": triggered,
        "headers": {k: v for k, v in kept.items() if v is not None},
        "body": body,
        "received_at": now,
        "job_id": new_id(),
    }
