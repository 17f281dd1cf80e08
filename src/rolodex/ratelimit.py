"""Rate limits with the `limits` library: per API key and per webhook source.

Storage is in memory by default (one process) and Redis when ROLODEX_REDIS_URL is set, so that
every API process shares the counts. Limits are sliding-window counters (O(1) per hit in both
stores), given as `limits` strings, several separated by ";" ("600/minute;50/second").
A limited request gets RateLimited (429) with Retry-After in whole seconds.

If Redis is unreachable the request is let through (and logged): rate limiting protects the
service, it must not take it down.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from typing import Any

from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import SlidingWindowCounterRateLimiter

from rolodex.config import Settings
from rolodex.errors import RateLimited

log = logging.getLogger("rolodex.ratelimit")
PREFIX = "rolodex"
REJECT_WINDOW_SECONDS = 3600


class _MemoryStorage(MemoryStorage):
    """limits' MemoryStorage starts a timer thread every 10 ms while busy to expire keys; on a
    hot path that thread start costs more than the check. Expire inline, once a second."""

    _next_expiry = 0.0

    def _MemoryStorage__schedule_expiry(self) -> None:  # overrides the name-mangled method
        now = time.time()
        if now >= self._next_expiry:
            self._next_expiry = now + 1.0
            self._MemoryStorage__expire_events()  # type: ignore[attr-defined]


class RateLimiter:
    def __init__(self, settings: Settings, storage: Storage | None = None) -> None:
        if storage is None and settings.redis_url:
            found = storage_from_string(settings.redis_url, key_prefix=PREFIX)
            assert isinstance(found, Storage)
            storage = found
        self.storage: Storage = storage or _MemoryStorage()
        self.strategy = SlidingWindowCounterRateLimiter(self.storage)
        self.api_limits = _parse(settings.rate_limit_api)
        self.hook_limits = _parse(settings.rate_limit_hooks)

    def hit_api(self, key_id: str) -> None:
        self._hit(self.api_limits, "api", key_id, "this API key")

    def hit_hook(self, source_id: str) -> None:
        self._hit(self.hook_limits, "hook", source_id, "this webhook source")

    def _hit(self, items: list[RateLimitItem], scope: str, key: str, who: str) -> None:
        for item in items:
            try:
                allowed = self.strategy.hit(item, scope, key)
            except Exception as exc:  # storage down: fail open
                log.warning("rate limit storage failed (%s); request let through", exc)
                return
            if not allowed:
                raise RateLimited(
                    f"too many requests for {who}: the limit is {item}",
                    retry_after=self._retry_after(item, scope, key),
                    details={"limit": str(item)},
                )

    def _retry_after(self, item: RateLimitItem, scope: str, key: str) -> int:
        try:
            stats = self.strategy.get_window_stats(item, scope, key)
            return max(1, math.ceil(stats.reset_time - time.time()))
        except Exception:
            return item.get_expiry()

    def count_rejected(self, tenant_id: str, provider: str) -> None:
        """Unverified webhooks are counted (for the operator), never stored."""
        try:
            self.storage.incr(_reject_key(tenant_id, provider), REJECT_WINDOW_SECONDS)
        except Exception as exc:
            log.warning("could not count a rejected webhook: %s", exc)

    def rejected(self, tenant_id: str, provider: str) -> int:
        try:
            return int(self.storage.get(_reject_key(tenant_id, provider)) or 0)
        except Exception:
            return 0


def _reject_key(tenant_id: str, provider: str) -> str:
    return f"hooks-rejected/{tenant_id}/{provider}"


def _parse(spec: str) -> list[RateLimitItem]:
    return list(parse_many(spec)) if spec and spec.strip() else []


_init_lock = threading.Lock()


def limiter_for(app: Any) -> RateLimiter:
    """The app's limiter, made on first use from the app's settings."""
    found = getattr(app.state, "rate_limiter", None)
    if found is None:
        with _init_lock:
            found = getattr(app.state, "rate_limiter", None)
            if found is None:
                found = RateLimiter(app.state.settings)
                app.state.rate_limiter = found
    return found
