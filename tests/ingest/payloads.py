"""Payloads shaped like Shopify's and Klaviyo's documented webhook examples, and signing the way
they sign (Shopify: base64 HMAC-SHA256 of the raw body; Klaviyo: hex HMAC-SHA256 of the raw body
followed by the Klaviyo-Timestamp value)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import time
import uuid
from typing import Any

SHOPIFY_SECRET = "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"
KLAVIYO_SECRET = "klaviyo-webhook-secret-0123456789"

_ids = itertools.count(7_064_055_069_303_700_84)


FIRST = [
    "Bob",
    "Ada",
    "Grace",
    "Alan",
    "Joan",
    "Linus",
    "Barbara",
    "Ken",
    "Frances",
    "Dennis",
    "Margaret",
    "Edsger",
    "Radia",
    "Tim",
    "Hedy",
    "Claude",
    "Karen",
    "Donald",
    "Sophie",
    "John",
    "Mary",
    "Niklaus",
    "Anita",
    "Guido",
    "Shafi",
    "Leslie",
    "Adele",
    "Butler",
]
LAST = [
    "Biller",
    "Lovelace",
    "Hopper",
    "Turing",
    "Clarke",
    "Torvalds",
    "Liskov",
    "Thompson",
    "Allen",
    "Ritchie",
    "Hamilton",
    "Dijkstra",
    "Perlman",
    "Berners",
    "Lamarr",
    "Shannon",
    "Jones",
    "Knuth",
    "Wilson",
    "McCarthy",
    "Shaw",
    "Wirth",
    "Borg",
    "Rossum",
    "Goldwasser",
    "Lamport",
    "Goldberg",
    "Lampson",
    "Kay",
    "Backus",
    "Hoare",
    "Milner",
]


def next_id() -> int:
    return next(_ids)


def person(n: int) -> tuple[str, str, str]:
    """(first, last, phone): distinct people, so that identity matching has no false pairs."""
    first = FIRST[n % len(FIRST)]
    last = LAST[(n // len(FIRST)) % len(LAST)] + ("" if n < len(FIRST) * len(LAST) else str(n))
    return first, last, f"+1613{2000000 + n % 7_000_000:07d}"


def body_of(payload: Any) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode()


def shopify_headers(
    topic: str,
    body: bytes,
    *,
    secret: str = SHOPIFY_SECRET,
    webhook_id: str | None = None,
    triggered_at: str | None = None,
) -> dict[str, str]:
    digest = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
    headers = {
        "Content-Type": "application/json",
        "X-Shopify-Topic": topic,
        "X-Shopify-Hmac-Sha256": digest,
        "X-Shopify-Shop-Domain": "acme-store.myshopify.com",
        "X-Shopify-API-Version": "2025-07",
        "X-Shopify-Webhook-Id": webhook_id or str(uuid.uuid4()),
        "X-Shopify-Event-Id": str(uuid.uuid4()),
    }
    if triggered_at:
        headers["X-Shopify-Triggered-At"] = triggered_at
    return headers


def klaviyo_headers(
    body: bytes, *, secret: str = KLAVIYO_SECRET, timestamp: str | None = None
) -> dict[str, str]:
    ts = timestamp or str(int(time.time()))
    mac = hmac.new(secret.encode(), body, hashlib.sha256)
    mac.update(ts.encode())
    return {
        "Content-Type": "application/json",
        "Klaviyo-Signature": mac.hexdigest(),
        "Klaviyo-Timestamp": ts,
        "Klaviyo-Webhook-Id": "01JWHK0000000000000000WHK1",
    }


def shopify_address(customer_id: int, **over: Any) -> dict[str, Any]:
    data = {
        "id": next_id(),
        "customer_id": customer_id,
        "first_name": "Bob",
        "last_name": "Biller",
        "company": "Biller & Co",
        "address1": "151 O'Connor Street",
        "address2": "Suite 4",
        "city": "Ottawa",
        "province": "Ontario",
        "country": "Canada",
        "zip": "K2P 2L8",
        "phone": "555-625-1199",
        "name": "Bob Biller",
        "province_code": "ON",
        "country_code": "CA",
        "country_name": "Canada",
        "default": True,
    }
    data.update(over)
    return data


def shopify_customer(customer_id: int | None = None, **over: Any) -> dict[str, Any]:
    """customers/create and customers/update (API 2025-01+: no tags or consent in it)."""
    cid = customer_id or next_id()
    first, last, phone = person(cid % 1_000_000)
    address = shopify_address(cid, first_name=first, last_name=last, name=f"{first} {last}")
    data = {
        "id": cid,
        "email": f"{first}.{last}.{cid}@example.com".lower(),
        "created_at": "2025-01-10T09:00:00-05:00",
        "updated_at": "2025-01-10T09:00:00-05:00",
        "first_name": first,
        "last_name": last,
        "state": "enabled",
        "note": "This customer loves ice cream",
        "verified_email": True,
        "multipass_identifier": None,
        "tax_exempt": False,
        "currency": "CAD",
        "phone": phone,
        "addresses": [address],
        "tax_exemptions": [],
        "admin_graphql_api_id": f"gid://shopify/Customer/{cid}",
        "default_address": address,
    }
    data.update(over)
    return data


def shopify_line_item(**over: Any) -> dict[str, Any]:
    data = {
        "id": next_id(),
        "admin_graphql_api_id": "gid://shopify/LineItem/866550311766439020",
        "fulfillable_quantity": 1,
        "fulfillment_service": "manual",
        "gift_card": False,
        "grams": 567,
        "name": "IPod Nano - 8GB",
        "price": "199.00",
        "product_exists": True,
        "product_id": 632910392,
        "quantity": 1,
        "requires_shipping": True,
        "sku": "IPOD2008PINK",
        "taxable": True,
        "title": "IPod Nano - 8GB",
        "total_discount": "0.00",
        "variant_id": 808950810,
        "variant_title": None,
        "vendor": "Apple",
    }
    data.update(over)
    return data


def shopify_order(
    person: dict[str, Any], *, order_id: int | None = None, **over: Any
) -> dict[str, Any]:
    """orders/create, orders/paid, orders/updated."""
    customer = person
    oid = order_id or next_id()
    items = [shopify_line_item(), shopify_line_item(name="Case", title="Case", price="20.00")]
    buyer = {
        k: customer[k]
        for k in (
            "id",
            "email",
            "first_name",
            "last_name",
            "phone",
            "created_at",
            "updated_at",
            "state",
            "currency",
            "admin_graphql_api_id",
            "default_address",
        )
    }
    data = {
        "id": oid,
        "admin_graphql_api_id": f"gid://shopify/Order/{oid}",
        "app_id": None,
        "browser_ip": None,
        "buyer_accepts_marketing": True,
        "cancel_reason": None,
        "cancelled_at": None,
        "closed_at": None,
        "confirmed": True,
        "contact_email": customer["email"],
        "created_at": "2025-02-01T10:00:00-05:00",
        "currency": "USD",
        "current_subtotal_price": "219.00",
        "current_total_price": "219.00",
        "email": customer["email"],
        "financial_status": "paid",
        "name": f"#{oid % 100000}",
        "order_number": oid % 100000,
        "processed_at": "2025-02-01T10:00:00-05:00",
        "subtotal_price": "219.00",
        "total_price": "219.00",
        "total_tax": "0.00",
        "updated_at": "2025-02-01T10:00:00-05:00",
        "billing_address": customer["default_address"],
        "shipping_address": customer["default_address"],
        "customer": buyer,
        "line_items": items,
        "refunds": [],
    }
    data.update(over)
    return data


def shopify_refund(order_id: int, amount: str, **over: Any) -> dict[str, Any]:
    """refunds/create."""
    rid = next_id()
    data = {
        "id": rid,
        "order_id": order_id,
        "created_at": "2025-02-03T12:00:00-05:00",
        "note": "Things were damaged",
        "user_id": 548380009,
        "processed_at": "2025-02-03T12:00:00-05:00",
        "restock": False,
        "duties": [],
        "return": None,
        "refund_shipping_lines": [],
        "admin_graphql_api_id": f"gid://shopify/Refund/{rid}",
        "refund_line_items": [
            {
                "id": next_id(),
                "quantity": 1,
                "line_item_id": next_id(),
                "location_id": None,
                "restock_type": "no_restock",
                "subtotal": float(amount),
                "total_tax": 0.0,
            }
        ],
        "transactions": [
            {
                "id": next_id(),
                "order_id": order_id,
                "kind": "refund",
                "gateway": "bogus",
                "status": "success",
                "message": None,
                "created_at": "2025-02-03T12:00:00-05:00",
                "test": False,
                "authorization": None,
                "parent_id": None,
                "source_name": "web",
                "receipt": {},
                "amount": amount,
                "currency": "USD",
            }
        ],
        "order_adjustments": [],
    }
    data.update(over)
    return data


def tags_event(customer_id: int, tags: list[str], occurred_at: str) -> dict[str, Any]:
    """customer.tags_added / customer.tags_removed."""
    return {
        "customerId": f"gid://shopify/Customer/{customer_id}",
        "tags": tags,
        "occurredAt": occurred_at,
    }


def email_consent_event(customer_id: int, email: str, state: str, at: str) -> dict[str, Any]:
    """customers_email_marketing_consent/update."""
    return {
        "customer_id": customer_id,
        "email_address": email,
        "email_marketing_consent": {
            "state": state,
            "opt_in_level": "single_opt_in",
            "consent_updated_at": at,
        },
    }


def sms_consent_event(customer_id: int, phone: str, state: str, at: str) -> dict[str, Any]:
    """customers_marketing_consent/update."""
    return {
        "id": customer_id,
        "phone": phone,
        "sms_marketing_consent": {
            "state": state,
            "opt_in_level": "single_opt_in",
            "consent_updated_at": at,
            "consent_collected_from": "SHOPIFY",
        },
    }


def purchasing_summary_event(customer_id: int, amount: str, orders: int, at: str) -> dict[str, Any]:
    """customers/purchasing_summary."""
    return {
        "customerId": f"gid://shopify/Customer/{customer_id}",
        "amountSpent": {"amount": amount, "currencyCode": "USD"},
        "lastOrderId": f"gid://shopify/Order/{next_id()}",
        "numberOfOrders": orders,
        "occurredAt": at,
    }


# -- Klaviyo -----------------------------------------------------------------------------
def klaviyo_profile(profile_id: str | None = None, **attrs: Any) -> dict[str, Any]:
    """A profile as the Get Profile API returns it, with subscriptions and predictions."""
    pid = profile_id or "01GDDKASAP8TKDDA2GRZDSVP" + uuid.uuid4().hex[:2].upper()
    attributes: dict[str, Any] = {
        "email": f"sarah.mason.{pid.lower()}@klaviyo-demo.com",
        "phone_number": "+15005550006",
        "external_id": None,
        "first_name": "Sarah",
        "last_name": "Mason",
        "organization": "Klaviyo",
        "title": "Engineer",
        "image": None,
        "created": "2024-11-01T16:32:11+00:00",
        "updated": "2025-03-01T16:32:11+00:00",
        "last_event_date": "2025-03-01T16:30:00+00:00",
        "location": {
            "address1": "89 E 42nd St",
            "address2": "1st floor",
            "city": "New York",
            "country": "US",
            "latitude": 40.7527,
            "longitude": -73.9772,
            "region": "NY",
            "zip": "10017",
            "timezone": "America/New_York",
            "ip": "127.0.0.1",
        },
        "properties": {"pseudonym": "Dr. Octopus", "plan": "gold"},
        "subscriptions": {
            "email": {
                "marketing": {
                    "can_receive_email_marketing": True,
                    "consent": "SUBSCRIBED",
                    "consent_timestamp": "2025-02-01T16:32:11+00:00",
                    "last_updated": "2025-02-01T16:32:11+00:00",
                    "method": "PREFERENCE_PAGE",
                    "method_detail": "mydomain.com/signup",
                    "custom_method_detail": None,
                    "double_optin": True,
                    "suppression": [],
                    "list_suppressions": [],
                }
            },
            "sms": {
                "marketing": {
                    "can_receive_sms_marketing": False,
                    "consent": "NEVER_SUBSCRIBED",
                    "consent_timestamp": None,
                    "method": None,
                    "method_detail": None,
                    "last_updated": None,
                }
            },
        },
        "predictive_analytics": {
            "historic_clv": 93.87,
            "predicted_clv": 27.24,
            "total_clv": 121.11,
            "historic_number_of_orders": 2,
            "predicted_number_of_orders": 0.54,
            "average_days_between_orders": 189,
            "average_order_value": 46.94,
            "churn_probability": 0.36,
            "expected_date_of_next_order": "2025-11-08T00:00:00+00:00",
        },
    }
    attributes.update(attrs)
    return {
        "type": "profile",
        "id": pid,
        "attributes": attributes,
        "links": {"self": f"https://a.klaviyo.com/api/profiles/{pid}/"},
    }


def klaviyo_event(
    profile: dict[str, Any], metric: str, *, when: str | None = None
) -> dict[str, Any]:
    """An event as the Get Event API returns it (with its profile included)."""
    eid = "4vRpBT" + uuid.uuid4().hex[:12]
    stamp = when or "2025-03-02T10:00:00+00:00"
    return {
        "data": {
            "type": "event",
            "id": eid,
            "attributes": {
                "timestamp": 1740909600,
                "event_properties": {
                    "Subject": "Spring sale",
                    "Campaign Name": "Spring",
                    "$message": "01JMSG",
                },
                "datetime": stamp,
                "uuid": str(uuid.uuid4()),
            },
            "relationships": {
                "profile": {"data": {"type": "profile", "id": profile["id"]}},
                "metric": {"data": {"type": "metric", "id": "RESQ6t"}},
            },
        },
        "included": [profile, {"type": "metric", "id": "RESQ6t", "attributes": {"name": metric}}],
    }


def klaviyo_batch(*entries: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    return {
        "data": [
            {"external_id": "01J" + uuid.uuid4().hex[:20].upper(), "topic": topic, "payload": p}
            for topic, p in entries
        ],
        "meta": {
            "klaviyo_webhook_id": "01JWHK0000000000000000WHK1",
            "klaviyo_account_id": "AbC123",
            "timestamp": "2025-03-02T10:00:05+00:00",
            "version": "2025-07-15",
        },
    }
