"""The customer aggregate: profile, tags, addresses, sources."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Float,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    Uuid,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rolodex.kit.time import utcnow
from rolodex.kit.types import JSONType, Money, UTCDateTime
from rolodex.models.base import Base, TenantScoped, Timestamps

STAGES = ("prospect", "lead_qualified", "customer", "churned", "lead_exhausted")
STATUSES = ("active", "inactive", "vip", "blocked", "pending")
TYPES = ("guest", "registered", "wholesale", "affiliate")
ADDRESS_TYPES = ("shipping", "billing", "both")
SOURCES = ("shopify", "klaviyo", "chat", "import", "manual", "api")


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


class Customer(TenantScoped, Timestamps, Base):
    __tablename__ = "customers"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id"], ["tenants.id"], ondelete="CASCADE"),
        CheckConstraint(f"lifecycle_stage IN {_in(STAGES)}", name="stage"),
        CheckConstraint(f"status IN {_in(STATUSES)}", name="status"),
        CheckConstraint(f"customer_type IN {_in(TYPES)}", name="type"),
        # One live customer per email and tenant; soft-deleted ones do not collide.
        Index(
            "uq_customers_live_email",
            "tenant_id",
            "email_normalized",
            unique=True,
            sqlite_where=text("deleted_at IS NULL AND email_normalized IS NOT NULL"),
            postgresql_where=text("deleted_at IS NULL AND email_normalized IS NOT NULL"),
        ),
        Index("ix_customers_tenant_created", "tenant_id", "created_at", "id"),
        # Sort keys of the customer list (search, migration 0003; last_active_at and
        # last_order_at are sorted through expression indexes made there).
        Index("ix_customers_tenant_ltv", "tenant_id", "ltv", "id"),
        Index("ix_customers_tenant_order_count", "tenant_id", "order_count", "id"),
        # The dashboard's main filters, already in LTV order (stage=…&status=…&sort=-ltv).
        Index(
            "ix_customers_tenant_stage_status_ltv",
            "tenant_id",
            "lifecycle_stage",
            "status",
            "ltv",
            "id",
        ),
        Index("ix_customers_tenant_stage", "tenant_id", "lifecycle_stage", "created_at"),
        # Matching keys (identity, migration 0004), kept by a flush hook in models/identity.py.
        Index("ix_customers_tenant_email_key", "tenant_id", "email_key"),
        # Live namesakes oldest first, from the index alone (blocking's 50 per key; 0103).
        Index(
            "ix_customers_name_key_live",
            "tenant_id",
            "name_key",
            "created_at",
            "id",
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
        # Live holders of a phone oldest first, from the index alone (blocking; 0105).
        Index(
            "ix_customers_phone_live",
            "tenant_id",
            "phone_e164",
            "created_at",
            "id",
            sqlite_where=text("deleted_at IS NULL AND phone_e164 IS NOT NULL"),
            postgresql_where=text("deleted_at IS NULL AND phone_e164 IS NOT NULL"),
        ),
    )

    email: Mapped[str | None] = mapped_column(String(320))
    email_normalized: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(64))
    phone_e164: Mapped[str | None] = mapped_column(String(20))
    first_name: Mapped[str | None] = mapped_column(String(200))
    last_name: Mapped[str | None] = mapped_column(String(200))
    full_name: Mapped[str | None] = mapped_column(String(401))
    company: Mapped[str | None] = mapped_column(String(200))
    lifecycle_stage: Mapped[str] = mapped_column(String(20), default="prospect")
    status: Mapped[str] = mapped_column(String(20), default="active")
    customer_type: Mapped[str] = mapped_column(String(20), default="guest")
    notes: Mapped[str | None] = mapped_column(Text)
    internal_notes: Mapped[str | None] = mapped_column(Text)
    attributes: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    email_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    email_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    email_consent_source: Mapped[str | None] = mapped_column(String(64))
    sms_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    sms_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sms_consent_source: Mapped[str | None] = mapped_column(String(64))
    acquisition_source: Mapped[str | None] = mapped_column(String(100))
    utm_source: Mapped[str | None] = mapped_column(String(200))
    utm_medium: Mapped[str | None] = mapped_column(String(200))
    utm_campaign: Mapped[str | None] = mapped_column(String(200))
    utm_term: Mapped[str | None] = mapped_column(String(200))
    utm_content: Mapped[str | None] = mapped_column(String(200))
    ltv: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    # Kept by database triggers on orders (migration 0003_order_stats): paid orders only.
    order_count: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    first_order_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_order_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_active_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Identity (migration 0004): the survivor a merged duplicate points to, matching keys.
    merged_into_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    email_key: Mapped[str | None] = mapped_column(String(320))
    name_key: Mapped[str | None] = mapped_column(String(64))

    tags: Mapped[list[CustomerTag]] = relationship(
        cascade="all, delete-orphan", lazy="select", order_by="CustomerTag.tag"
    )
    addresses: Mapped[list[Address]] = relationship(
        cascade="all, delete-orphan",
        lazy="select",
        # the id breaks ties: the addresses of one request share a creation time
        order_by=lambda: [Address.is_default.desc(), Address.created_at, Address.id],
    )
    sources: Mapped[list[CustomerSource]] = relationship(
        cascade="all, delete-orphan", lazy="select", order_by=lambda: source_order()
    )


class CustomerTag(Base):
    __tablename__ = "customer_tags"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "customer_id"],
            ["customers.tenant_id", "customers.id"],
            ondelete="CASCADE",
        ),
        Index("ix_customer_tags_tenant_tag", "tenant_id", "tag"),
    )

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    customer_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    tag: Mapped[str] = mapped_column(String(100), primary_key=True)


class Address(TenantScoped, Base):
    __tablename__ = "customer_addresses"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "customer_id"],
            ["customers.tenant_id", "customers.id"],
            ondelete="CASCADE",
        ),
        CheckConstraint(f"type IN {_in(ADDRESS_TYPES)}", name="type"),
        Index("ix_customer_addresses_customer", "tenant_id", "customer_id"),
        Index("ix_customer_addresses_country", "tenant_id", "country"),
    )

    customer_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    type: Mapped[str] = mapped_column(String(10), default="both")
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    line1: Mapped[str | None] = mapped_column(String(300))
    line2: Mapped[str | None] = mapped_column(String(300))
    city: Mapped[str | None] = mapped_column(String(200))
    region: Mapped[str | None] = mapped_column(String(200))
    postcode: Mapped[str | None] = mapped_column(String(32))
    country: Mapped[str | None] = mapped_column(String(2))
    lat: Mapped[float | None] = mapped_column(Float)
    lng: Mapped[float | None] = mapped_column(Float)
    timezone: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CustomerSource(TenantScoped, Base):
    __tablename__ = "customer_sources"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "customer_id"],
            ["customers.tenant_id", "customers.id"],
            ondelete="CASCADE",
        ),
        CheckConstraint(f"source IN {_in(SOURCES)}", name="source"),
        Index("uq_customer_sources_external", "tenant_id", "source", "external_id", unique=True),
        Index("ix_customer_sources_customer", "tenant_id", "customer_id"),
    )

    customer_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    source: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str | None] = mapped_column(String(200))
    last_synced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


def source_order() -> list[Any]:
    """A customer's sources in the order they are shown: by source, then id (none first),
    then link: a customer that absorbed another holds several links of one source, which came
    in the rows' order (SQLite's, or PostgreSQL's, where an update moves a row last)."""
    s = CustomerSource
    return [s.source, s.external_id.asc().nulls_first(), s.id]


def source_key(source: str, external_id: str | None, link: uuid.UUID) -> tuple[Any, ...]:
    """``source_order`` of one link, in Python."""
    return (source, external_id is not None, external_id or "", str(link))


L = TypeVar("L")


def link_for(
    links: Iterable[L], source: str, external_id: str, of: Callable[[L], tuple[str, str | None]]
) -> L | None:
    """The link a source id goes to: the customer's link holding it, else one of that source
    without an id (to fill), whatever their order (a customer that absorbed another can hold
    both); None when it needs a new one. ``of`` gives a link's (source, external id)."""
    same = [link for link in links if of(link)[0] == source]
    held = next((link for link in same if of(link)[1] == external_id), None)
    return held if held is not None else next((k for k in same if of(k)[1] is None), None)
