"""Durable jobs: the work queue in the application database (see rolodex.jobs)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKeyConstraint, Index, Integer, String, Text, Uuid
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column

from rolodex.kit.time import utcnow
from rolodex.kit.types import JSONType, UTCDateTime
from rolodex.models.base import Base, TenantScoped

JOB_STATES = ("queued", "running", "done", "dead")


class Job(TenantScoped, Base):
    """One unit of work. ``queued`` jobs run from ``run_at``; a ``running`` job whose lease
    (``locked_until``) passed is taken again; ``dead`` ones wait for a person to retry them."""

    __tablename__ = "jobs"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id"], ["tenants.id"], ondelete="CASCADE"),
        CheckConstraint("state IN ('queued', 'running', 'done', 'dead')", name="state"),
        # Workers claim across tenants: a small partial index over unfinished jobs only.
        Index(
            "ix_jobs_due",
            "run_at",
            sqlite_where=sql_text("state IN ('queued', 'running')"),
            postgresql_where=sql_text("state IN ('queued', 'running')"),
        ),
        Index("ix_jobs_tenant_state", "tenant_id", "state", "created_at", "id"),
    )

    kind: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), default="queued")
    payload: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # Overrides of the kind's (or the worker's) defaults; null means "the default".
    max_attempts: Mapped[int | None] = mapped_column(Integer)
    lease_seconds: Mapped[int | None] = mapped_column(Integer)
    run_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locked_by: Mapped[str | None] = mapped_column(String(200))
    lease_token: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
