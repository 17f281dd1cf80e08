"""Request and response shapes of the identity API."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from rolodex.customers.schemas import CustomerOut


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ReasonOut(BaseModel):
    code: str = Field(description="same_email, same_phone, similar_name, same_postcode, ...")
    effect: float = Field(description="how much it moved the score (the base for the first)")
    detail: str = ""


class CustomerBrief(BaseModel):
    id: uuid.UUID
    full_name: str | None
    email: str | None
    phone: str | None
    company: str | None
    city: str | None
    postcode: str | None
    lifecycle_stage: str
    ltv: Decimal
    created_at: datetime


class DuplicateOut(BaseModel):
    id: uuid.UUID
    score: float
    reasons: list[ReasonOut]
    origin: Literal["scan", "ingest"] | str
    created_at: datetime
    customer_a: CustomerBrief
    customer_b: CustomerBrief


class DuplicateList(BaseModel):
    items: list[DuplicateOut]
    next_cursor: str | None


class DismissOut(BaseModel):
    id: uuid.UUID
    dismissed: bool = True
    customer_a_id: uuid.UUID
    customer_b_id: uuid.UUID


class MergeIn(StrictModel):
    survivor_id: uuid.UUID = Field(description="the customer that stays")
    duplicate_id: uuid.UUID = Field(description="the customer merged into it (soft-deleted)")


class Conflict(BaseModel):
    field: str
    survivor: Any = None
    duplicate: Any = None
    kept: str = "survivor"


class RowsToMove(BaseModel):
    count: int
    ids: list[dict[str, Any]] = Field(description="primary keys (the first 200)")


class MergePreview(BaseModel):
    dry_run: bool = True
    survivor_id: uuid.UUID
    duplicate_id: uuid.UUID
    result: CustomerOut = Field(description="the survivor as the merge would leave it")
    filled: list[str]
    conflicts: list[Conflict]
    would_move: dict[str, RowsToMove]
    would_stay: dict[str, int] = Field(
        description="rows left on the duplicate because the survivor has an equal one"
    )


class MergeOut(BaseModel):
    id: uuid.UUID
    survivor_id: uuid.UUID
    duplicate_id: uuid.UUID
    origin: str
    score: float | None
    created_at: datetime
    undone_at: datetime | None
    filled: list[str]
    conflicts: list[Conflict]
    moved: dict[str, int] = Field(description="rows moved to the survivor, per table")
    kept_on_duplicate: dict[str, int]
    survivor: CustomerOut | None = None


class MergeList(BaseModel):
    items: list[MergeOut]


class UndoOut(BaseModel):
    merge: MergeOut
    moved_back: dict[str, int]
    kept_changes: dict[str, list[str]] = Field(
        description="per customer, columns changed since the merge and left as they are"
    )
    missing: dict[str, int] = Field(description="moved rows no longer there, per table")


class ThresholdsIO(StrictModel):
    auto_merge_threshold: float = Field(
        0.95, ge=0, le=1, description="pairs scoring at least this are merged automatically"
    )
    review_threshold: float = Field(
        0.70, ge=0, le=1, description="pairs scoring at least this are proposed for review"
    )


class ScanIn(StrictModel):
    auto_merge: bool = Field(False, description="merge pairs at or above the auto threshold")


class ScanOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    state: Literal["queued", "running", "done", "failed"]
    auto_merge: bool
    customers: int
    processed: int
    pairs_scored: int
    candidates: int
    merged: int
    seconds: float | None
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
