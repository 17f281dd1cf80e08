"""Request and response shapes of events and the timeline."""

from __future__ import annotations

import ipaddress
import json
import uuid
from datetime import datetime, timedelta
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)

from rolodex.customers.normalize import check_email
from rolodex.errors import InvalidInput, field_error
from rolodex.kit.json_values import check_storable
from rolodex.kit.time import InputDatetime, as_utc, utcnow

MAX_BATCH = 1000
MAX_PROPERTIES_BYTES = 16_384
# Timeline item types that are not activities; an event cannot take these names.
TIMELINE_TYPES = frozenset(
    {
        "stage_change",
        "order",
        "tag_change",
        "note_change",
        "merge",
        "created",
        "deleted",
        "restored",
        "erased",
    }
)

Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]


class EventIn(BaseModel):
    """One activity. Name the customer by ``customer_id`` or by ``email`` (a live customer)."""

    model_config = ConfigDict(extra="forbid")

    type: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")] = Field(
        description="page_view, purchase, session_completed, ... or a custom type.",
        examples=["page_view"],
    )
    customer_id: uuid.UUID | None = None
    email: Annotated[str, StringConstraints(max_length=320)] | None = None
    event_id: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
        | None
    ) = Field(default=None, description="Idempotency key: an event id already seen is skipped.")
    occurred_at: InputDatetime | None = Field(default=None, description="When; now when omitted.")
    session_id: Short | None = None
    properties: dict[str, Any] = Field(default_factory=dict)
    utm_source: Short | None = None
    utm_medium: Short | None = None
    utm_campaign: Short | None = None
    utm_term: Short | None = None
    utm_content: Short | None = None
    ip: str | None = Field(default=None, max_length=64)
    user_agent: Annotated[str, StringConstraints(max_length=500)] | None = None

    @field_validator("email")
    @classmethod
    def _email(cls, v: str | None) -> str | None:
        return check_email(v) if v and v.strip() else None

    @field_validator("ip")
    @classmethod
    def _ip(cls, v: str | None) -> str | None:
        if v is None or not v.strip():
            return None
        return str(ipaddress.ip_address(v.strip()))

    @field_validator("properties")
    @classmethod
    def _properties(cls, v: dict[str, Any]) -> dict[str, Any]:
        check_storable(v)
        if len(json.dumps(v)) > MAX_PROPERTIES_BYTES:
            raise ValueError(f"properties are larger than {MAX_PROPERTIES_BYTES} bytes")
        return v

    @field_validator("occurred_at")
    @classmethod
    def _when(cls, v: datetime | None) -> datetime | None:
        if v is None:
            return None
        v = as_utc(v)
        if v > utcnow() + timedelta(days=1):
            raise ValueError("is more than a day in the future")
        return v

    @model_validator(mode="after")
    def _checks(self) -> EventIn:
        if self.type in TIMELINE_TYPES:
            raise ValueError(f"type {self.type!r} is reserved for the timeline")
        if self.customer_id is None and self.email is None:
            raise ValueError("name the customer: customer_id or email")
        return self


_EVENTS = TypeAdapter(list[EventIn])


def _field(loc: tuple[Any, ...], single: bool) -> str:
    parts = list(loc[1:] if single and loc else loc)
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "body"


def parse_events(body: Any) -> tuple[list[EventIn], bool]:
    """(events, whether one object was sent) from a JSON object or a list of up to 1,000."""
    single = isinstance(body, dict)
    items = [body] if single else body
    if not isinstance(items, list):
        raise field_error("body", "send one event object or a list of them")
    if not items:
        raise field_error("body", "the list of events is empty")
    if len(items) > MAX_BATCH:
        raise field_error("body", f"at most {MAX_BATCH} events per request", len(items))
    try:
        return _EVENTS.validate_python(items), single
    except ValidationError as exc:
        details = [
            {"field": _field(tuple(e["loc"]), single), "message": e["msg"], "type": e["type"]}
            for e in exc.errors(include_url=False, include_context=False, include_input=False)
        ]
        fields = ", ".join(sorted({d["field"] for d in details})[:10])
        raise InvalidInput(f"invalid input: {fields}", details=details[:100]) from exc


EVENTS_OPENAPI: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "oneOf": [
                        EventIn.model_json_schema(),
                        {
                            "type": "array",
                            "items": EventIn.model_json_schema(),
                            "maxItems": MAX_BATCH,
                        },
                    ]
                }
            }
        },
    }
}


class EventResult(BaseModel):
    id: uuid.UUID
    event_id: str | None
    customer_id: uuid.UUID
    duplicate: bool


class EventsOut(BaseModel):
    items: list[EventResult]
    accepted: int
    duplicates: int


class TimelineItem(BaseModel):
    id: str
    type: str
    at: datetime
    source: str
    data: dict[str, Any]


class TimelineList(BaseModel):
    items: list[TimelineItem]
    next_cursor: str | None
