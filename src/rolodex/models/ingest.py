"""Inbound webhooks: sources with their signing secrets, the inbox, per-entity version marks,
and the predictions that Klaviyo (or a model) computes for a customer."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Float,
    ForeignKeyConstraint,
    Index,
    LargeBinary,
    String,
    Text,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from rolodex.kit.time import utcnow
from rolodex.kit.types import JSONType, Money, UTCDateTime
from rolodex.models.base import Base, TenantScoped

PROVIDERS = ("shopify", "klaviyo")


class WebhookSource(TenantScoped, Base):
    """A sender of signed webhooks. Secrets are Fernet-encrypted (HMAC needs them in clear);
    after a rotation the previous secret stays valid until ``previous_valid_until``."""

    __tablename__ = "webhook_sources"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id"], ["tenants.id"], ondelete="CASCADE"),
        CheckConstraint("provider IN ('shopify', 'klaviyo')", name="provider"),
        Index("uq_webhook_sources_name", "tenant_id", "provider", "name", unique=True),
    )

    provider: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    secret_encrypted: Mapped[str] = mapped_column(Text)
    previous_secret_encrypted: Mapped[str | None] = mapped_column(Text)
    previous_valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    rotated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class InboxItem(TenantScoped, Base):
    """One verified delivery, exactly as received. ``delivery_key`` is the sender's webhook id
    (Shopify) or a digest of the body (Klaviyo): unique, so a redelivery stores nothing."""

    __tablename__ = "webhook_inbox"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id"], ["tenants.id"], ondelete="CASCADE"),
        Index("uq_webhook_inbox_delivery", "tenant_id", "provider", "delivery_key", unique=True),
        Index("ix_webhook_inbox_received", "tenant_id", "received_at", "id"),
    )

    source_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    provider: Mapped[str] = mapped_column(String(16))
    topic: Mapped[str] = mapped_column(String(200))
    delivery_key: Mapped[str] = mapped_column(String(200))
    event_id: Mapped[str | None] = mapped_column(String(200))
    triggered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    headers: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    body: Mapped[bytes] = mapped_column(LargeBinary)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    job_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONType)


class IngestMark(Base):
    """What was last applied for one outside entity (or one aspect of it): the version time
    that guards against older updates, and for orders and refunds the amounts behind LTV."""

    __tablename__ = "ingest_marks"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id"], ["tenants.id"], ondelete="CASCADE"),
        Index("ix_ingest_marks_parent", "tenant_id", "provider", "kind", "parent_id"),
    )

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    provider: Mapped[str] = mapped_column(String(16), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    external_id: Mapped[str] = mapped_column(String(300), primary_key=True)
    parent_id: Mapped[str | None] = mapped_column(String(200))
    version_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    amount: Mapped[Decimal | None] = mapped_column(Money)
    state: Mapped[str | None] = mapped_column(String(32))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CustomerPrediction(Base):
    """Predicted value and churn for a customer, one row per source (``klaviyo``, ``model``)."""

    __tablename__ = "customer_predictions"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "customer_id"],
            ["customers.tenant_id", "customers.id"],
            ondelete="CASCADE",
        ),
    )

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    customer_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    source: Mapped[str] = mapped_column(String(16), primary_key=True)
    predicted_clv: Mapped[Decimal | None] = mapped_column(Money)
    historic_clv: Mapped[Decimal | None] = mapped_column(Money)
    total_clv: Mapped[Decimal | None] = mapped_column(Money)
    churn_probability: Mapped[float | None] = mapped_column(Float)
    expected_next_order_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    average_order_value: Mapped[Decimal | None] = mapped_column(Money)
    average_days_between_orders: Mapped[float | None] = mapped_column(Float)
    predicted_number_of_orders: Mapped[float | None] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
