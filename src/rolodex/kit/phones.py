"""Phone numbers: kept as given, normalized to E.164 with phonenumbers."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import phonenumbers


@lru_cache(maxsize=4096)  # a webhook's phone is parsed by validation, matcher and service alike
def to_e164(raw: str, default_region: str) -> str:
    """E.164 form of a phone number, or ValueError saying why it is not one."""
    text = raw.strip()
    if not text:
        raise ValueError("phone is empty")
    region = None if text.startswith("+") else default_region.upper()
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(f"not a phone number ({exc._msg})") from exc
    if not phonenumbers.is_possible_number(number) or not phonenumbers.is_valid_number(number):
        raise ValueError("not a valid phone number for its region")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@lru_cache(maxsize=4096)
def region_of(e164: str) -> str:
    """The region an E.164 number belongs to ("+14155550100" → "US"; "ZZ" when unknown)."""
    try:
        return phonenumbers.region_code_for_number(phonenumbers.parse(e164, None)) or "ZZ"
    except phonenumbers.NumberParseException:
        return "ZZ"


def is_region(code: str) -> bool:
    return code.upper() in phonenumbers.SUPPORTED_REGIONS


def phone_regions(addresses: Sequence[Any] | None, default: str) -> tuple[str, ...]:
    """Where a customer's local number (no + and country code) is read, in order: in the
    tenant's region ``default``, then in the country of the default (else the first) of the
    customer's addresses. The tenant's first: people write a number the way of the country
    it belongs to, and a country's local form (its trunk 0: "020 7946 0958", "030 1234567")
    is not a valid number elsewhere, while a permissive plan reads another country's digits
    as its own (a US "(415) 555-0101" is also a valid German number). The same for the API,
    webhooks' profiles and imports."""
    tenant = default.upper()
    if addresses:
        address = next((a for a in addresses if getattr(a, "is_default", False)), addresses[0])
        country = str(getattr(address, "country", None) or "").upper()
        if country and country != tenant:
            return (tenant, country)
    return (tenant,)


def local_e164(raw: str, addresses: Sequence[Any] | None, default: str) -> str:
    """E.164 of a customer's phone read as ``phone_regions`` says; ValueError from the
    tenant's region's reading when no reading is a valid number."""
    first, *others = phone_regions(addresses, default)
    try:
        return to_e164(raw, first)
    except ValueError:
        for region in others:
            try:
                return to_e164(raw, region)
            except ValueError:
                pass
        raise
