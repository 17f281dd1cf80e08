"""Pure rules of the system segments: RFM value tiers, engagement and churn risk.

- Value: recency, frequency and money each scored 1–5 by quintile among the tenant's buyers
  (ties share a score); R + F + M of 12 or more is high, 8 to 11 medium, less low. Customers
  who never bought are low.
- Engagement: days since the last activity or order (creation when there is neither):
  active up to 30, cooling up to 90, dormant after.
- Churn risk (buyers only): a prediction when there is one (high from 0.7, medium from 0.4);
  otherwise days since the last order against the customer's own rhythm (the mean gap between
  their orders; with one order, the tenant's median rhythm): twice the rhythm is high, 1.25
  times is medium.
"""

from __future__ import annotations

import statistics
import uuid
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

ACTIVE_DAYS = 30
COOLING_DAYS = 90
HIGH_VALUE, MEDIUM_VALUE = 12, 8
CHURN_HIGH, CHURN_MEDIUM = 2.0, 1.25
PREDICTED_HIGH, PREDICTED_MEDIUM = 0.7, 0.4
DEFAULT_RHYTHM_DAYS = 90.0


@dataclass(frozen=True, slots=True)
class Profile:
    """What the rules read of one customer."""

    id: uuid.UUID
    ltv: Decimal
    order_count: int
    first_order_at: datetime | None
    last_order_at: datetime | None
    last_active_at: datetime | None
    created_at: datetime

    @property
    def is_buyer(self) -> bool:
        return self.order_count > 0 or self.ltv > 0


def _days(now: datetime, then: datetime) -> float:
    return max(0.0, (now - then).total_seconds() / 86400)


def quintiles(values: Sequence[float], *, higher_is_better: bool = True) -> list[int]:
    """A 1–5 score per value from its mid-rank percentile (the share of values it beats,
    counting ties as half): equal values share a score, a better value never scores lower,
    and the best of any group of distinct values scores 5."""
    n = len(values)
    ordered = sorted(values)
    out = []
    for v in values:
        below, upto = bisect_left(ordered, v), bisect_right(ordered, v)
        beaten = below if higher_is_better else n - upto
        pct = (beaten + (upto - below) / 2) / n
        out.append(min(5, 1 + int(5 * pct)))
    return out


def value_tiers(profiles: Sequence[Profile], now: datetime) -> dict[uuid.UUID, str]:
    """high / medium / low for every profile."""
    buyers = [p for p in profiles if p.is_buyer]
    tiers = {p.id: "low" for p in profiles if not p.is_buyer}
    if not buyers:
        return tiers
    never = 10.0**6  # bought (LTV) without a dated order: the oldest recency
    recency = [_days(now, p.last_order_at) if p.last_order_at else never for p in buyers]
    r = quintiles(recency, higher_is_better=False)
    f = quintiles([float(p.order_count) for p in buyers])
    m = quintiles([float(p.ltv) for p in buyers])
    for p, rs, fs, ms in zip(buyers, r, f, m, strict=True):
        total = rs + fs + ms
        tier = "high" if total >= HIGH_VALUE else "medium" if total >= MEDIUM_VALUE else "low"
        tiers[p.id] = tier
    return tiers


def engagement(p: Profile, now: datetime) -> str:
    """From the last activity or order; a customer with neither counts from creation."""
    signs = [t for t in (p.last_active_at, p.last_order_at) if t is not None]
    seen = max(signs) if signs else p.created_at
    days = _days(now, seen)
    return "active" if days <= ACTIVE_DAYS else "cooling" if days <= COOLING_DAYS else "dormant"


def rhythm_days(p: Profile) -> float | None:
    """The mean gap between a customer's paid orders, when they have two or more."""
    if p.order_count < 2 or p.first_order_at is None or p.last_order_at is None:
        return None
    return max(1.0, _days(p.last_order_at, p.first_order_at) / (p.order_count - 1))


def tenant_rhythm(profiles: Sequence[Profile]) -> float:
    gaps = [g for g in (rhythm_days(p) for p in profiles) if g is not None]
    return statistics.median(gaps) if gaps else DEFAULT_RHYTHM_DAYS


def churn_risk(
    p: Profile, now: datetime, typical_rhythm: float, predicted: float | None = None
) -> tuple[str, float] | None:
    """(high / medium / low, confidence) for a buyer with a dated order; None otherwise."""
    if predicted is not None:
        level = (
            "high"
            if predicted >= PREDICTED_HIGH
            else "medium"
            if predicted >= PREDICTED_MEDIUM
            else "low"
        )
        return level, round(predicted if level != "low" else 1 - predicted, 4)
    if p.last_order_at is None:
        return None
    ratio = _days(now, p.last_order_at) / (rhythm_days(p) or typical_rhythm)
    if ratio >= CHURN_HIGH:
        return "high", 1.0
    return ("medium", 1.0) if ratio >= CHURN_MEDIUM else ("low", 1.0)


def assignments(
    profiles: Sequence[Profile], now: datetime, predictions: Mapping[uuid.UUID, float]
) -> dict[str, dict[uuid.UUID, float]]:
    """System segment key → {customer id: confidence} for every system segment."""
    out: dict[str, dict[uuid.UUID, float]] = {key: {} for key in SYSTEM_KEYS}
    for cid, tier in value_tiers(profiles, now).items():
        out[f"value_{tier}"][cid] = 1.0
    typical = tenant_rhythm(profiles)
    for p in profiles:
        out[f"engagement_{engagement(p, now)}"][p.id] = 1.0
        if p.order_count > 0 or p.id in predictions:
            risk = churn_risk(p, now, typical, predictions.get(p.id))
            if risk is not None:
                out[f"churn_risk_{risk[0]}"][p.id] = risk[1]
    return out


# key, name, kind, description
SYSTEM_SEGMENTS: tuple[tuple[str, str, str, str], ...] = (
    ("value_high", "High value", "value", "RFM score 12–15 (quintiles among buyers)"),
    ("value_medium", "Medium value", "value", "RFM score 8–11"),
    ("value_low", "Low value", "value", "RFM score 3–7, or never bought"),
    ("engagement_active", "Active", "behavioral", f"seen in the last {ACTIVE_DAYS} days"),
    ("engagement_cooling", "Cooling", "behavioral", f"seen {ACTIVE_DAYS}–{COOLING_DAYS} days ago"),
    ("engagement_dormant", "Dormant", "behavioral", f"not seen for over {COOLING_DAYS} days"),
    ("churn_risk_high", "High churn risk", "behavioral", "overdue by 2× their rhythm, or p ≥ 0.7"),
    ("churn_risk_medium", "Medium churn risk", "behavioral", "overdue by 1.25×, or p ≥ 0.4"),
    ("churn_risk_low", "Low churn risk", "behavioral", "buying on rhythm"),
)  # fmt: skip
SYSTEM_KEYS = tuple(s[0] for s in SYSTEM_SEGMENTS)
