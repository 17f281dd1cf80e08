"""Identity bookkeeping: thresholds, duplicate candidates, dismissed pairs, merges, matches,
scans. A pair is stored with ``customer_a_id < customer_b_id`` (by string) so it is one row.

These tables name customers ``customer_a_id``/``survivor_id``/``matched_customer_id``, never
``customer_id``: a merge moves every (tenant_id, customer_id) row and must not move these.
"""

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
    Integer,
    String,
    Text,
    Uuid,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column

from rolodex.identity import normalize
from rolodex.kit.time import utcnow
from rolodex.kit.types import JSONType, UTCDateTime
from rolodex.models.base import Base, TenantScoped
from rolodex.models.customers import Customer


def _customer_fk(column: str) -> ForeignKeyConstraint:
    return ForeignKeyConstraint(
        ["tenant_id", column], ["customers.tenant_id", "customers.id"], ondelete="CASCADE"
    )


class IdentitySettings(Base):
    """Per-tenant thresholds; a tenant without a row uses the defaults (0.95 / 0.70)."""

    __tablename__ = "identity_settings"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id"], ["tenants.id"], ondelete="CASCADE"),
        CheckConstraint(
            "review_threshold >= 0 AND review_threshold <= auto_merge_threshold "
            "AND auto_merge_threshold <= 1",
            name="thresholds",
        ),
    )

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    auto_merge_threshold: Mapped[float] = mapped_column(Float, default=0.95)
    review_threshold: Mapped[float] = mapped_column(Float, default=0.70)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class DuplicateCandidate(TenantScoped, Base):
    __tablename__ = "duplicate_candidates"
    __table_args__ = (
        _customer_fk("customer_a_id"),
        _customer_fk("customer_b_id"),
        Index(
            "uq_duplicate_candidates_pair",
            "tenant_id",
            "customer_a_id",
            "customer_b_id",
            unique=True,
        ),
        Index("ix_duplicate_candidates_score", "tenant_id", "score", "id"),
        Index("ix_duplicate_candidates_b", "tenant_id", "customer_b_id"),
    )

    customer_a_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    customer_b_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    score: Mapped[float] = mapped_column(Float)
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    origin: Mapped[str] = mapped_column(String(16), default="scan")  # scan | ingest
    scan_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DismissedPair(Base):
    """A pair a person said is not a duplicate: never proposed again."""

    __tablename__ = "dismissed_pairs"
    __table_args__ = (_customer_fk("customer_a_id"), _customer_fk("customer_b_id"))

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    customer_a_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    customer_b_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    score: Mapped[float | None] = mapped_column(Float)
    actor_type: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MergeLog(TenantScoped, Base):
    """One merge: both records before, the survivor after, exactly which child rows moved
    (and any column the merge changed on them), rows it added; enough to undo it exactly."""

    __tablename__ = "identity_merges"
    __table_args__ = (
        _customer_fk("survivor_id"),
        _customer_fk("duplicate_id"),
        Index("ix_identity_merges_survivor", "tenant_id", "survivor_id", "created_at"),
        Index("ix_identity_merges_duplicate", "tenant_id", "duplicate_id", "created_at"),
    )

    survivor_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    duplicate_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    score: Mapped[float | None] = mapped_column(Float)
    origin: Mapped[str] = mapped_column(String(16), default="api")  # api | auto | ingest
    survivor_before: Mapped[dict[str, Any]] = mapped_column(JSONType)
    duplicate_before: Mapped[dict[str, Any]] = mapped_column(JSONType)
    survivor_after: Mapped[dict[str, Any]] = mapped_column(JSONType)
    duplicate_after: Mapped[dict[str, Any]] = mapped_column(JSONType)
    moved: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    inserted: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # conflicts, filled fields, rows kept on the duplicate
    details: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    actor_type: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    undone_by: Mapped[str | None] = mapped_column(String(200))


class IdentityMatch(TenantScoped, Base):
    """An ingested profile matched to an existing customer, and why."""

    __tablename__ = "identity_matches"
    __table_args__ = (
        _customer_fk("matched_customer_id"),
        Index("ix_identity_matches_customer", "tenant_id", "matched_customer_id", "created_at"),
    )

    matched_customer_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    channel: Mapped[str] = mapped_column(String(32))
    score: Mapped[float] = mapped_column(Float)
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    filled: Mapped[list[str]] = mapped_column(JSONType, default=list)
    conflicts: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    actor_type: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DedupeScan(TenantScoped, Base):
    """One full-tenant scan: progress while it runs, figures when done."""

    __tablename__ = "identity_scans"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id"], ["tenants.id"], ondelete="CASCADE"),
        CheckConstraint("state IN ('queued', 'running', 'done', 'failed')", name="state"),
        Index("ix_identity_scans_created", "tenant_id", "created_at"),
    )

    state: Mapped[str] = mapped_column(String(16), default="queued")
    auto_merge: Mapped[bool] = mapped_column(Boolean, default=False)
    customers: Mapped[int] = mapped_column(Integer, default=0)
    processed: Mapped[int] = mapped_column(Integer, default=0)
    pairs_scored: Mapped[int] = mapped_column(Integer, default=0)
    candidates: Mapped[int] = mapped_column(Integer, default=0)
    merged: Mapped[int] = mapped_column(Integer, default=0)
    seconds: Mapped[float | None] = mapped_column(Float)
    error: Mapped[str | None] = mapped_column(Text)
    actor_id: Mapped[str] = mapped_column(String(200), default="system")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


@event.listens_for(Customer, "before_insert")
@event.listens_for(Customer, "before_update")
def _keep_match_keys(_mapper: Any, _conn: Any, customer: Customer) -> None:
    """Every ORM write keeps the indexed matching keys in step with the profile."""
    customer.email_key = normalize.email_key(customer.email_normalized or customer.email)
    customer.name_key = normalize.name_key(customer.first_name, customer.last_name)
