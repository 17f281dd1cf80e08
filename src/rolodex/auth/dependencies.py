"""FastAPI dependencies: who is calling (API key) and may they do this."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from rolodex.auth.keys import parse_key, secret_matches
from rolodex.auth.roles import Permission, Principal
from rolodex.db import Database
from rolodex.errors import Forbidden, Unauthorized
from rolodex.kit.time import utcnow
from rolodex.ratelimit import limiter_for
from rolodex.tenants import repository

_bearer = HTTPBearer(auto_error=False, description="An API key: `Authorization: Bearer rdx_...`")


class KeyCache:
    """Verified keys for a few seconds, so a request does not pay a lookup (revocation lags
    by at most ``ttl`` seconds)."""

    def __init__(self, ttl: float = 10.0) -> None:
        self.ttl = ttl
        self._items: dict[str, tuple[float, Principal]] = {}
        self._lock = threading.Lock()

    def get(self, raw: str) -> Principal | None:
        with self._lock:
            hit = self._items.get(raw)
        if hit and hit[0] > time.monotonic():
            return hit[1]
        return None

    def put(self, raw: str, principal: Principal) -> None:
        with self._lock:
            if len(self._items) > 10_000:
                self._items.clear()
            self._items[raw] = (time.monotonic() + self.ttl, principal)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def authenticate_key(db: Database, cache: KeyCache, raw: str) -> Principal:
    cached = cache.get(raw)
    if cached is not None:
        return cached
    parsed = parse_key(raw)
    if parsed is None:
        raise Unauthorized("the API key is malformed")
    # Read only: a write session takes SQLite's write lock, which an import's batch holds for
    # a second or more, and every request that looked a key up waited for it (GET /v1/customers
    # p99 1.8 s during a 50,000-row import, 14 ms idle).
    with db.session(parsed.tenant_id, write=False) as session:
        key = repository.api_key(session, parsed.tenant_id, parsed.key_id)
        if (
            key is None
            or key.revoked_at is not None
            or not secret_matches(parsed.secret, key.secret_hash)
        ):
            raise Unauthorized("the API key is not valid")
        now = utcnow()
        stale = key.last_used_at is None or now - key.last_used_at > timedelta(minutes=1)
        principal = Principal(
            tenant_id=key.tenant_id,
            role=key.role,
            actor_type="api_key",
            actor_id=str(key.id),
            name=key.name,
        )
    if stale:  # a write once a minute at most
        with db.session(parsed.tenant_id) as session:
            used = repository.api_key(session, parsed.tenant_id, parsed.key_id)
            if used is not None:
                used.last_used_at = now
    cache.put(raw, principal)
    return principal


def current_principal(
    request: Request, credentials: HTTPAuthorizationCredentials | None = Depends(_bearer)
) -> Principal:
    principal = getattr(request.state, "principal", None)
    if principal is not None:
        return principal
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("send an API key: Authorization: Bearer <key>")
    principal = authenticate_key(
        request.app.state.db, request.app.state.key_cache, credentials.credentials
    )
    limiter_for(request.app).hit_api(principal.actor_id)  # 429 with Retry-After past the limit
    request.state.principal = principal
    return principal


def require(permission: Permission) -> Callable[..., Principal]:
    """A dependency that admits only principals with ``permission``."""

    def check(principal: Principal = Depends(current_principal)) -> Principal:
        if not principal.can(permission):
            raise Forbidden(
                f"the {principal.role} role cannot do this (needs {permission.value})",
                details={"role": principal.role, "needs": permission.value},
            )
        return principal

    return check
