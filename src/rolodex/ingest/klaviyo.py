"""Klaviyo webhook batches → records, pure.

A delivery is ``{"data": [{"external_id", "topic", "payload"}, ...], "meta": {...}}`` with up to
1,000 events. A payload is a JSON:API resource (or a document ``{"data": ..., "included": [...]}``)
of type ``profile`` (profile fields, ``subscriptions``, ``predictive_analytics``) or ``event``
(its profile in ``relationships`` and, when present, in ``included``).

Topics used: any profile payload; ``event:klaviyo.subscribed_to_*`` / ``unsubscribed_from_*`` /
``manually_suppressed_from_email_marketing`` (consent); ``opened_email`` and ``clicked_email``
(activities). Other topics are acknowledged and ignored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from rolodex.ingest.records import (
    AddressRec,
    Consent,
    PayloadError,
    Profile,
    country,
    email,
    items,
    number,
    obj,
    optional_money,
    outside_id,
    text,
    when,
)

MAX_EVENTS = 1000
CONSENT_TOPICS = {
    "subscribed_to_email_marketing": ("email", True),
    "unsubscribed_from_email_marketing": ("email", False),
    "manually_suppressed_from_email_marketing": ("email", False),
    "subscribed_to_sms_marketing": ("sms", True),
    "unsubscribed_from_sms_marketing": ("sms", False),
}
ACTIVITY_TOPICS = {"opened_email": "email_open", "clicked_email": "email_click"}


@dataclass
class Predictions:
    predicted_clv: Decimal | None = None
    historic_clv: Decimal | None = None
    total_clv: Decimal | None = None
    churn_probability: float | None = None
    expected_next_order_at: datetime | None = None
    average_order_value: Decimal | None = None
    average_days_between_orders: float | None = None
    predicted_number_of_orders: float | None = None


@dataclass
class KlaviyoEvent:
    event_id: str
    topic: str
    kind: str  # profile | consent | activity | ignored | invalid
    profile_id: str | None = None
    profile: Profile | None = None
    predictions: Predictions | None = None
    channel: str | None = None
    subscribed: bool | None = None
    activity_type: str | None = None
    occurred_at: datetime | None = None
    properties: dict[str, Any] = field(default_factory=dict)
    error: str | None = None


def parse_batch(payload: Any) -> list[KlaviyoEvent]:
    """Every event of a delivery. A delivery that is not a batch is a PayloadError; an event
    that cannot be read becomes ``kind="invalid"`` with its error, and the others still apply."""
    if not isinstance(payload, dict) or not isinstance(payload.get("data"), list):
        raise PayloadError('the payload is not a Klaviyo batch ({"data": [...]})')
    events = payload["data"]
    if len(events) > MAX_EVENTS:
        raise PayloadError(f"more than {MAX_EVENTS} events in one delivery")
    out = []
    for n, raw in enumerate(events):
        entry = obj(raw)
        event_id = outside_id(entry.get("external_id")) or f"#{n}"
        topic = (text(entry.get("topic"), 200) or "").lower()
        try:
            out.append(parse_event(event_id, topic, entry.get("payload")))
        except PayloadError as exc:
            out.append(KlaviyoEvent(event_id, topic, "invalid", error=str(exc)))
    return out


def _resources(payload: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    doc = obj(payload)
    if "data" in doc and isinstance(doc["data"], dict):
        return doc["data"], [obj(i) for i in items(doc.get("included"))]
    return doc, []


def parse_event(event_id: str, topic: str, payload: Any) -> KlaviyoEvent:
    main, included = _resources(payload)
    if main.get("type") == "profile":
        profile, predictions = profile_record(main)
        return KlaviyoEvent(
            event_id, topic, "profile", profile.external_id, profile, predictions=predictions
        )
    if main.get("type") != "event":
        raise PayloadError(f"event {event_id}: payload is neither a profile nor an event")
    attrs = obj(main.get("attributes"))
    profile_ref = obj(obj(obj(main.get("relationships")).get("profile")).get("data"))
    profile_id = outside_id(profile_ref.get("id"))
    seen: Profile | None = None
    for resource in included:
        if resource.get("type") == "profile" and outside_id(resource.get("id")) == profile_id:
            seen = profile_record(resource)[0]
    occurred = when(attrs.get("datetime")) or _unix(attrs.get("timestamp"))
    name = topic.removeprefix("event:klaviyo.")
    event = KlaviyoEvent(event_id, topic, "ignored", profile_id, seen, occurred_at=occurred)
    if name in CONSENT_TOPICS:
        event.kind = "consent"
        event.channel, event.subscribed = CONSENT_TOPICS[name]
    elif name in ACTIVITY_TOPICS:
        event.kind = "activity"
        event.activity_type = ACTIVITY_TOPICS[name]
        props = obj(attrs.get("event_properties"))
        event.properties = {
            str(k)[:64]: v
            for k, v in list(props.items())[:50]
            if isinstance(v, str | int | bool) or _finite(v)
        }
    if event.kind != "ignored" and not profile_id:
        raise PayloadError(f"event {event_id}: no profile")
    return event


def _unix(value: Any) -> datetime | None:
    seconds = number(value)
    if seconds is None or seconds < 0 or seconds > 1e11:
        return None
    return datetime.fromtimestamp(seconds, UTC)


def marketing_consent(channel: dict[str, Any], at_fallback: datetime | None) -> Consent | None:
    """A profile's marketing consent on one channel (``subscriptions.email``), as its API and
    webhooks write it; the import reads a profile page with it too."""
    marketing = obj(channel.get("marketing"))
    state = text(marketing.get("consent"), 32)
    if not state:
        return None
    return Consent(
        subscribed=state.upper() == "SUBSCRIBED",
        state=state.lower(),
        at=when(marketing.get("consent_timestamp")) or at_fallback,
        opt_in_level=text(marketing.get("method"), 32),
        source="klaviyo",
    )


def profile_record(resource: dict[str, Any]) -> tuple[Profile, Predictions | None]:
    profile_id = outside_id(resource.get("id"))
    if not profile_id:
        raise PayloadError("profile: no id")
    attrs = obj(resource.get("attributes"))
    updated = when(attrs.get("updated"))
    profile = Profile(
        provider="klaviyo",
        external_id=profile_id,
        version_at=updated,
        email=email(attrs.get("email")),
        phone=text(attrs.get("phone_number"), 64),
        first_name=text(attrs.get("first_name")),
        last_name=text(attrs.get("last_name")),
        company=text(attrs.get("organization")),
        created_at=when(attrs.get("created")),
    )
    location = obj(attrs.get("location"))
    if location:
        address = AddressRec(
            is_default=True,
            line1=text(location.get("address1"), 300),
            line2=text(location.get("address2"), 300),
            city=text(location.get("city")),
            region=text(location.get("region")),
            postcode=text(location.get("zip"), 32),
            country=country(location.get("country")),
            timezone=text(location.get("timezone"), 64),
        )
        lat, lng = number(location.get("latitude")), number(location.get("longitude"))
        if lat is not None and lng is not None and -90 <= lat <= 90 and -180 <= lng <= 180:
            address.lat, address.lng = lat, lng
        if any((address.line1, address.city, address.region, address.postcode, address.country)):
            profile.addresses = [address]
    subs = obj(attrs.get("subscriptions"))
    profile.email_consent = marketing_consent(obj(subs.get("email")), updated)
    profile.sms_consent = marketing_consent(obj(subs.get("sms")), updated)
    props = obj(attrs.get("properties"))
    if props:
        profile.extra["properties"] = {
            str(k)[:64]: v
            for k, v in list(props.items())[:50]
            if isinstance(v, str | int | bool) or _finite(v)
        }
    for key in ("title", "external_id"):
        value = text(attrs.get(key))
        if value:
            profile.extra[key] = value
    return profile, _predictions(obj(attrs.get("predictive_analytics")))


def _finite(value: Any) -> bool:
    return isinstance(value, float) and value == value and abs(value) != float("inf")


def _predictions(data: dict[str, Any]) -> Predictions | None:
    if not data:
        return None
    churn = number(data.get("churn_probability"))
    if churn is not None and not 0 <= churn <= 1:
        churn = None
    days = number(data.get("average_days_between_orders"))
    orders = number(data.get("predicted_number_of_orders"))
    return Predictions(
        predicted_clv=optional_money(data.get("predicted_clv")),
        historic_clv=optional_money(data.get("historic_clv")),
        total_clv=optional_money(data.get("total_clv")),
        churn_probability=churn,
        expected_next_order_at=when(data.get("expected_date_of_next_order")),
        average_order_value=optional_money(data.get("average_order_value")),
        average_days_between_orders=days if days is not None and days >= 0 else None,
        predicted_number_of_orders=orders if orders is not None and orders >= 0 else None,
    )
