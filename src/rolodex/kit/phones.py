"""Phone numbers: kept as given, normalized to E.164 with phonenumbers."""

from __future__ import annotations

from functools import lru_cache

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
