"""The synthetic customer record and the name folding shared by generator and tests."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

# How a near-duplicate came about; each keeps a signal a matcher can find (see synth.py).
DUP_KINDS = (
    "email_case", "phone_format", "nickname", "typo", "no_email", "new_email", "same_address",
)  # fmt: skip


@dataclass(slots=True)
class SynthRecord:
    """One customer profile as an import would see it, plus its ground truth."""

    record_id: int
    person_id: int
    first_name: str | None
    last_name: str | None
    email: str | None
    phone: str | None
    country: str
    region: str
    city: str
    postcode: str
    line1: str
    timezone: str
    company: str | None
    lifecycle_stage: str
    status: str
    customer_type: str
    tags: list[str]
    attributes: dict[str, Any]
    acquisition_source: str | None
    utm_source: str | None
    utm_medium: str | None
    utm_campaign: str | None
    email_consent: bool
    sms_consent: bool
    ltv: Decimal
    created_at: datetime
    last_active_at: datetime | None
    duplicate_of: int | None = None  # record_id of the original this near-duplicates
    dup_kind: str | None = None  # one of DUP_KINDS
    shares_email: bool = False  # carries the original's email, maybe in another case/spacing


def fold(name: str) -> str:
    """ASCII letters only, lowercased: "Zoë O'Brien" → 'zoeobrien'."""
    text = name.replace("ß", "ss").replace("ı", "i").replace("ł", "l").replace("ø", "o")
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text.lower() if "a" <= c <= "z")


def strip_accents(name: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
