"""Shopify webhook payloads → records, pure.

Topics: customers/create, customers/update, customers/delete, orders/create, orders/paid,
orders/updated, refunds/create, and the split topics of API 2025-01 and later (the customer
payload no longer carries tags or consent): customer.tags_added, customer.tags_removed,
customers_email_marketing_consent/update, customers_marketing_consent/update (SMS),
customers/purchasing_summary. Older payloads that still carry ``tags``,
``email_marketing_consent`` / ``sms_marketing_consent`` (or ``accepts_marketing``) are read too.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from rolodex.ingest.records import (
    AddressRec,
    Consent,
    ConsentChange,
    Deletion,
    LineItem,
    OrderRec,
    PayloadError,
    Profile,
    PurchasingSummary,
    Refund,
    TagChange,
    country,
    email,
    items,
    long_text,
    money,
    number,
    obj,
    optional_money,
    outside_id,
    tag_list,
    text,
    when,
)

CUSTOMER_TOPICS = {"customers/create", "customers/update", "customers/enable", "customers/disable"}
ORDER_TOPICS = {"orders/create", "orders/paid", "orders/updated", "orders/cancelled"}
TAG_TOPICS = {"customer.tags_added": True, "customer.tags_removed": False}
EMAIL_CONSENT_TOPIC = "customers_email_marketing_consent/update"
SMS_CONSENT_TOPIC = "customers_marketing_consent/update"
TOPICS = (
    CUSTOMER_TOPICS
    | ORDER_TOPICS
    | set(TAG_TOPICS)
    | {
        "customers/delete",
        "refunds/create",
        EMAIL_CONSENT_TOPIC,
        SMS_CONSENT_TOPIC,
        "customers/purchasing_summary",
    }
)
SUBSCRIBED = "subscribed"

Record = Profile | OrderRec | Refund | TagChange | ConsentChange | PurchasingSummary | Deletion


def parse(topic: str, payload: Any, triggered_at: datetime | None) -> Record | None:
    """The record a webhook carries; None for a topic we do not use. PayloadError when the
    payload cannot be what the topic says."""
    topic = topic.strip().lower()
    if topic not in TOPICS:
        return None
    if not isinstance(payload, dict):
        raise PayloadError("the payload is not a JSON object")
    if topic in CUSTOMER_TOPICS:
        return customer(payload, triggered_at)
    if topic in ORDER_TOPICS:
        return order(payload, triggered_at)
    if topic == "customers/delete":
        return Deletion(_required_id(payload, "id"), triggered_at)
    if topic == "refunds/create":
        return refund(payload, triggered_at)
    if topic in TAG_TOPICS:
        return TagChange(
            _required_id(payload, "customerId"),
            tag_list(payload.get("tags")),
            TAG_TOPICS[topic],
            when(payload.get("occurredAt")) or triggered_at,
        )
    if topic == EMAIL_CONSENT_TOPIC:
        consent = _consent(payload.get("email_marketing_consent"), "shopify", triggered_at)
        if consent is None:
            raise PayloadError("email_marketing_consent: missing")
        return ConsentChange(
            _required_id(payload, "customer_id"),
            "email",
            consent,
            email(payload.get("email_address")),
        )
    if topic == SMS_CONSENT_TOPIC:
        consent = _consent(payload.get("sms_marketing_consent"), "shopify", triggered_at)
        if consent is None:
            raise PayloadError("sms_marketing_consent: missing")
        return ConsentChange(
            _required_id(payload, "id"), "sms", consent, text(payload.get("phone"), 64)
        )
    return purchasing_summary(payload, triggered_at)


def _required_id(payload: dict[str, Any], key: str) -> str:
    value = outside_id(payload.get(key))
    if not value:
        raise PayloadError(f"{key}: missing")
    return value


def _consent(raw: Any, default_source: str, fallback_at: datetime | None) -> Consent | None:
    data = obj(raw)
    state = text(data.get("state"), 32)
    if not state:
        return None
    state = state.lower()
    return Consent(
        subscribed=state == SUBSCRIBED,
        state=state,
        at=when(data.get("consent_updated_at")) or fallback_at,
        opt_in_level=text(data.get("opt_in_level"), 32),
        source=text(data.get("consent_collected_from"), 64) or default_source,
    )


def address_of(raw: Any) -> AddressRec | None:
    data = obj(raw)
    if not data:
        return None
    rec = AddressRec(
        is_default=data.get("default") is True,
        line1=text(data.get("address1"), 300),
        line2=text(data.get("address2"), 300),
        city=text(data.get("city")),
        region=text(data.get("province_code")) or text(data.get("province")),
        postcode=text(data.get("zip"), 32),
        country=country(data.get("country_code")),
    )
    lat, lng = number(data.get("latitude")), number(data.get("longitude"))
    if lat is not None and lng is not None and -90 <= lat <= 90 and -180 <= lng <= 180:
        rec.lat, rec.lng = lat, lng
    if not any((rec.line1, rec.line2, rec.city, rec.region, rec.postcode, rec.country)):
        return None
    return rec


def _addresses(payload: dict[str, Any]) -> list[AddressRec] | None:
    if "addresses" not in payload and "default_address" not in payload:
        return None
    raw = items(payload.get("addresses")) or [payload.get("default_address")]
    default_id = outside_id(obj(payload.get("default_address")).get("id"))
    out = []
    for entry in raw[:50]:
        rec = address_of(entry)
        if rec is None:
            continue
        if default_id and outside_id(obj(entry).get("id")) == default_id:
            rec.is_default = True
        out.append(rec)
    defaults = [a for a in out if a.is_default]
    for extra in defaults[1:]:
        extra.is_default = False
    if out and not defaults:
        out[0].is_default = True
    return out


def customer(payload: dict[str, Any], triggered_at: datetime | None) -> Profile:
    external_id = _required_id(payload, "id")
    state = text(payload.get("state"), 32)
    extra: dict[str, Any] = {}
    for key in ("state", "currency", "verified_email", "tax_exempt", "multipass_identifier"):
        value = payload.get(key)
        if isinstance(value, str | bool | int) and not isinstance(value, float):
            extra[key] = value if not isinstance(value, str) else value[:200]
    exemptions = [t for t in (text(v, 64) for v in items(payload.get("tax_exemptions"))) if t]
    if exemptions:
        extra["tax_exemptions"] = exemptions[:20]
    raw_email = payload.get("email")
    profile = Profile(
        provider="shopify",
        external_id=external_id,
        version_at=when(payload.get("updated_at")) or triggered_at,
        email=email(raw_email),
        phone=text(payload.get("phone"), 64),
        first_name=text(payload.get("first_name")),
        last_name=text(payload.get("last_name")),
        internal_note=long_text(payload.get("note")),
        registered=(state == "enabled") if state else None,
        addresses=_addresses(payload),
        extra=extra,
        created_at=when(payload.get("created_at")),
    )
    if raw_email and profile.email is None:
        extra["invalid_email"] = text(raw_email, 320)
    if "tags" in payload:  # API versions before 2025-01
        profile.tags = tag_list(payload.get("tags"))
    profile.email_consent = _consent(payload.get("email_marketing_consent"), "shopify", None)
    if profile.email_consent is None and isinstance(payload.get("accepts_marketing"), bool):
        accepted = bool(payload["accepts_marketing"])
        profile.email_consent = Consent(
            accepted,
            SUBSCRIBED if accepted else "not_subscribed",
            when(payload.get("accepts_marketing_updated_at")),
            source="shopify",
        )
    profile.sms_consent = _consent(payload.get("sms_marketing_consent"), "shopify", None)
    company = text(obj(payload.get("default_address")).get("company"))
    if company:
        profile.company = company
    return profile


def _line_items(payload: dict[str, Any]) -> list[LineItem]:
    out = []
    for raw in items(payload.get("line_items"))[:500]:
        data = obj(raw)
        name = text(data.get("title"), 300) or text(data.get("name"), 300) or "item"
        quantity = data.get("quantity")
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            quantity = 1
        out.append(
            LineItem(
                product=name,
                quantity=min(quantity, 1_000_000),
                price=money(data.get("price", "0"), "line_items.price"),
                sku=text(data.get("sku"), 100),
                brand=text(data.get("vendor")),
                category=text(data.get("product_type")),
            )
        )
    return out


def _refund_amount(payload: dict[str, Any]) -> Decimal:
    total = Decimal("0.00")
    for raw in items(payload.get("transactions")):
        data = obj(raw)
        kind = (text(data.get("kind"), 32) or "").lower()
        status = (text(data.get("status"), 32) or "success").lower()
        if kind == "refund" and status == "success":
            total += money(data.get("amount"), "transactions.amount")
    return total


def refund(payload: dict[str, Any], triggered_at: datetime | None) -> Refund:
    return Refund(
        external_id=_required_id(payload, "id"),
        order_id=_required_id(payload, "order_id"),
        amount=_refund_amount(payload),
        at=when(payload.get("processed_at")) or when(payload.get("created_at")) or triggered_at,
    )


def order(payload: dict[str, Any], triggered_at: datetime | None) -> OrderRec:
    external_id = _required_id(payload, "id")
    total = money(payload.get("total_price", "0"), "total_price")
    currency = (text(payload.get("currency"), 3) or "USD").upper()
    if len(currency) != 3 or not currency.isalpha():
        raise PayloadError(f"currency: not a currency code ({currency!r})")
    buyer = obj(payload.get("customer"))
    profile = None
    if buyer and outside_id(buyer.get("id")):
        profile = customer(buyer, None)
        # An order's customer object may lack fields; those it lacks stay as they are.
        for key in ("addresses", "tags"):
            if key not in buyer:
                setattr(profile, key, None)
    order_email = email(payload.get("email")) or email(payload.get("contact_email"))
    if profile is None and order_email:
        profile = Profile(provider="shopify", external_id=None, version_at=None, email=order_email)
        billing = obj(payload.get("billing_address"))
        profile.first_name = text(billing.get("first_name"))
        profile.last_name = text(billing.get("last_name"))
    elif profile is not None and profile.email is None:
        profile.email = order_email
    refunds = []
    for raw in items(payload.get("refunds"))[:100]:
        data = obj(raw)
        if outside_id(data.get("id")):
            data = {**data, "order_id": data.get("order_id") or external_id}
            refunds.append(refund(data, triggered_at))
    return OrderRec(
        external_id=external_id,
        version_at=when(payload.get("updated_at")) or triggered_at,
        number=text(payload.get("name"), 64) or text(payload.get("order_number"), 64),
        financial_status=(text(payload.get("financial_status"), 32) or "").lower() or None,
        cancelled=bool(payload.get("cancelled_at")),
        total=total,
        currency=currency,
        placed_at=when(payload.get("processed_at")) or when(payload.get("created_at")),
        items=_line_items(payload),
        customer=profile,
        refunds=refunds,
    )


def purchasing_summary(payload: dict[str, Any], triggered_at: datetime | None) -> PurchasingSummary:
    spent = obj(payload.get("amountSpent"))
    orders = payload.get("numberOfOrders")
    if isinstance(orders, str) and orders.isdigit():
        orders = int(orders)
    return PurchasingSummary(
        customer_id=_required_id(payload, "customerId"),
        amount_spent=optional_money(spent.get("amount")),
        currency=text(spent.get("currencyCode"), 3),
        number_of_orders=orders
        if isinstance(orders, int) and not isinstance(orders, bool)
        else None,
        last_order_id=outside_id(payload.get("lastOrderId")),
        at=when(payload.get("occurredAt")) or triggered_at,
    )
