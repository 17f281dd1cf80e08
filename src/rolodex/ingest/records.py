"""What a webhook says, in our terms: plain records the mappers build and the appliers apply.
Also the lenient readers both mappers use (outside JSON can hold any type anywhere)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from rolodex.customers.normalize import check_email, clean_tags
from rolodex.kit.money import quantize, to_decimal
from rolodex.kit.phones import is_region


class PayloadError(ValueError):
    """The payload cannot be applied as it is: retrying will not help."""


@dataclass
class Consent:
    subscribed: bool
    state: str
    at: datetime | None
    opt_in_level: str | None = None
    source: str | None = None


@dataclass
class AddressRec:
    is_default: bool = False
    line1: str | None = None
    line2: str | None = None
    city: str | None = None
    region: str | None = None
    postcode: str | None = None
    country: str | None = None
    lat: float | None = None
    lng: float | None = None
    timezone: str | None = None


@dataclass
class Profile:
    """A customer as one source sees it. ``None`` means "not in this payload" (keep ours)."""

    provider: str
    external_id: str | None
    version_at: datetime | None
    email: str | None = None
    phone: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    company: str | None = None
    internal_note: str | None = None
    registered: bool | None = None
    tags: list[str] | None = None
    email_consent: Consent | None = None
    sms_consent: Consent | None = None
    addresses: list[AddressRec] | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    created_at: datetime | None = None


@dataclass
class LineItem:
    product: str
    quantity: int
    price: Decimal
    sku: str | None = None
    brand: str | None = None
    category: str | None = None


@dataclass
class Refund:
    external_id: str
    order_id: str
    amount: Decimal
    at: datetime | None


@dataclass
class OrderRec:
    external_id: str
    version_at: datetime | None
    number: str | None
    financial_status: str | None
    cancelled: bool
    total: Decimal
    currency: str
    placed_at: datetime | None
    items: list[LineItem]
    customer: Profile | None
    refunds: list[Refund]


@dataclass
class TagChange:
    customer_id: str
    tags: list[str]
    added: bool
    at: datetime | None


@dataclass
class ConsentChange:
    customer_id: str
    channel: str  # email | sms
    consent: Consent
    contact: str | None  # the email address or phone the consent is about


@dataclass
class PurchasingSummary:
    customer_id: str
    amount_spent: Decimal | None
    currency: str | None
    number_of_orders: int | None
    last_order_id: str | None
    at: datetime | None


@dataclass
class Deletion:
    customer_id: str
    at: datetime | None


# -- lenient readers ---------------------------------------------------------------------
def text(value: Any, limit: int = 200) -> str | None:
    if value is None or isinstance(value, bool | dict | list):
        return None
    s = " ".join(str(value).replace("\x00", "").split())
    return s[:limit] or None


def long_text(value: Any, limit: int = 20_000) -> str | None:
    if not isinstance(value, str):
        return None
    s = value.replace("\x00", "").strip()
    return s[:limit] or None


def obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def outside_id(value: Any) -> str | None:
    """123, "123" or "gid://shopify/Customer/123" → "123"."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        s = value.strip().rsplit("/", 1)[-1].strip()
        return s[:200] or None
    return None


def when(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value.strip() or len(value) > 64:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except (ValueError, OverflowError):  # not a time, or no UTC instant (year 1 at +01:00)
        return None


def money(value: Any, field_name: str) -> Decimal:
    """Exact money; a payload whose amounts are not numbers cannot be applied (poison)."""
    if isinstance(value, float) and not math.isfinite(value):
        raise PayloadError(f"{field_name}: not a money amount")
    try:
        amount = to_decimal(value)
    except (ValueError, TypeError) as exc:
        raise PayloadError(f"{field_name}: not a money amount ({str(value)[:40]!r})") from exc
    if amount < 0 or amount > Decimal("100000000"):
        raise PayloadError(f"{field_name}: out of range ({amount})")
    return quantize(amount)


def optional_money(value: Any) -> Decimal | None:
    try:
        return money(value, "amount") if value is not None else None
    except PayloadError:
        return None


def number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        f = float(value)
    except ValueError:
        return None
    return f if math.isfinite(f) else None


def email(value: Any) -> str | None:
    s = text(value, 320)
    if not s:
        return None
    try:
        return check_email(s)
    except ValueError:
        return None


def country(value: Any) -> str | None:
    s = text(value, 8)
    if s and len(s) == 2 and is_region(s.upper()):
        return s.upper()
    return None


def tag_list(value: Any) -> list[str]:
    raw = value.split(",") if isinstance(value, str) else items(value)
    return clean_tags([t[:100] for t in (text(v, 100) for v in raw) if t])[:100]


def bool_or_none(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def without_nul(value: Any) -> Any:
    """The payload with NUL characters removed from every string (PostgreSQL text and JSON
    cannot hold them; the raw body in the inbox keeps them)."""
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, list):
        return [without_nul(v) for v in value]
    if isinstance(value, dict):
        return {without_nul(k): without_nul(v) for k, v in value.items()}
    return value
