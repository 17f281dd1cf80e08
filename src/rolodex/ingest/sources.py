"""Webhook sources: register (secret encrypted at rest), rotate with a grace period, disable;
and the short-lived cache the webhook endpoint reads them through. Never commits."""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from rolodex.db import Database
from rolodex.errors import Conflict, NotFound, field_error
from rolodex.ingest import crypto, repository
from rolodex.kit.ids import new_id
from rolodex.kit.time import utcnow
from rolodex.models import Tenant, WebhookSource
from rolodex.models.ingest import PROVIDERS
from rolodex.tenants import repository as tenants

MIN_SECRET_CHARS = 16
MAX_SECRET_CHARS = 500


def _check_secret(secret: str) -> str:
    secret = secret.strip()
    if not MIN_SECRET_CHARS <= len(secret) <= MAX_SECRET_CHARS:
        raise field_error(
            "secret", f"a signing secret has {MIN_SECRET_CHARS} to {MAX_SECRET_CHARS} characters"
        )
    return secret


def create_source(
    session: Session,
    tenant_id: uuid.UUID,
    provider: str,
    secret: str,
    *,
    name: str | None,
    secret_key: str,
) -> WebhookSource:
    if provider not in PROVIDERS:
        raise field_error("provider", f"one of {', '.join(PROVIDERS)}", provider)
    name = (name or provider).strip()[:200] or provider
    if repository.source_name_taken(session, tenant_id, provider, name):
        raise Conflict(
            f"a {provider} source named {name!r} exists; rotate its secret instead",
            details={"field": "name"},
        )
    source = WebhookSource(
        tenant_id=tenant_id,
        id=new_id(),
        provider=provider,
        name=name,
        secret_encrypted=crypto.encrypt(secret_key, _check_secret(secret)),
        created_at=utcnow(),
    )
    session.add(source)
    session.flush()
    return source


def get_source(session: Session, tenant_id: uuid.UUID, source_id: uuid.UUID) -> WebhookSource:
    source = repository.source(session, tenant_id, source_id)
    if source is None:
        raise NotFound(f"no webhook source {source_id}")
    return source


def rotate_secret(
    session: Session,
    tenant_id: uuid.UUID,
    source_id: uuid.UUID,
    secret: str,
    *,
    grace: timedelta,
    secret_key: str,
) -> WebhookSource:
    """The new secret signs from now on; the old one stays valid for ``grace``."""
    source = get_source(session, tenant_id, source_id)
    now = utcnow()
    source.previous_secret_encrypted = source.secret_encrypted
    source.previous_valid_until = now + grace
    source.secret_encrypted = crypto.encrypt(secret_key, _check_secret(secret))
    source.rotated_at = now
    session.flush()
    return source


def disable_source(session: Session, tenant_id: uuid.UUID, source_id: uuid.UUID) -> WebhookSource:
    source = get_source(session, tenant_id, source_id)
    source.disabled_at = source.disabled_at or utcnow()
    return source


@dataclass(frozen=True, slots=True)
class Key:
    source_id: uuid.UUID
    secret: str
    valid_until: datetime | None  # None: the current secret


@dataclass(frozen=True, slots=True)
class Target:
    """What a webhook for one tenant and provider is checked against."""

    tenant_id: uuid.UUID
    keys: tuple[Key, ...]

    def secrets(self, now: datetime) -> list[Key]:
        return [k for k in self.keys if k.valid_until is None or now < k.valid_until]


def load_target(db: Database, tenant_ref: str, provider: str, secret_key: str) -> Target | None:
    """The tenant (by slug or id) and every secret now valid for its sources of ``provider``."""
    with db.session(write=False) as session:
        tenant: Tenant | None = tenants.tenant_by_ref(session, tenant_ref)
        if tenant is None:
            return None
        tenant_id = tenant.id
    keys: list[Key] = []
    with db.session(tenant_id, write=False) as session:
        for source in repository.active_sources(session, tenant_id, provider):
            current = crypto.decrypt(secret_key, source.secret_encrypted)
            if current:
                keys.append(Key(source.id, current, None))
            if source.previous_secret_encrypted and source.previous_valid_until:
                previous = crypto.decrypt(secret_key, source.previous_secret_encrypted)
                if previous:
                    keys.append(Key(source.id, previous, source.previous_valid_until))
    return Target(tenant_id, tuple(keys))


class TargetCache:
    """Resolved tenants and decrypted secrets for a few seconds: the webhook path must not pay
    a lookup and a decryption per request. Changes through this process clear it at once."""

    def __init__(self, ttl: float = 5.0) -> None:
        self.ttl = ttl
        self._items: dict[tuple[str, str], tuple[float, Target | None]] = {}
        self._lock = threading.Lock()

    def get(self, tenant_ref: str, provider: str) -> tuple[bool, Target | None]:
        with self._lock:
            hit = self._items.get((tenant_ref, provider))
        if hit and hit[0] > time.monotonic():
            return True, hit[1]
        return False, None

    def put(self, tenant_ref: str, provider: str, target: Target | None) -> None:
        with self._lock:
            if len(self._items) > 10_000:
                self._items.clear()
            self._items[(tenant_ref, provider)] = (time.monotonic() + self.ttl, target)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
