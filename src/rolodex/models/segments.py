"""Segments, who is in them, and when each customer entered and left each one."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Float,
    ForeignKeyConstraint,
    Index,
    String,
    Text,
    Uuid,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from rolodex.kit.time import utcnow
from rolodex.kit.types import JSONType, UTCDateTime
from rolodex.models.base import Base, TenantScoped, Timestamps

SEGMENT_KINDS = ("behavioral", "demographic", "value", "custom")
MEMBERSHIP_TYPES = ("dynamic", "assigned")
ASSIGNERS = ("manual", "system", "model")
LEFT_REASONS = ("removed", "expired", "refresh", "merged")


def _in(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


class Segment(TenantScoped, Timestamps, Base):
    """A named group of customers: ``dynamic`` (a saved filter, evaluated when asked) or
    ``assigned`` (explicit members). ``system`` segments are maintained by the refresh job."""

    __tablename__ = "segments"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id"], ["tenants.id"], ondelete="CASCADE"),
        CheckConstraint(f"kind IN {_in(SEGMENT_KINDS)}", name="kind"),
        CheckConstraint(f"membership IN {_in(MEMBERSHIP_TYPES)}", name="membership"),
        Index("uq_segments_tenant_key", "tenant_id", "key", unique=True),
    )

    key: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))
    membership: Mapped[str] = mapped_column(String(16))
    filter: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    system: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str | None] = mapped_column(String(200))


class SegmentMembership(Base):
    """A current assignment. It counts while ``expires_at`` is empty or in the future."""

    __tablename__ = "segment_memberships"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "segment_id"], ["segments.tenant_id", "segments.id"], ondelete="CASCADE"
        ),
        ForeignKeyConstraint(
            ["tenant_id", "customer_id"],
            ["customers.tenant_id", "customers.id"],
            ondelete="CASCADE",
        ),
        CheckConstraint(f"assigned_by IN {_in(ASSIGNERS)}", name="assigned_by"),
        CheckConstraint("confidence >= 0 AND confidence <= 1", name="confidence"),
        Index("ix_segment_memberships_customer", "tenant_id", "customer_id"),
    )

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    segment_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    customer_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    assigned_by: Mapped[str] = mapped_column(String(8), default="manual")
    confidence: Mapped[float] = mapped_column(Float, default=1.0)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str | None] = mapped_column(String(200))


class SegmentHistory(TenantScoped, Base):
    """One stay of a customer in a segment: entered, and left (or still open). An open stay
    whose ``expires_at`` has passed ended then, even before the job closes it."""

    __tablename__ = "segment_history"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "segment_id"], ["segments.tenant_id", "segments.id"], ondelete="CASCADE"
        ),
        ForeignKeyConstraint(
            ["tenant_id", "customer_id"],
            ["customers.tenant_id", "customers.id"],
            ondelete="CASCADE",
        ),
        CheckConstraint(f"left_reason IN {_in(LEFT_REASONS)}", name="left_reason"),
        Index("ix_segment_history_customer", "tenant_id", "customer_id", "entered_at"),
        Index(
            "uq_segment_history_open",
            "tenant_id",
            "segment_id",
            "customer_id",
            unique=True,
            sqlite_where=text("left_at IS NULL"),
            postgresql_where=text("left_at IS NULL"),
        ),
    )

    segment_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    customer_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    entered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    left_reason: Mapped[str | None] = mapped_column(String(16))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    assigned_by: Mapped[str | None] = mapped_column(String(8))
    confidence: Mapped[float | None] = mapped_column(Float)
