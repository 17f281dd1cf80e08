"""Bulk imports: runs with their options and progress, the stored upload, per-row outcomes
(the dry-run report and what revert undoes), row errors, and a dry run's scratch overlay.

Rows name customers ``target_id``, never ``customer_id``: a merge moves every
(tenant_id, customer_id) row to the survivor and must not rewrite what an import did.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from rolodex.kit.time import utcnow
from rolodex.kit.types import JSONType, UTCDateTime
from rolodex.models.base import Base, TenantScoped

IMPORT_STATES = ("queued", "running", "done", "failed", "cancelled")
# partial: finished, but some customers were kept (whole or in part); it can run again to
# revert what has become revertible since. done: everything it did is undone.
REVERT_STATES = ("queued", "running", "partial", "done")
ROW_REVERTS = ("reverted", "partly", "kept")
ROW_ACTIONS = ("create", "update", "unchanged", "skip", "fail")


def _run_fk() -> ForeignKeyConstraint:
    return ForeignKeyConstraint(
        ["tenant_id", "import_id"], ["imports.tenant_id", "imports.id"], ondelete="CASCADE"
    )


class ImportRun(TenantScoped, Base):
    """One uploaded file and what became of it. ``rows_read`` is the committed offset: a
    resumed run skips that many records and goes on."""

    __tablename__ = "imports"
    __table_args__ = (
        ForeignKeyConstraint(["tenant_id"], ["tenants.id"], ondelete="CASCADE"),
        CheckConstraint(
            "state IN ('queued', 'running', 'done', 'failed', 'cancelled')", name="state"
        ),
        Index("ix_imports_tenant_created", "tenant_id", "created_at", "id"),
    )

    state: Mapped[str] = mapped_column(String(16), default="queued")
    dry_run: Mapped[bool] = mapped_column(Boolean, default=False)
    filename: Mapped[str] = mapped_column(String(300), default="")
    content_type: Mapped[str | None] = mapped_column(String(200))
    size_bytes: Mapped[int] = mapped_column(BigInteger, default=0)
    chunk_count: Mapped[int] = mapped_column(Integer, default=0)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    format: Mapped[str] = mapped_column(String(8))
    encoding: Mapped[str] = mapped_column(String(32))
    delimiter: Mapped[str | None] = mapped_column(String(4))
    options: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    columns: Mapped[list[dict[str, Any]]] = mapped_column(JSONType, default=list)
    mapping: Mapped[dict[str, str]] = mapped_column(JSONType, default=dict)
    warnings: Mapped[list[str]] = mapped_column(JSONType, default=list)
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    # Problems written so far (rows of import_row_errors); None for an import made before
    # migration 0112, whose problems are counted when asked.
    problems: Mapped[int | None] = mapped_column(Integer)
    bytes_read: Mapped[int] = mapped_column(BigInteger, default=0)
    error: Mapped[str | None] = mapped_column(Text)
    # Who runs it now: a worker or `rolodex import`; renewed every batch, so a crashed runner's
    # import is taken over once its lease passes.
    runner: Mapped[str | None] = mapped_column(String(200))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    job_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    actor_type: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[str] = mapped_column(String(200))
    actor_name: Mapped[str] = mapped_column(String(200), default="")
    actor_role: Mapped[str] = mapped_column(String(16))
    # Where it was uploaded from (an HTTP request; none from the CLI), for its audit entries.
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(500))
    cancel_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revert_state: Mapped[str | None] = mapped_column(String(16))
    reverted: Mapped[int] = mapped_column(Integer, default=0)
    revert_kept: Mapped[int] = mapped_column(Integer, default=0)
    revert_partly: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    revert_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revert_finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revert_actor_id: Mapped[str | None] = mapped_column(String(200))
    # Where the latest revert was asked from, for the audit entries it writes.
    revert_ip: Mapped[str | None] = mapped_column(String(64))
    revert_user_agent: Mapped[str | None] = mapped_column(String(500))


class ImportChunk(Base):
    """The uploaded file, in order, in pieces of at most 1 MiB: durable with the run, on both
    engines and for every worker, wherever it runs."""

    __tablename__ = "import_chunks"
    __table_args__ = (_run_fk(),)

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    import_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class ImportRow(Base):
    """What one record of the file did (or, in a dry run, would do)."""

    __tablename__ = "import_rows"
    __table_args__ = (
        _run_fk(),
        CheckConstraint(
            "action IN ('create', 'update', 'unchanged', 'skip', 'fail')", name="action"
        ),
        Index("ix_import_rows_target", "tenant_id", "import_id", "target_id", "row_no"),
    )

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    import_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    row_no: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    line: Mapped[int] = mapped_column(Integer, default=0)
    action: Mapped[str] = mapped_column(String(16))
    target_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    matched_by: Mapped[str | None] = mapped_column(String(16))
    matched_row: Mapped[int | None] = mapped_column(Integer)  # in-file match (dry run)
    score: Mapped[float | None] = mapped_column(Float)
    audit_seq: Mapped[int | None] = mapped_column(BigInteger)
    changes: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    note: Mapped[str | None] = mapped_column(Text)
    revert: Mapped[str | None] = mapped_column(String(16))  # ROW_REVERTS
    revert_reason: Mapped[str | None] = mapped_column(Text)


class ImportRowError(Base):
    """One problem with one field of one record: the error report."""

    __tablename__ = "import_errors"
    __table_args__ = (_run_fk(),)

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    import_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    row_no: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    line: Mapped[int] = mapped_column(Integer, default=0)
    column: Mapped[str | None] = mapped_column(String(300))
    field: Mapped[str | None] = mapped_column(String(100))
    value: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)


class ImportOverlay(Base):
    """Dry run scratch: the state a customer would have after the rows seen so far."""

    __tablename__ = "import_overlay"
    __table_args__ = (_run_fk(),)

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    import_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    target_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    row_no: Mapped[int] = mapped_column(Integer)  # the row that created it (0: existing)
    state: Mapped[dict[str, Any]] = mapped_column(JSONType)


class ImportKey(Base):
    """Dry run scratch: matching keys the overlay's customers would have."""

    __tablename__ = "import_keys"
    __table_args__ = (_run_fk(),)

    tenant_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    import_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    target_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
