"""Bulk-load synthetic people into one tenant with SQLAlchemy Core executemany.

Each record becomes a customer, its tags, one default address (type "both") and an "import"
source with external id ``synth-{record_id}``. Derived columns are filled the way the app
fills them: lowercased email, E.164 phone (left empty when the phone does not parse), full
name, and the identity matching keys that models/identity.py keeps on ORM writes (a Core
insert bypasses that hook). Ids are deterministic (``customer_id_for``), so a ground-truth
file keyed by record_id names customers without a lookup.

Email duplicates: a live customer's normalized email is unique per tenant, so a
near-duplicate that carries its original's email (``SynthRecord.shares_email``) is loaded
with no email; it keeps its phone, name and address, which still make it findable. Every
record is loaded, so record_id → person_id stays the ground truth for what is in the
database. Records must come in stream order (an original before its duplicates).

Runs inside the caller's transaction and never commits. On PostgreSQL the caller sets the
tenant for row-level security; rows are inserted with ``tenant_id`` either way.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from typing import Any, cast

from sqlalchemy import Connection, Table, insert

from rolodex.customers.normalize import clean_tags, full_name, normalize_email
from rolodex.demo.record import SynthRecord
from rolodex.identity import normalize as identity
from rolodex.kit.phones import to_e164
from rolodex.models import Address, Customer, CustomerSource, CustomerTag

BATCH_SIZE = 5_000
_CUSTOMERS = cast(Table, Customer.__table__)
_TAGS = cast(Table, CustomerTag.__table__)
_ADDRESSES = cast(Table, Address.__table__)
_SOURCES = cast(Table, CustomerSource.__table__)


def customer_id_for(tenant_id: uuid.UUID, record_id: int) -> uuid.UUID:
    """The id load_people gives the customer made from ``record_id`` in ``tenant_id``."""
    return uuid.uuid5(tenant_id, f"synth-customer-{record_id}")


def load_people(
    conn: Connection,
    tenant_id: uuid.UUID,
    records: Iterable[SynthRecord],
    default_region: str = "US",
    on_progress: Callable[[int], None] | None = None,
    batch_size: int = BATCH_SIZE,
) -> int:
    """Insert ``records`` for ``tenant_id`` in batches; returns how many customers were made.

    ``on_progress`` is called with the running total after each batch.
    """
    customers: list[dict[str, Any]] = []
    tags: list[dict[str, Any]] = []
    addresses: list[dict[str, Any]] = []
    sources: list[dict[str, Any]] = []
    total = 0
    for rec in records:
        _rows(rec, tenant_id, default_region, customers, tags, addresses, sources)
        if len(customers) >= batch_size:
            total += _flush(conn, customers, tags, addresses, sources)
            if on_progress is not None:
                on_progress(total)
    if customers:
        total += _flush(conn, customers, tags, addresses, sources)
        if on_progress is not None:
            on_progress(total)
    return total


def _rows(
    rec: SynthRecord,
    tenant_id: uuid.UUID,
    default_region: str,
    customers: list[dict[str, Any]],
    tags: list[dict[str, Any]],
    addresses: list[dict[str, Any]],
    sources: list[dict[str, Any]],
) -> None:
    cid = customer_id_for(tenant_id, rec.record_id)
    email = None if rec.shares_email or not rec.email else rec.email.strip()
    phone_e164 = None
    if rec.phone:
        try:
            phone_e164 = to_e164(rec.phone, rec.country or default_region)
        except ValueError:
            phone_e164 = None
    email_normalized = normalize_email(email) if email else None
    created = rec.created_at
    email_consent = rec.email_consent and email is not None
    sms_consent = rec.sms_consent and rec.phone is not None
    customers.append(
        {
            "tenant_id": tenant_id,
            "id": cid,
            "email": email,
            "email_normalized": email_normalized,
            "phone": rec.phone,
            "phone_e164": phone_e164,
            "first_name": rec.first_name,
            "last_name": rec.last_name,
            "full_name": full_name(rec.first_name, rec.last_name),
            "company": rec.company,
            "lifecycle_stage": rec.lifecycle_stage,
            "status": rec.status,
            "customer_type": rec.customer_type,
            "notes": None,
            "internal_notes": None,
            "attributes": rec.attributes,
            "email_consent": email_consent,
            "email_consent_at": created if email_consent else None,
            "email_consent_source": "import" if email_consent else None,
            "sms_consent": sms_consent,
            "sms_consent_at": created if sms_consent else None,
            "sms_consent_source": "import" if sms_consent else None,
            "acquisition_source": rec.acquisition_source,
            "utm_source": rec.utm_source,
            "utm_medium": rec.utm_medium,
            "utm_campaign": rec.utm_campaign,
            "utm_term": None,
            "utm_content": None,
            "ltv": rec.ltv,
            "last_active_at": rec.last_active_at,
            "deleted_at": None,
            "merged_into_id": None,
            "email_key": identity.email_key(email_normalized),
            "name_key": identity.name_key(rec.first_name, rec.last_name),
            "created_at": created,
            "updated_at": rec.last_active_at or created,
        }
    )
    for tag in clean_tags(rec.tags):
        tags.append({"tenant_id": tenant_id, "customer_id": cid, "tag": tag})
    addresses.append(
        {
            "tenant_id": tenant_id,
            "id": uuid.uuid5(cid, "address"),
            "customer_id": cid,
            "type": "both",
            "is_default": True,
            "line1": rec.line1,
            "line2": None,
            "city": rec.city,
            "region": rec.region,
            "postcode": rec.postcode,
            "country": rec.country,
            "lat": None,
            "lng": None,
            "timezone": rec.timezone,
            "created_at": created,
        }
    )
    sources.append(
        {
            "tenant_id": tenant_id,
            "id": uuid.uuid5(cid, "source"),
            "customer_id": cid,
            "source": "import",
            "external_id": f"synth-{rec.record_id}",
            "last_synced_at": created,
        }
    )


def _flush(
    conn: Connection,
    customers: list[dict[str, Any]],
    tags: list[dict[str, Any]],
    addresses: list[dict[str, Any]],
    sources: list[dict[str, Any]],
) -> int:
    """Insert and clear the buffered rows; customers first, for the foreign keys."""
    n = len(customers)
    conn.execute(insert(_CUSTOMERS), customers)
    if tags:
        conn.execute(insert(_TAGS), tags)
    conn.execute(insert(_ADDRESSES), addresses)
    conn.execute(insert(_SOURCES), sources)
    for rows in (customers, tags, addresses, sources):
        rows.clear()
    return n
