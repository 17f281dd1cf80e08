"""Customer use cases. Takes the session first, never commits, raises domain errors."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from rolodex.audit import repository as audit_repository
from rolodex.audit import service as audit
from rolodex.auth.roles import Principal
from rolodex.customers import repository
from rolodex.customers.normalize import clean_tags, full_name, normalize_email
from rolodex.customers.schemas import (
    AddressIn,
    ConsentOut,
    CustomerCreate,
    CustomerFields,
    CustomerOut,
    CustomerUpdate,
    SourceIn,
    UtmOut,
)
from rolodex.customers.snapshot import snapshot
from rolodex.errors import Conflict, NotFound, field_error
from rolodex.identity.errors import CustomerMerged
from rolodex.kit import deferred
from rolodex.kit.ids import new_id
from rolodex.kit.phones import local_e164
from rolodex.kit.time import utcnow
from rolodex.lifecycle import repository as lifecycle_repository
from rolodex.lifecycle import service as lifecycle
from rolodex.models import Address, Customer, CustomerSource, CustomerTag, Tenant
from rolodex.models.customers import link_for, source_key

_PLAIN = (
    "company",
    "lifecycle_stage",
    "status",
    "customer_type",
    "notes",
    "internal_notes",
    "acquisition_source",
    "last_active_at",
)


def get_customer(
    session: Session, tenant_id: uuid.UUID, customer_id: uuid.UUID, *, include_deleted: bool = False
) -> Customer:
    customer = repository.get(session, tenant_id, customer_id)
    merged_into = customer.merged_into_id if customer and customer.deleted_at else None
    if merged_into is not None and not include_deleted:
        raise CustomerMerged(customer_id, merged_into)  # a 409; GET turns it into a 307
    if customer is None or (customer.deleted_at is not None and not include_deleted):
        raise NotFound(f"no customer {customer_id}")
    return customer


def create_customer(
    session: Session,
    principal: Principal,
    data: CustomerCreate,
    *,
    channel: str = "api",
    email_checked: bool = False,
) -> Customer:
    """``email_checked``: the caller has just looked for a live customer with this email in
    this transaction and found none (the matcher)."""
    tenant = _tenant(session, principal.tenant_id)
    now = utcnow()
    # every value the profile shows, set here rather than by the flush (which may come later)
    customer = Customer(
        tenant_id=tenant.id,
        id=new_id(),
        attributes={},
        email_consent=False,
        sms_consent=False,
        ltv=Decimal("0.00"),
        order_count=0,
        created_at=now,
        updated_at=now,
    )
    customer.lifecycle_stage = data.lifecycle_stage or "prospect"
    customer.status = data.status or "active"
    customer.customer_type = data.customer_type or "guest"
    _apply_fields(customer, data, tenant, set_only=data.model_fields_set)
    customer.tags = [CustomerTag(tenant_id=tenant.id, tag=t) for t in data.tags]
    if not data.sources:
        customer.sources = [CustomerSource(tenant_id=tenant.id, source=channel, external_id=None)]
    if not email_checked:
        _check_email_free(session, customer)
    session.add(customer)
    _flush_unique(session, customer)
    lifecycle_repository.note_created(session, customer)
    audit_repository.note_new_subject(session, tenant.id, customer.id)
    after = snapshot(customer)
    audit.record(session, principal, "create", customer.id, None, after, meta={"channel": channel})
    return customer


def update_customer(
    session: Session, principal: Principal, customer_id: uuid.UUID, data: CustomerUpdate
) -> Customer:
    tenant = _tenant(session, principal.tenant_id)
    customer = get_customer(session, tenant.id, customer_id)
    before = snapshot(customer)
    old_stage = customer.lifecycle_stage
    sent = data.model_fields_set
    old_email = customer.email_normalized
    _apply_fields(customer, data, tenant, set_only=sent)
    if "tags" in sent or data.add_tags or data.remove_tags:
        current = [t.tag for t in customer.tags] if data.tags is None else data.tags
        removed = {t.lower() for t in data.remove_tags or []}
        wanted = clean_tags(
            [t for t in current if t.lower() not in removed] + (data.add_tags or [])
        )
        _set_tags(customer, wanted)
    if customer.email_normalized != old_email:
        _check_email_free(session, customer)
    customer.updated_at = utcnow()
    _flush_unique(session, customer)
    if customer.lifecycle_stage != old_stage:  # a stage change joins the transition history
        lifecycle.note_stage_change(session, principal, customer, old_stage, None)
    audit.record(session, principal, "update", customer.id, before, snapshot(customer))
    return customer


def _tenant(session: Session, tenant_id: uuid.UUID) -> Tenant:
    tenant = session.get(Tenant, tenant_id)
    if tenant is None:
        raise NotFound("tenant not found")
    return tenant


def _apply_fields(
    customer: Customer, data: CustomerFields, tenant: Tenant, *, set_only: set[str]
) -> None:
    for name in _PLAIN:
        if name in set_only:
            value = getattr(data, name)
            if value is None and name in ("lifecycle_stage", "status", "customer_type"):
                raise field_error(name, "cannot be null")
            setattr(customer, name, value)
    if "email" in set_only:
        customer.email = data.email
        customer.email_normalized = normalize_email(data.email) if data.email else None
    if "phone" in set_only:
        customer.phone = data.phone
        given = data.addresses if "addresses" in set_only else None
        where = given or customer.addresses
        customer.phone_e164 = _phone(data.phone, where, tenant) if data.phone else None
    if "first_name" in set_only:
        customer.first_name = data.first_name or None
    if "last_name" in set_only:
        customer.last_name = data.last_name or None
    customer.full_name = full_name(customer.first_name, customer.last_name)
    if "attributes" in set_only and data.attributes is not None:
        merged = dict(customer.attributes or {})
        for key, value in data.attributes.items():
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = value
        customer.attributes = merged
    if "consent" in set_only and data.consent is not None:
        _apply_consent(customer, data.consent.email, data.consent.sms, data.consent.source)
    if "utm" in set_only and data.utm is not None:
        for part in ("source", "medium", "campaign", "term", "content"):
            if part in data.utm.model_fields_set:
                setattr(customer, f"utm_{part}", getattr(data.utm, part))
    if "addresses" in set_only and data.addresses is not None:
        customer.addresses = _addresses(tenant.id, customer.id, data.addresses)
    if "sources" in set_only and data.sources is not None:
        _merge_sources(customer, tenant.id, data.sources)


def _phone(raw: str, addresses: Any, tenant: Tenant) -> str:
    try:
        return local_e164(raw, addresses, tenant.default_region)
    except ValueError as exc:
        raise field_error("phone", str(exc), raw) from exc


def _apply_consent(
    customer: Customer, email: bool | None, sms: bool | None, source: str | None
) -> None:
    now = utcnow()
    if email is not None and email != customer.email_consent:
        customer.email_consent, customer.email_consent_at = email, now
        customer.email_consent_source = source
    if sms is not None and sms != customer.sms_consent:
        customer.sms_consent, customer.sms_consent_at = sms, now
        customer.sms_consent_source = source


def _addresses(
    tenant_id: uuid.UUID, customer_id: uuid.UUID, items: list[AddressIn]
) -> list[Address]:
    now = utcnow()
    out = [
        Address(
            tenant_id=tenant_id,
            id=new_id(),
            customer_id=customer_id,
            created_at=now,
            **a.model_dump(),
        )
        for a in items
    ]
    if out and not any(a.is_default for a in out):
        out[0].is_default = True
    return out


def _merge_sources(customer: Customer, tenant_id: uuid.UUID, items: list[SourceIn]) -> None:
    now = utcnow()
    for item in items:
        existing = link_for(
            customer.sources, item.source, item.external_id, lambda s: (s.source, s.external_id)
        )
        if existing is not None:
            existing.external_id, existing.last_synced_at = item.external_id, now
        else:
            customer.sources.append(
                CustomerSource(
                    tenant_id=tenant_id,
                    source=item.source,
                    external_id=item.external_id,
                    last_synced_at=now,
                )
            )


def _set_tags(customer: Customer, wanted: list[str]) -> None:
    by_name = {t.tag: t for t in customer.tags}
    customer.tags = [
        by_name.get(t) or CustomerTag(tenant_id=customer.tenant_id, tag=t) for t in wanted
    ]


def _check_email_free(session: Session, customer: Customer) -> None:
    if not customer.email_normalized:
        return
    with session.no_autoflush:
        other = repository.live_by_email(session, customer.tenant_id, customer.email_normalized)
    if other is not None and other.id != customer.id:
        raise _email_conflict(customer.email_normalized, other.id)


def _email_conflict(email: str, existing: uuid.UUID | None) -> Conflict:
    return Conflict(
        f"a customer with email {email} already exists",
        code="duplicate_email",
        details={"field": "email", "existing_id": str(existing) if existing else None},
    )


def _flush_unique(session: Session, customer: Customer) -> None:
    """Flush; a concurrent insert of the same email becomes a 409, not a 500. In a worker's
    shared transaction the flush waits for its end (kit.deferred): a conflict then fails the
    whole transaction, and its jobs run again, each flushing here."""
    if deferred.flushes_deferred(session):
        return
    try:
        # No SAVEPOINT around it: begin_nested() flushes pending changes before it emits one,
        # so the changes made before this call were never inside it.
        session.flush()
    except IntegrityError as exc:
        # The transaction is void after a failed flush (no query can run in it): the other
        # customer, written by a concurrent request, is not looked up.
        if customer.email_normalized and "email" in str(exc.orig).lower():
            raise _email_conflict(customer.email_normalized, None) from exc
        raise Conflict("the change conflicts with existing data") from exc


def to_out(customer: Customer) -> CustomerOut:
    return CustomerOut(
        id=customer.id,
        email=customer.email,
        email_normalized=customer.email_normalized,
        phone=customer.phone,
        phone_e164=customer.phone_e164,
        first_name=customer.first_name,
        last_name=customer.last_name,
        full_name=customer.full_name,
        company=customer.company,
        lifecycle_stage=customer.lifecycle_stage,
        status=customer.status,
        customer_type=customer.customer_type,
        tags=[t.tag for t in customer.tags],
        notes=customer.notes,
        internal_notes=customer.internal_notes,
        attributes=customer.attributes or {},
        consent=ConsentOut(
            email=customer.email_consent,
            email_at=customer.email_consent_at,
            email_source=customer.email_consent_source,
            sms=customer.sms_consent,
            sms_at=customer.sms_consent_at,
            sms_source=customer.sms_consent_source,
        ),
        acquisition_source=customer.acquisition_source,
        utm=UtmOut(
            source=customer.utm_source,
            medium=customer.utm_medium,
            campaign=customer.utm_campaign,
            term=customer.utm_term,
            content=customer.utm_content,
        ),
        ltv=customer.ltv,
        addresses=customer.addresses,
        # in source_order, not as held: a PATCH appends a new link after those it loaded
        sources=sorted(customer.sources, key=lambda s: source_key(s.source, s.external_id, s.id)),
        created_at=customer.created_at,
        updated_at=customer.updated_at,
        last_active_at=customer.last_active_at,
        deleted_at=customer.deleted_at,
    )
