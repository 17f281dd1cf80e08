"""Recent activity across a tenant's live customers, for the overview (newest first)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from rolodex.models import Activity, Customer


@dataclass(frozen=True)
class RecentActivity:
    id: uuid.UUID
    type: str
    at: datetime
    customer_id: uuid.UUID
    customer_name: str


def recent_activity(
    session: Session, tenant_id: uuid.UUID, limit: int = 10
) -> list[RecentActivity]:
    """The latest events (index ix_activities_tenant_at), skipping deleted customers."""
    rows = session.execute(
        select(
            Activity.id,
            Activity.type,
            Activity.occurred_at,
            Activity.customer_id,
            Customer.full_name,
            Customer.email,
        )
        .join(
            Customer,
            (Customer.tenant_id == Activity.tenant_id) & (Customer.id == Activity.customer_id),
        )
        .where(Activity.tenant_id == tenant_id, Customer.deleted_at.is_(None))
        .order_by(Activity.occurred_at.desc(), Activity.id.desc())
        .limit(limit)
    ).all()
    return [
        RecentActivity(r[0], r[1], r[2], r[3], r[4] or r[5] or "Unnamed customer") for r in rows
    ]
