"""Request and response shapes of the customer API."""

from __future__ import annotations

import json
import uuid
import zoneinfo
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from rolodex.customers.normalize import check_email, clean_tags
from rolodex.kit.json_values import check_storable
from rolodex.kit.phones import is_region
from rolodex.kit.time import InputDatetime

Stage = Literal["prospect", "lead_qualified", "customer", "churned", "lead_exhausted"]
Status = Literal["active", "inactive", "vip", "blocked", "pending"]
CustomerType = Literal["guest", "registered", "wholesale", "affiliate"]
SourceName = Literal["shopify", "klaviyo", "chat", "import", "manual", "api"]
AddressType = Literal["shipping", "billing", "both"]

Name = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Short = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
Tag = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
LongText = Annotated[str, StringConstraints(max_length=20_000)]

_TIMEZONES = zoneinfo.available_timezones()
MAX_ATTRIBUTES = 200
MAX_ATTRIBUTES_CHARS = 100_000  # as JSON; with the other fields, within what an import reads


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


def blank_is_none(value: str | None) -> str | None:
    """Text of only spaces is no value: stored as null, as an import (and a CSV, which cannot
    tell the two apart) reads a blank cell, so an export imported again is the same."""
    return value if value is None or value.strip() else None


class AddressIn(StrictModel):
    type: AddressType = "both"
    is_default: bool = False
    line1: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] | None = None
    line2: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] | None = None
    city: Short | None = None
    region: Short | None = None
    postcode: Annotated[str, StringConstraints(strip_whitespace=True, max_length=32)] | None = None
    country: str | None = Field(default=None, description="ISO 3166-1 alpha-2, e.g. US")
    lat: float | None = Field(default=None, ge=-90, le=90)
    lng: float | None = Field(default=None, ge=-180, le=180)
    timezone: str | None = Field(default=None, description="IANA zone, e.g. Europe/Berlin")

    @field_validator("line1", "line2", "city", "region", "postcode")
    @classmethod
    def _blank(cls, v: str | None) -> str | None:
        return blank_is_none(v)

    @field_validator("country")
    @classmethod
    def _country(cls, v: str | None) -> str | None:
        if v is None or not v.strip():
            return None
        v = v.strip().upper()
        if len(v) != 2 or not is_region(v):
            raise ValueError("not an ISO 3166-1 alpha-2 country code")
        return v

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str | None) -> str | None:
        if v is None or not v.strip():
            return None
        if v.strip() not in _TIMEZONES:
            raise ValueError("not an IANA time zone")
        return v.strip()


class AddressOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    type: AddressType
    is_default: bool
    line1: str | None
    line2: str | None
    city: str | None
    region: str | None
    postcode: str | None
    country: str | None
    lat: float | None
    lng: float | None
    timezone: str | None


class SourceIn(StrictModel):
    source: SourceName
    external_id: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)
    ]


class SourceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    source: SourceName
    external_id: str | None
    last_synced_at: datetime | None


class ConsentIn(StrictModel):
    email: bool | None = None
    sms: bool | None = None
    source: Short | None = None

    @field_validator("source")
    @classmethod
    def _blank(cls, v: str | None) -> str | None:
        return blank_is_none(v)


class UtmIn(StrictModel):
    source: Short | None = None
    medium: Short | None = None
    campaign: Short | None = None
    term: Short | None = None
    content: Short | None = None

    @field_validator("source", "medium", "campaign", "term", "content")
    @classmethod
    def _blank(cls, v: str | None) -> str | None:
        return blank_is_none(v)


def _check_attributes(v: dict[str, Any] | None, limited: bool = True) -> dict[str, Any] | None:
    if v is None:
        return v
    if limited and len(v) > MAX_ATTRIBUTES:
        raise ValueError(f"at most {MAX_ATTRIBUTES} custom attributes")
    for key in v:
        if not key.strip() or len(key) > 64:
            raise ValueError("attribute names are 1 to 64 characters, not only spaces")
    check_storable(v)
    if limited and len(json.dumps(v, ensure_ascii=False)) > MAX_ATTRIBUTES_CHARS:
        # a customer's record must fit the 1 MiB an import reads of one record
        raise ValueError(f"custom attributes take at most {MAX_ATTRIBUTES_CHARS:,} characters")
    return v


class CustomerFields(StrictModel):
    """Fields shared by create and update; every one optional."""

    email: Annotated[str, StringConstraints(max_length=320)] | None = None
    phone: Annotated[str, StringConstraints(max_length=64)] | None = None
    first_name: Name | None = None
    last_name: Name | None = None
    company: Short | None = None
    lifecycle_stage: Stage | None = None
    status: Status | None = None
    customer_type: CustomerType | None = None
    notes: LongText | None = None
    internal_notes: LongText | None = None
    attributes: dict[str, Any] | None = None
    consent: ConsentIn | None = None
    acquisition_source: Annotated[str, StringConstraints(max_length=100)] | None = None
    utm: UtmIn | None = None
    addresses: list[AddressIn] | None = Field(default=None, max_length=50)
    sources: list[SourceIn] | None = Field(default=None, max_length=20)
    last_active_at: InputDatetime | None = None

    @field_validator("email")
    @classmethod
    def _email(cls, v: str | None) -> str | None:
        if v is None or not v.strip():
            return None
        return check_email(v)

    @field_validator("phone")
    @classmethod
    def _phone(cls, v: str | None) -> str | None:
        return v.strip() if v and v.strip() else None

    @field_validator("company", "notes", "internal_notes", "acquisition_source")
    @classmethod
    def _blank(cls, v: str | None) -> str | None:
        return blank_is_none(v)

    @field_validator("attributes")
    @classmethod
    def _attributes(cls, v: dict[str, Any] | None) -> dict[str, Any] | None:
        return _check_attributes(v)

    @field_validator("addresses")
    @classmethod
    def _one_default(cls, v: list[AddressIn] | None) -> list[AddressIn] | None:
        if v and sum(a.is_default for a in v) > 1:
            raise ValueError("at most one address can be the default")
        return v


class CustomerCreate(CustomerFields):
    tags: list[Tag] = Field(default_factory=list, max_length=100)

    @field_validator("tags")
    @classmethod
    def _tags(cls, v: list[str]) -> list[str]:
        return clean_tags(v)


# What one record of an import may hold (csv_lines.MAX_RECORD_CHARS, the import's 1 MiB).
RecordText = Annotated[str, StringConstraints(max_length=1024 * 1024)]


class CustomerImport(CustomerCreate):
    """A customer as an import writes it: the API's rules, except that a record may hold
    more notes, addresses, links, tags and attributes than one API write gives. A merge
    joins two customers' (notes appended, the others together), and an import must copy
    what an export holds: such a customer failed its row, and a copied tenant lost it. The
    record's own size bounds them (1 MiB)."""

    notes: RecordText | None = None
    internal_notes: RecordText | None = None
    addresses: list[AddressIn] | None = None
    sources: list[SourceIn] | None = None
    tags: list[Tag] = Field(default_factory=list)

    @field_validator("attributes")
    @classmethod
    def _attributes(cls, v: dict[str, Any] | None) -> dict[str, Any] | None:
        return _check_attributes(v, limited=False)


class CustomerUpdate(CustomerFields):
    """Partial update: only the fields sent change. ``attributes`` merges (null removes a key)."""

    tags: list[Tag] | None = Field(default=None, max_length=100)
    add_tags: list[Tag] | None = Field(default=None, max_length=100)
    remove_tags: list[Tag] | None = Field(default=None, max_length=100)


class ConsentOut(BaseModel):
    email: bool
    email_at: datetime | None
    email_source: str | None
    sms: bool
    sms_at: datetime | None
    sms_source: str | None


class UtmOut(BaseModel):
    source: str | None
    medium: str | None
    campaign: str | None
    term: str | None
    content: str | None


class CustomerOut(BaseModel):
    id: uuid.UUID
    email: str | None
    email_normalized: str | None
    phone: str | None
    phone_e164: str | None
    first_name: str | None
    last_name: str | None
    full_name: str | None
    company: str | None
    lifecycle_stage: Stage
    status: Status
    customer_type: CustomerType
    tags: list[str]
    notes: str | None
    internal_notes: str | None
    attributes: dict[str, Any]
    consent: ConsentOut
    acquisition_source: str | None
    utm: UtmOut
    ltv: Decimal
    addresses: list[AddressOut]
    sources: list[SourceOut]
    created_at: datetime
    updated_at: datetime
    last_active_at: datetime | None
    deleted_at: datetime | None


class CustomerList(BaseModel):
    items: list[CustomerOut]
    next_cursor: str | None
