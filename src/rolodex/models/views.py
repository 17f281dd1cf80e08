"""Saved views: a named filter, sort and column set, private to its owner or shared."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, ForeignKeyConstraint, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from rolodex.kit.types import JSONType
from rolodex.models.base import Base, TenantScoped, Timestamps


class SavedView(TenantScoped, Timestamps, Base):
    __tablename__ = "saved_views"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id"], ["tenants.id"], ondelete="CASCADE"),
        Index("ix_saved_views_owner", "tenant_id", "owner_type", "owner_id"),
    )

    name: Mapped[str] = mapped_column(String(200))
    filter: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    sort: Mapped[str | None] = mapped_column(String(200))
    columns: Mapped[list[str]] = mapped_column(JSONType, default=list)
    shared: Mapped[bool] = mapped_column(Boolean, default=False)
    owner_type: Mapped[str] = mapped_column(String(16))  # api_key | user
    owner_id: Mapped[str] = mapped_column(String(200))
