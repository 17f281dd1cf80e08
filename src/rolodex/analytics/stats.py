"""Dashboard figures: one pass over live customers, the same numbers for API and dashboard."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from decimal import Decimal

from pydantic import BaseModel
from sqlalchemy import BigInteger, case, func, select
from sqlalchemy.orm import Session

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


def _month_start(moment: datetime, back: int = 0) -> datetime:
    year, month = moment.year, moment.month - back
    while month <= 0:
        month += 12
        year -= 1
    return moment.replace(year=year, month=month, day=1, hour=0, minute=0, second=0, microsecond=0)


def compute(session: Session, tenant_id: uuid.UUID, now: datetime | None = None) -> Stats:
    now = now or utcnow()
    this_month, last_month = _month_start(now), _month_start(now, 1)
    live = (Customer.tenant_id == tenant_id, Customer.deleted_at.is_(None))
    row = session.execute(
        select(
            func.count(),
            func.sum(case((Customer.status == "active", 1), else_=0)),
            func.sum(case((Customer.status == "vip", 1), else_=0)),
            func.sum(Customer.ltv, type_=BigInteger()),
            func.sum(case((Customer.lifecycle_stage == "churned", 1), else_=0)),
            func.sum(case((Customer.created_at >= this_month, 1), else_=0)),
            func.sum(
                case(
                    ((Customer.created_at >= last_month) & (Customer.created_at < this_month), 1),
                    else_=0,
                )
            ),
            func.sum(case((Customer.lifecycle_stage == "customer", 1), else_=0)),
        ).where(*live)
    ).one()
    total = int(row[0] or 0)
    # The Money column stores cents; summed as a plain integer.
    total_ltv = Decimal(int(row[3] or 0)) / 100
    churned, paying = int(row[4] or 0), int(row[7] or 0)
    new_this, new_last = int(row[5] or 0), int(row[6] or 0)
    stages = dict(
        session.execute(
            select(Customer.lifecycle_stage, func.count())
            .where(*live)
            .group_by(Customer.lifecycle_stage)
        ).all()
    )
    return Stats(
        total_customers=total,
        active=int(row[1] or 0),
        vip=int(row[2] or 0),
        average_ltv=quantize(total_ltv / total) if total else Decimal("0.00"),
        total_ltv=quantize(total_ltv),
        churn_rate=round(churned / (churned + paying), 4) if churned + paying else 0.0,
        new_this_month=new_this,
        new_last_month=new_last,
        growth_rate=round((new_this - new_last) / new_last, 4) if new_last else None,
        high_churn_risk=_high_risk(session, tenant_id),
        stages={
            s: int(stages.get(s, 0))
            for s in ("prospect", "lead_qualified", "customer", "churned", "lead_exhausted")
        },
        growth=_growth(session, tenant_id, now, total),
    )


def _high_risk(session: Session, tenant_id: uuid.UUID) -> int:
    """Paying customers with no activity for 90 days (until churn predictions exist)."""
    cutoff = utcnow() - timedelta(days=90)
    return int(
        session.scalar(
            select(func.count()).where(
                Customer.tenant_id == tenant_id,
                Customer.deleted_at.is_(None),
                Customer.lifecycle_stage == "customer",
                func.coalesce(Customer.last_active_at, Customer.created_at) < cutoff,
            )
        )
        or 0
    )


def _growth(session: Session, tenant_id: uuid.UUID, now: datetime, total: int) -> list[MonthCount]:
    """New customers per month for the last 12 months, with the running total."""
    start = _month_start(now, 11)
    created = session.scalars(
        select(Customer.created_at).where(
            Customer.tenant_id == tenant_id,
            Customer.deleted_at.is_(None),
            Customer.created_at >= start,
        )
    )
    counts: dict[str, int] = {}
    for moment in created:
        key = f"{moment.year:04d}-{moment.month:02d}"
        counts[key] = counts.get(key, 0) + 1
    months = [_month_start(now, back) for back in range(11, -1, -1)]
    keys = [f"{m.year:04d}-{m.month:02d}" for m in months]
    running = total - sum(counts.values())
    out = []
    for key in keys:
        running += counts.get(key, 0)
        out.append(MonthCount(month=key, new_customers=counts.get(key, 0), total=running))
    return out
