"""Activities: append-only events on a customer's timeline."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKeyConstraint, Index, String, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column

from rolodex.kit.time import utcnow
from rolodex.kit.types import JSONType, UTCDateTime
from rolodex.models.base import Base, TenantScoped

EVENT_TYPES = (
    "page_view",
    "product_view",
    "add_to_cart",
    "purchase",
    "email_open",
    "email_click",
    "intake_submitted",
    "session_started",
    "session_completed",
    "summary_viewed",
    "upsell_shown",
    "upsell_clicked",
    "upsell_dismissed",
    "checkout_started",
    "checkout_completed",
    "waiver_accepted",
)


class Activity(TenantScoped, Base):
    __tablename__ = "activities"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "customer_id"],
            ["customers.tenant_id", "customers.id"],
            ondelete="CASCADE",
        ),
        Index("ix_activities_customer", "tenant_id", "customer_id", "occurred_at", "id"),
        Index("ix_activities_type", "tenant_id", "type", "occurred_at"),
        # The overview's recent activity across customers (migration 0007).
        Index("ix_activities_tenant_at", "tenant_id", "occurred_at", "id"),
        # Idempotency: one activity per event id and tenant.
        Index(
            "uq_activities_event_id",
            "tenant_id",
            "event_id",
            unique=True,
            sqlite_where=text("event_id IS NOT NULL"),
            postgresql_where=text("event_id IS NOT NULL"),
        ),
    )

    customer_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    type: Mapped[str] = mapped_column(String(64))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    event_id: Mapped[str | None] = mapped_column(String(200))
    session_id: Mapped[str | None] = mapped_column(String(200))
    properties: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    utm_source: Mapped[str | None] = mapped_column(String(200))
    utm_medium: Mapped[str | None] = mapped_column(String(200))
    utm_campaign: Mapped[str | None] = mapped_column(String(200))
    utm_term: Mapped[str | None] = mapped_column(String(200))
    utm_content: Mapped[str | None] = mapped_column(String(200))
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
