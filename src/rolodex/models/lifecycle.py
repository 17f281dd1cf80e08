"""Stage transitions and the LTV ledger."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from sqlalchemy import BigInteger, CheckConstraint, ForeignKeyConstraint, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from rolodex.kit.time import utcnow
from rolodex.kit.types import Money, UTCDateTime
from rolodex.models.base import Base, TenantScoped

LEDGER_KINDS = ("purchase", "refund", "manual_add", "manual_set")

_CUSTOMER_FK = ForeignKeyConstraint(
    ["tenant_id", "customer_id"], ["customers.tenant_id", "customers.id"], ondelete="CASCADE"
)


class StageTransition(TenantScoped, Base):
    __tablename__ = "stage_transitions"
    __table_args__ = (
        _CUSTOMER_FK,
        Index("ix_stage_transitions_customer", "tenant_id", "customer_id", "created_at", "id"),
    )

    customer_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    from_stage: Mapped[str] = mapped_column(String(20))
    to_stage: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    ltv_amount: Mapped[Decimal | None] = mapped_column(Money)
    ltv_before: Mapped[Decimal] = mapped_column(Money)
    ltv_after: Mapped[Decimal] = mapped_column(Money)
    actor_type: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LtvEntry(TenantScoped, Base):
    """One change of a customer's LTV. Applying a customer's entries in ``seq`` order with
    ``rolodex.lifecycle.ltv.apply`` gives the customer's LTV."""

    __tablename__ = "ltv_ledger"
    __table_args__ = (
        ForeignKeyConstraint(
            ["tenant_id", "customer_id"],
            ["customers.tenant_id", "customers.id"],
            ondelete="CASCADE",
        ),
        CheckConstraint("kind IN ('purchase', 'refund', 'manual_add', 'manual_set')", name="kind"),
        Index("uq_ltv_ledger_customer_seq", "tenant_id", "customer_id", "seq", unique=True),
    )

    customer_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    seq: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(16))
    amount: Mapped[Decimal] = mapped_column(Money)
    ltv_before: Mapped[Decimal] = mapped_column(Money)
    ltv_after: Mapped[Decimal] = mapped_column(Money)
    source_type: Mapped[str] = mapped_column(String(32))  # transition | order | opening_balance
    source_id: Mapped[str | None] = mapped_column(String(64))
    actor_type: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
