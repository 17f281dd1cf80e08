"""Response shapes of the audit log."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from rolodex.models import AuditEntry


class AuditActor(BaseModel):
    type: str = Field(description="api_key, user, webhook or system")
    id: str
    name: str


class AuditEntryOut(BaseModel):
    seq: int
    at: datetime
    actor: AuditActor
    ip: str | None
    user_agent: str | None
    action: str
    customer_id: uuid.UUID | None
    changed: list[str]
    meta: dict[str, Any]
    before: dict[str, Any] | None = Field(description="The changed fields before.")
    after: dict[str, Any] | None = Field(description="The changed fields after.")
    prev_hash: str
    hash: str

    @classmethod
    def of(cls, e: AuditEntry) -> AuditEntryOut:
        return cls(
            seq=e.seq,
            at=e.at,
            actor=AuditActor(type=e.actor_type, id=e.actor_id, name=e.actor_name),
            ip=e.ip,
            user_agent=e.user_agent,
            action=e.action,
            customer_id=e.customer_id,
            changed=[c for c in e.changed.split(",") if c],
            meta=e.meta or {},
            before=e.before,
            after=e.after,
            prev_hash=e.prev_hash,
            hash=e.hash,
        )


class AuditList(BaseModel):
    items: list[AuditEntryOut]
    next_cursor: str | None


class VerifyOut(BaseModel):
    ok: bool
    entries: int = Field(description="Entries verified before the first broken one, or all.")
    broken_seq: int | None = Field(description="The first entry that does not hold.")
    reason: str | None
    message: str
    head_seq: int


class EraseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    confirm: str = Field(
        max_length=64, description="The customer's id again: erasure cannot be undone."
    )


class ErasureOut(BaseModel):
    customer_id: uuid.UUID
    erased_at: datetime
    redacted: dict[str, int] = Field(description="Rows redacted per kind of record.")
