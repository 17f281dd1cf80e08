"""Dashboard figures without a full count on every page view at a million customers.

The figures come from one pass over a tenant's live customers (analytics.stats). While that
pass is cheap (a tenant under ``live_below`` customers at its last count) every request
counts afresh, so the figures are exact. Past that, requests are
answered from the last count while it is younger than ``ttl`` seconds; an older one is still
answered at once and a background thread recounts (one at a time per tenant). The page and
``GET /v1/stats`` carry ``as_of``, the time of the count, so nobody mistakes it for live.

Why a cache and not counters kept by triggers: most figures depend on the clock (new this
month, growth, 90 days without activity), which no counter maintained on write can answer,
and a counter row per tenant would serialize every concurrent customer write of a tenant.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any

from rolodex.analytics import stats

log = logging.getLogger("rolodex.analytics")


@dataclass
class _Entry:
    figures: stats.Stats
    counted_at: float  # time.monotonic()
    cost: float  # seconds the count took


class StatsCache:
    def __init__(self, ttl: float = 60.0, live_below: int = 50_000) -> None:
        self.ttl = ttl
        self.live_below = live_below
        self._entries: dict[uuid.UUID, _Entry] = {}
        self._refreshing: set[uuid.UUID] = set()
        self._lock = threading.Lock()

    def figures(self, db: Any, tenant_id: uuid.UUID) -> stats.Stats:
        entry = self._entries.get(tenant_id)
        if entry is None or entry.figures.total_customers < self.live_below:
            return self._count(db, tenant_id).figures
        # A count that takes seconds is not redone every minute: at most ~3% of one core.
        if time.monotonic() - entry.counted_at > max(self.ttl, entry.cost * 30):
            self._refresh_in_background(db, tenant_id)
        return entry.figures

    def forget(self, tenant_id: uuid.UUID) -> None:
        self._entries.pop(tenant_id, None)

    def _count(self, db: Any, tenant_id: uuid.UUID) -> _Entry:
        started = time.monotonic()
        with db.session(tenant_id, write=False) as session:
            figures = stats.compute(session, tenant_id)
        entry = _Entry(figures, time.monotonic(), time.monotonic() - started)
        self._entries[tenant_id] = entry
        return entry

    def _refresh_in_background(self, db: Any, tenant_id: uuid.UUID) -> None:
        with self._lock:
            if tenant_id in self._refreshing:
                return
            self._refreshing.add(tenant_id)

        def run() -> None:
            try:
                self._count(db, tenant_id)
            except Exception:  # the old figures stay; the next request tries again
                log.exception("recounting the dashboard figures of %s failed", tenant_id)
            finally:
                with self._lock:
                    self._refreshing.discard(tenant_id)

        threading.Thread(target=run, name="rolodex-stats", daemon=True).start()


def for_app(app: Any) -> StatsCache:
    """The app's cache (one per process: API processes are stateless, each keeps its own)."""
    cache = getattr(app.state, "stats_cache", None)
    if cache is None:
        cache = app.state.stats_cache = StatsCache()
    return cache
