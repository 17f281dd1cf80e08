"""What erasure (audit.erasure) must also remove for identity: the person's values in merge
log snapshots and in the conflicts of the profiles matched to them (what was kept and what
was given, field by field), and the customers merged into the erased one (the same person's
records)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from rolodex.models import Customer, IdentityMatch, MergeLog

PERSONAL_COLUMNS = (
    "email",
    "email_normalized",
    "email_key",
    "phone",
    "phone_e164",
    "first_name",
    "last_name",
    "full_name",
    "name_key",
    "company",
    "notes",
    "internal_notes",
)


def merged_into(session: Session, tenant_id: uuid.UUID, customer_id: uuid.UUID) -> set[uuid.UUID]:
    """The customer and every customer merged into it, directly or through others."""
    found, frontier = {customer_id}, [customer_id]
    while frontier:
        rows = session.scalars(
            select(Customer.id).where(
                Customer.tenant_id == tenant_id, Customer.merged_into_id.in_(frontier)
            )
        ).all()
        frontier = [r for r in rows if r not in found]
        found.update(frontier)
    return found


def _blank(snapshot: dict[str, Any]) -> dict[str, Any]:
    out = dict(snapshot)
    for name in PERSONAL_COLUMNS:
        if name in out:
            out[name] = None
    if "attributes" in out:
        out["attributes"] = {"$json": {}}
    return out


def erase(session: Session, tenant_id: uuid.UUID, customer_id: uuid.UUID) -> int:
    """Redact; returns how many rows changed (merge logs, matches, merged-in customers)."""
    people = merged_into(session, tenant_id, customer_id)
    changed = 0
    logs = session.scalars(
        select(MergeLog).where(
            MergeLog.tenant_id == tenant_id,
            or_(MergeLog.survivor_id.in_(people), MergeLog.duplicate_id.in_(people)),
        )
    ).all()
    for log in logs:
        if log.survivor_id in people:
            log.survivor_before = _blank(log.survivor_before)
            log.survivor_after = _blank(log.survivor_after)
        if log.duplicate_id in people:
            log.duplicate_before = _blank(log.duplicate_before)
            log.duplicate_after = _blank(log.duplicate_after)
        details = dict(log.details or {})
        details["conflicts"] = [
            {**c, "survivor": None, "duplicate": None} for c in details.get("conflicts", [])
        ]
        log.details = details
        changed += 1
    matches = session.scalars(
        select(IdentityMatch).where(
            IdentityMatch.tenant_id == tenant_id, IdentityMatch.matched_customer_id.in_(people)
        )
    ).all()
    for match in matches:
        if any(c.get("kept") is not None or c.get("given") is not None for c in match.conflicts):
            match.conflicts = [{**c, "kept": None, "given": None} for c in match.conflicts]
            changed += 1
    for other in people - {customer_id}:
        duplicate = session.get(Customer, (tenant_id, other))
        if duplicate is None:
            continue
        for name in PERSONAL_COLUMNS:
            setattr(duplicate, name, None)
        duplicate.attributes = {}
        for address in duplicate.addresses:
            address.line1 = address.line2 = address.city = address.region = None
            address.postcode = address.timezone = None
            address.lat = address.lng = None
        for source in duplicate.sources:
            source.external_id = None
        changed += 1
    session.flush()
    return changed
