"""The matcher: blocking by indexed keys, then scoring, for one incoming or stored profile."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from rolodex.customers.normalize import normalize_email
from rolodex.customers.schemas import CustomerFields
from rolodex.identity import normalize, repository, scoring
from rolodex.identity.normalize import MatchRecord
from rolodex.models import Customer


@dataclass(frozen=True, slots=True)
class Match:
    customer_id: uuid.UUID
    score: scoring.Score
    created_at: datetime


def record_from_fields(data: CustomerFields, region: str) -> MatchRecord:
    """The matching view of an incoming profile (phone parsed with the tenant's region)."""
    address = None
    if data.addresses:
        address = next((a for a in data.addresses if a.is_default), data.addresses[0])
    return normalize.match_record(
        email=data.email,
        phone_e164=normalize.phone_key(data.phone, region),
        first_name=data.first_name,
        last_name=data.last_name,
        line1=address.line1 if address else None,
        postcode=address.postcode if address else None,
        city=address.city if address else None,
        country=address.country if address else None,
        dob=normalize.dob_from_attributes(data.attributes),
    )


def record_from_customer(customer: Customer) -> MatchRecord:
    address = next((a for a in customer.addresses if a.is_default), None)
    if address is None and customer.addresses:
        address = customer.addresses[0]
    return normalize.match_record(
        email=customer.email_normalized,
        phone_e164=customer.phone_e164,
        first_name=customer.first_name,
        last_name=customer.last_name,
        line1=address.line1 if address else None,
        postcode=address.postcode if address else None,
        city=address.city if address else None,
        country=address.country if address else None,
        dob=normalize.dob_from_attributes(customer.attributes),
    )


def record_from_row(row: Any) -> MatchRecord:
    """From a repository.block row (customer columns and its default address)."""
    return normalize.match_record(
        email=row.email_normalized,
        phone_e164=row.phone_e164,
        first_name=row.first_name,
        last_name=row.last_name,
        line1=row.line1,
        postcode=row.postcode,
        city=row.city,
        country=row.country,
        dob=row.dob,
    )


def find_matches(
    session: Session,
    tenant_id: uuid.UUID,
    probe: MatchRecord,
    *,
    email: str | None = None,
    exclude: uuid.UUID | None = None,
    min_score: float = 0.0,
) -> list[Match]:
    """Live customers that may be the probe's person, best first (ties: the oldest first).

    Blocking uses the indexed keys only (email key, lowercased email, E.164 phone, name key),
    so the cost does not grow with the tenant's size.
    """
    rows: Sequence[Any] = repository.block(
        session,
        tenant_id,
        email_key=probe.email,
        email_normalized=normalize_email(email) if email else None,
        phone=probe.phone,
        name_key=probe.name_key,
    )
    found = []
    for row in rows:
        if row.id == exclude:
            continue
        result = scoring.score(probe, record_from_row(row))
        if result.value > 0 and result.value >= min_score:
            found.append(Match(row.id, result, row.created_at))
    found.sort(key=lambda m: (-m.score.value, m.created_at, str(m.customer_id)))
    return found
