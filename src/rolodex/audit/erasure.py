"""Erasure (a privacy request): personal data of one customer removed irreversibly, in the
customer row, its activities, transition reasons and audit entries; money, counts, stages
and event types stay. The audit chain keeps verifying: entries hash their sealed form.

Other domains that keep personal data register an eraser with ``register``, in a module
named in ``ERASER_MODULES`` (imported before every erasure, whatever the process loaded).
"""

from __future__ import annotations

import importlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from rolodex.activities import repository as activities
from rolodex.audit import pending, repository
from rolodex.audit import service as audit
from rolodex.auth.roles import Principal
from rolodex.customers.snapshot import snapshot
from rolodex.errors import field_error
from rolodex.kit.time import utcnow
from rolodex.lifecycle import repository as lifecycle_repo
from rolodex.lifecycle import service as lifecycle
from rolodex.models import Customer
from rolodex.search import erasure as search_index

# (session, tenant id, customer id) -> rows redacted; run inside the erasing transaction.
Eraser = Callable[[Session, uuid.UUID, uuid.UUID], int]
_ERASERS: dict[str, Eraser] = {}
ERASER_MODULES = ("rolodex.identity.service", "rolodex.ingest.erasure", "rolodex.imports.erasure")

_PERSONAL_COLUMNS = (
    "email",
    "email_normalized",
    "phone",
    "phone_e164",
    "first_name",
    "last_name",
    "full_name",
    "company",
    "notes",
    "internal_notes",
)


def register(name: str, eraser: Eraser) -> None:
    """Add a domain's eraser (e.g. conversations); it must remove that customer's personal
    values from its tables."""
    _ERASERS[name] = eraser


@dataclass
class Erasure:
    customer_id: uuid.UUID
    erased_at: datetime
    redacted: dict[str, int] = field(default_factory=dict)


def _anonymize(customer: Customer) -> None:
    for name in _PERSONAL_COLUMNS:
        setattr(customer, name, None)
    customer.attributes = {}
    for address in customer.addresses:  # keep type and country for reporting
        address.line1 = address.line2 = address.city = address.region = None
        address.postcode = address.timezone = None
        address.lat = address.lng = None
    for source in customer.sources:
        source.external_id = None


def erase_customer(
    session: Session, principal: Principal, customer_id: uuid.UUID, confirm: str
) -> Erasure:
    if confirm.strip().lower() != str(customer_id):
        raise field_error(
            "confirm", "repeat the customer's id to confirm: erasure cannot be undone"
        )
    tenant_id = principal.tenant_id
    pending.drain(session)  # entries queued in this transaction are redacted too
    customer = lifecycle.lock_customer(session, tenant_id, customer_id, include_deleted=True)
    before = snapshot(customer)
    grant = repository.open_erasure(session, tenant_id, customer_id)
    redacted = {"audit_entries": repository.redact_customer(session, tenant_id, customer_id)}
    repository.delete_subject_key(session, tenant_id, customer_id)
    redacted["activities"] = activities.redact_customer(session, tenant_id, customer_id)
    redacted["transitions"] = lifecycle_repo.redact_reasons(session, tenant_id, customer_id)
    for module in ERASER_MODULES:
        importlib.import_module(module)
    for name, eraser in sorted(_ERASERS.items()):
        redacted[name] = eraser(session, tenant_id, customer_id)
    _anonymize(customer)
    now = utcnow()
    customer.updated_at = now
    session.flush()  # the search index rows follow by trigger
    redacted["search_words"] = search_index.forget_words(
        session,
        tenant_id,
        search_index.name_words(before["full_name"], before["first_name"], before["last_name"]),
    )
    repository.close_erasure(session, grant)
    after = snapshot(customer)
    _, erased = audit.diff(before, after)
    # The entry of the erasure itself: what the fields are now, never what they were.
    audit.record(
        session,
        principal,
        "erase",
        customer_id,
        None,
        erased,
        meta={"redacted": redacted},
        changed=list(erased),
    )
    return Erasure(customer_id=customer_id, erased_at=now, redacted=redacted)
