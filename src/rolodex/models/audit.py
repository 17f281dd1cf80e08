"""The tamper-evident audit log: entries, the per-tenant chain head, subject keys, erasures."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKeyConstraint, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from rolodex.kit.ids import new_id
from rolodex.kit.time import utcnow
from rolodex.kit.types import JSONType, UTCDateTime
from rolodex.models.base import Base


class AuditEntry(Base):
    """One change. Append-only (a trigger refuses UPDATE and DELETE, except the erasure of
    personal values). ``sealed`` is the hashed form: personal values replaced by keyed digests,
    so erasing the plain values keeps the chain verifying. No foreign key to customers: the log
    outlives what it describes."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_customer", "tenant_id", "customer_id", "seq"),
        Index("ix_audit_log_at", "tenant_id", "at"),
    )

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    actor_type: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[str] = mapped_column(String(200))
    actor_name: Mapped[str] = mapped_column(String(200), default="")
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(500))
    action: Mapped[str] = mapped_column(String(32))
    customer_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    changed: Mapped[str] = mapped_column(Text, default="")
    meta: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    sealed: Mapped[dict[str, Any]] = mapped_column(JSONType)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The last entry of a tenant's chain; locked to append, so the chain never forks."""

    __tablename__ = "audit_heads"

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, default=0)
    hash: Mapped[str] = mapped_column(String(64))


class AuditSubjectKey(Base):
    """The random key of one customer's digests; deleted at erasure, so digests become
    unlinkable. The nil UUID holds the key of entries about no customer."""

    __tablename__ = "audit_subject_keys"
    __table_args__ = (ForeignKeyConstraint(["tenant_id"], ["tenants.id"], ondelete="CASCADE"),)

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    customer_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    key: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuditErasure(Base):
    """A grant to redact one customer's audit entries; open only inside the erasing
    transaction (the trigger admits redaction only while it is open)."""

    __tablename__ = "audit_erasures"
    __table_args__ = (Index("ix_audit_erasures_customer", "tenant_id", "customer_id"),)

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    customer_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    is_open: Mapped[bool] = mapped_column(Boolean, default=True)
    erased_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
