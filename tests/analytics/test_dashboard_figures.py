"""Dashboard figures: the one-pass count agrees with the rows, the risk rule, and the cache
that large tenants read (stale for at most its TTL, recounted in the background)."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta

from rolodex.analytics import stats
from rolodex.analytics.cache import StatsCache
from rolodex.analytics.risk import churn_risk
from rolodex.customers import deletion
from rolodex.customers import service as customers
from rolodex.customers.schemas import CustomerCreate
from rolodex.tenants import service as tenants

NOW = datetime(2025, 6, 15, 12, 0, tzinfo=UTC)


def test_churn_risk_rule():
    old = NOW - timedelta(days=400)
    assert churn_risk("customer", NOW - timedelta(days=91), old, NOW) == "high"
    assert churn_risk("customer", NOW - timedelta(days=50), old, NOW) == "medium"
    assert churn_risk("customer", NOW - timedelta(days=3), old, NOW) == "low"
    assert churn_risk("customer", None, old, NOW) == "high"  # never active: since sign-up
    assert churn_risk("customer", None, NOW - timedelta(days=5), NOW) == "low"
    assert churn_risk("churned", None, old, NOW) == "churned"
    assert churn_risk("prospect", None, old, NOW) == "none"


def _tenant(db):
    with db.session() as s:
        tid = tenants.create_tenant(s, f"Figures {uuid.uuid4().hex[:6]}").id
    return tid


def _add(db, tid, principal, **fields):
    with db.session(tid) as s:
        c = customers.create_customer(s, principal, CustomerCreate(**fields))
        return c.id


def _principal(tid):
    from rolodex.auth.roles import Principal

    return Principal(tid, "admin", "system", "test")


def test_one_pass_agrees_with_the_rows(db):
    tid = _tenant(db)
    p = _principal(tid)
    ids = [
        _add(db, tid, p, lifecycle_stage="customer", status="vip"),
        _add(db, tid, p, lifecycle_stage="customer", last_active_at=NOW - timedelta(days=200)),
        _add(db, tid, p, lifecycle_stage="churned"),
        _add(db, tid, p, lifecycle_stage="prospect", status="inactive"),
    ]
    with db.session(tid) as s:
        deletion.delete_customer(s, p, ids[3])
    with db.session(tid, write=False) as s:
        now = datetime.now(UTC)
        figures = stats.compute(s, tid, now)
    assert figures.total_customers == 3
    assert (figures.active, figures.vip) == (2, 1)
    assert figures.stages == {
        "prospect": 0, "lead_qualified": 0, "customer": 2, "churned": 1, "lead_exhausted": 0,
    }  # fmt: skip
    assert figures.churn_rate == round(1 / 3, 4)
    assert figures.high_churn_risk == 1  # quiet for 200 days
    assert figures.new_this_month == 3
    assert figures.growth[-1].total == 3
    assert figures.growth[-1].new_customers == 3
    assert len(figures.growth) == 12
    assert figures.as_of == now


def test_large_tenants_read_the_cache_and_it_is_recounted(db):
    tid = _tenant(db)
    p = _principal(tid)
    _add(db, tid, p)
    cache = StatsCache(ttl=0.0, live_below=1)  # every tenant counts as large here
    first = cache.figures(db, tid)
    assert first.total_customers == 1
    _add(db, tid, p)
    stale = cache.figures(db, tid)  # answered at once from the last count…
    assert stale.total_customers == 1
    assert stale.as_of == first.as_of
    deadline = time.monotonic() + 20
    while cache.figures(db, tid).total_customers != 2 and time.monotonic() < deadline:
        time.sleep(0.05)  # …while a background thread recounts
    fresh = cache.figures(db, tid)
    assert fresh.total_customers == 2
    assert fresh.as_of > first.as_of


def test_small_tenants_are_always_counted_afresh(db):
    tid = _tenant(db)
    p = _principal(tid)
    cache = StatsCache(ttl=3600.0)
    assert cache.figures(db, tid).total_customers == 0
    _add(db, tid, p)
    assert cache.figures(db, tid).total_customers == 1
