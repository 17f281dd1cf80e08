"""Request and response shapes of transitions and the LTV ledger."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from rolodex.customers.schemas import Stage
from rolodex.lifecycle.ltv import parse_manual_amount


class TransitionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    stage: Stage | None = Field(default=None, description="The new stage; omitted keeps it.")
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] | None = None
    ltv_amount: Decimal | None = Field(
        default=None,
        description=(
            "0.00–10,000.00, two decimals. With stage `customer` it is added to the LTV; "
            "with any other stage it sets the LTV."
        ),
        json_schema_extra={"examples": ["25.50"]},
    )

    @field_validator("ltv_amount", mode="before")
    @classmethod
    def _amount(cls, v: Any) -> Decimal | None:
        return None if v is None else parse_manual_amount(v)

    @field_validator("reason")
    @classmethod
    def _reason(cls, v: str | None) -> str | None:
        return v or None


class Actor(BaseModel):
    type: str
    id: str


class TransitionOut(BaseModel):
    id: uuid.UUID
    customer_id: uuid.UUID
    from_stage: Stage
    to_stage: Stage
    reason: str | None
    ltv_amount: Decimal | None
    ltv_before: Decimal
    ltv_after: Decimal
    actor: Actor
    created_at: datetime


class TransitionList(BaseModel):
    items: list[TransitionOut]
    next_cursor: str | None


class LedgerEntryOut(BaseModel):
    id: uuid.UUID
    seq: int
    kind: str
    amount: Decimal
    ltv_before: Decimal
    ltv_after: Decimal
    source_type: str
    source_id: str | None
    actor: Actor
    created_at: datetime


class LedgerList(BaseModel):
    items: list[LedgerEntryOut]
    next_cursor: str | None
