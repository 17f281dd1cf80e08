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
from rolodex.kit import deferred
from rolodex.kit.phones import local_e164
from rolodex.models import Address, Customer

# the blocking keys of a probe: email key, lowercased email, E.164 phone, name key
_Keys = tuple[str | None, str | None, str | None, str | None]


@dataclass(frozen=True, slots=True)
class Match:
    customer_id: uuid.UUID
    score: scoring.Score
    created_at: datetime


def record_from_fields(data: CustomerFields, region: str) -> MatchRecord:
    """The matching view of an incoming profile (a local phone read in the tenant's
    ``region``, else in its address's country: kit.phones.local_e164)."""
    address = None
    if data.addresses:
        address = next((a for a in data.addresses if a.is_default), data.addresses[0])
    return normalize.match_record(
        email=data.email,
        phone_e164=_local_phone(data, region),
        first_name=data.first_name,
        last_name=data.last_name,
        line1=address.line1 if address else None,
        postcode=address.postcode if address else None,
        city=address.city if address else None,
        country=address.country if address else None,
        dob=normalize.dob_from_attributes(data.attributes),
    )


def _local_phone(data: CustomerFields, region: str) -> str | None:
    if not data.phone:
        return None
    try:
        return local_e164(data.phone, data.addresses, region)
    except ValueError:
        return None


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
    settled: float | None = None,
) -> list[Match]:
    """Live customers that may be the probe's person, best first (ties: the oldest first).

    Blocking uses the indexed keys only (email key, lowercased email, E.164 phone, name key),
    so the cost does not grow with the tenant's size. In a transaction whose flushes wait
    (kit.deferred), the changes it has not flushed are flushed first when they could change
    what the blocking query finds: a changed customer sharing a key with the probe, or one it
    found as stored before the change.
    """
    keys = (probe.email, normalize_email(email) if email else None, probe.phone, probe.name_key)
    unflushed = _unflushed(session)
    if unflushed and any(_shares_key(c, keys) for c in unflushed.values()):
        session.flush()
        unflushed = {}
    rows = _block(session, tenant_id, keys)
    if any(row.id in unflushed for row in rows):  # read as they were before their change
        session.flush()
        unflushed = {}
        rows = _block(session, tenant_id, keys)
    found = _scored(probe, rows, exclude, min_score)
    if settled is not None and not (found and found[0].score.value >= settled):
        # No match yet: past the cap on its name, the namesakes sharing its postcode or
        # birth date too (imports do the same: identity.batch.decide).
        if unflushed:
            session.flush()
        more = repository.block_places(
            session, tenant_id, rows, name_key=probe.name_key, postcode=probe.postcode,
            dob=probe.dob,
        )  # fmt: skip
        if more:
            found = sorted([*found, *_scored(probe, more, exclude, min_score)], key=_best_first)
    return found


def _scored(
    probe: MatchRecord, rows: Sequence[Any], exclude: uuid.UUID | None, min_score: float
) -> list[Match]:
    found = []
    for row in rows:
        if row.id == exclude:
            continue
        result = scoring.score(probe, record_from_row(row))
        if result.value > 0 and result.value >= min_score:
            found.append(Match(row.id, result, row.created_at))
    found.sort(key=_best_first)
    return found


def _best_first(m: Match) -> tuple[float, datetime, str]:
    return (-m.score.value, m.created_at, str(m.customer_id))


# Unflushed customers checked one by one for each probe at most: past this many (a batch of
# hundreds of new profiles in one job), they are flushed instead, so each check stays cheap.
MOST_UNFLUSHED = 200


def _unflushed(session: Session) -> dict[uuid.UUID, Customer | None]:
    """In a transaction whose flushes wait (kit.deferred): the customers it changed or added
    and has not flushed, by id (None: one whose addresses changed), which the blocking query
    does not see as they are now."""
    if not deferred.flushes_deferred(session):
        return {}
    found: dict[uuid.UUID, Customer | None] = {}
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Customer):
            found[obj.id] = obj
        elif isinstance(obj, Address) and obj.customer_id is not None:
            found.setdefault(obj.customer_id, None)
    if len(found) > MOST_UNFLUSHED:
        session.flush()
        return {}
    return found


def _block(session: Session, tenant_id: uuid.UUID, keys: _Keys) -> Sequence[Any]:
    email_key, email_normalized, phone, name_key = keys
    return repository.block(
        session,
        tenant_id,
        email_key=email_key,
        email_normalized=email_normalized,
        phone=phone,
        name_key=name_key,
    )


def _shares_key(customer: Customer | None, keys: _Keys) -> bool:
    """Whether the blocking query would find this customer, as it is now, for these keys."""
    if customer is None:
        return False  # found by its row, if at all
    mine = (
        normalize.email_key(customer.email_normalized or customer.email),
        customer.email_normalized,
        customer.phone_e164,
        normalize.name_key(customer.first_name, customer.last_name),
    )
    return any(m is not None and m == k for m, k in zip(mine, keys, strict=True))
