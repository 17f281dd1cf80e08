"""Request and response shapes of webhook sources, receipts and the inbox."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Provider = Literal["shopify", "klaviyo"]
Secret = Annotated[str, StringConstraints(strip_whitespace=True, min_length=16, max_length=500)]


class SourceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    provider: Provider = Field(description="Who sends the webhooks.")
    secret: Secret = Field(
        description="The signing secret: Shopify's app client secret, or the secret_key of "
        "the Klaviyo webhook. Stored encrypted; never shown again."
    )
    name: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = None


class RotateIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    secret: Secret
    grace_hours: float | None = Field(
        default=None, ge=0, le=24 * 30, description="How long the old secret stays valid."
    )


class SourceOut(BaseModel):
    id: uuid.UUID
    provider: Provider
    name: str
    webhook_path: str
    created_at: datetime
    rotated_at: datetime | None
    previous_valid_until: datetime | None
    disabled_at: datetime | None
    rejected_last_hour: int


class SourceList(BaseModel):
    items: list[SourceOut]
    next_cursor: str | None = None


class HookReceipt(BaseModel):
    status: Literal["accepted", "duplicate"]
    id: uuid.UUID | None


class InboxOut(BaseModel):
    id: uuid.UUID
    source_id: uuid.UUID
    provider: Provider
    topic: str
    delivery_key: str
    event_id: str | None
    triggered_at: datetime | None
    received_at: datetime
    processed_at: datetime | None
    job_id: uuid.UUID | None
    job_state: str | None
    job_error: str | None
    result: dict[str, Any] | None
    headers: dict[str, Any]
    size: int


class InboxList(BaseModel):
    items: list[InboxOut]
    next_cursor: str | None
