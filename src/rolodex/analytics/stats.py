"""Dashboard figures: one pass over live customers, the same numbers for API and dashboard.

Large tenants read them through analytics.cache (recounted in the background)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import BigInteger, ColumnElement, case, func, select
from sqlalchemy.orm import Session

from rolodex.analytics.risk import HIGH_RISK_DAYS
from rolodex.analytics.segments import SegmentCount, segment_counts
from rolodex.kit.money import quantize
from rolodex.kit.time import utcnow
from rolodex.models import Customer


class MonthCount(BaseModel):
    month: str
    new_customers: int
    total: int


class Stats(BaseModel):
    total_customers: int
    active: int
    vip: int
    average_ltv: Decimal
    total_ltv: Decimal
    churn_rate: float
    new_this_month: int
    new_last_month: int
    growth_rate: float | None
    high_churn_risk: int
    stages: dict[str, int]
    growth: list[MonthCount]
    segments: list[SegmentCount] = Field(
        default_factory=list, description="Live members per segment (segment distribution)."
    )
    as_of: datetime | None = Field(
        default=None, description="When these figures were counted (large tenants: cached)."
    )


STAGES = ("prospect", "lead_qualified", "customer", "churned", "lead_exhausted")


def _month_start(moment: datetime, back: int = 0) -> datetime:
    year, month = moment.year, moment.month - back
    while month <= 0:
        month += 12
        year -= 1
    return moment.replace(year=year, month=month, day=1, hour=0, minute=0, second=0, microsecond=0)


def compute(
    session: Session,
    tenant_id: uuid.UUID,
    now: datetime | None = None,
    *,
    scope: ColumnElement[bool] | None = None,
) -> Stats:
    """Every figure in one pass over the tenant's live customers (plus segment counts);
    ``scope`` (a condition on customers, e.g. one segment) narrows them."""
    now = now or utcnow()
    months = [_month_start(now, back) for back in range(11, -1, -1)]  # oldest first
    cutoff = now - timedelta(days=HIGH_RISK_DAYS)
    live = [Customer.tenant_id == tenant_id, Customer.deleted_at.is_(None)]
    if scope is not None:
        live.append(scope)

    def n(condition: Any) -> Any:
        return func.sum(case((condition, 1), else_=0))

    stage = Customer.lifecycle_stage
    buckets = [
        n((Customer.created_at >= start) & (Customer.created_at < end))
        for start, end in zip(months, months[1:], strict=False)
    ] + [n(Customer.created_at >= months[-1])]
    row = session.execute(
        select(
            func.count(),
            n(Customer.status == "active"),
            n(Customer.status == "vip"),
            func.sum(Customer.ltv, type_=BigInteger()),
            n(
                (stage == "customer")
                & (func.coalesce(Customer.last_active_at, Customer.created_at) < cutoff)
            ),
            *[n(stage == s) for s in STAGES],
            *buckets,
        ).where(*live)
    ).one()
    values = [int(v or 0) for v in row]
    total, active, vip, ltv_cents, high_risk = values[:5]
    stages = dict(zip(STAGES, values[5 : 5 + len(STAGES)], strict=True))
    per_month = values[5 + len(STAGES) :]
    # The Money column stores cents; summed as a plain integer.
    total_ltv = Decimal(ltv_cents) / 100
    churned, paying = stages["churned"], stages["customer"]
    new_this, new_last = per_month[-1], per_month[-2]
    running = total - sum(per_month)
    growth = []
    for start, count in zip(months, per_month, strict=True):
        running += count
        key = f"{start.year:04d}-{start.month:02d}"
        growth.append(MonthCount(month=key, new_customers=count, total=running))
    return Stats(
        total_customers=total,
        active=active,
        vip=vip,
        average_ltv=quantize(total_ltv / total) if total else Decimal("0.00"),
        total_ltv=quantize(total_ltv),
        churn_rate=round(churned / (churned + paying), 4) if churned + paying else 0.0,
        new_this_month=new_this,
        new_last_month=new_last,
        growth_rate=round((new_this - new_last) / new_last, 4) if new_last else None,
        high_churn_risk=high_risk,
        stages=stages,
        growth=growth,
        segments=segment_counts(session, tenant_id, now) if scope is None else [],
        as_of=now,
    )
