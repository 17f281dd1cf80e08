"""Request and response shapes of the segment API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Kind = Literal["behavioral", "demographic", "value", "custom"]
Membership = Literal["dynamic", "assigned"]
Assigner = Literal["manual", "system", "model"]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Key = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_\-]{0,99}$")]
FilterIn = dict[str, Any] | Annotated[str, StringConstraints(max_length=2000)]

FILTER_DOC = (
    "A dynamic segment's filter, in the filter language of GET /v1/customers: JSON or a string "
    "such as `status:vip campaign:spring-2025 last_active>=-30d`. Members are computed when "
    "asked, so they are always current."
)


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SegmentIn(StrictModel):
    name: Name
    key: Key | None = Field(default=None, description="Stable name in filters; from name if empty")
    kind: Kind = "custom"
    description: Annotated[str, StringConstraints(max_length=2000)] | None = None
    membership: Membership | None = Field(
        default=None, description="dynamic with a filter, assigned without (the default)"
    )
    filter: FilterIn | None = Field(default=None, description=FILTER_DOC)


class SegmentUpdate(StrictModel):
    name: Name | None = None
    kind: Kind | None = None
    description: Annotated[str, StringConstraints(max_length=2000)] | None = None
    filter: FilterIn | None = Field(default=None, description=FILTER_DOC)


class SegmentOut(BaseModel):
    id: uuid.UUID
    key: str
    name: str
    description: str | None
    kind: Kind
    membership: Membership
    filter: dict[str, Any] | None
    system: bool
    member_count: int | None = None
    created_at: datetime
    updated_at: datetime


class SegmentList(BaseModel):
    items: list[SegmentOut]
    next_cursor: str | None = None


class AssignmentIn(StrictModel):
    assigned_by: Assigner = "manual"
    confidence: float = Field(default=1.0, ge=0, le=1)
    expires_at: datetime | None = Field(
        default=None, description="After this time the assignment no longer counts."
    )


class MembershipOut(BaseModel):
    segment_id: uuid.UUID
    segment_key: str
    segment_name: str
    kind: Kind
    membership: Membership
    assigned_by: Assigner | None = None
    confidence: float | None = None
    assigned_at: datetime | None = None
    expires_at: datetime | None = None


class HistoryOut(BaseModel):
    segment_id: uuid.UUID
    segment_key: str
    entered_at: datetime
    left_at: datetime | None
    left_reason: str | None
    assigned_by: str | None
    confidence: float | None
    expires_at: datetime | None


class CustomerSegments(BaseModel):
    items: list[MembershipOut]
    history: list[HistoryOut] | None = None
