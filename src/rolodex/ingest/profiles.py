"""Apply customer records from webhooks: match (outside id, then email), create or update
through the customer service (so validation and the audit log apply), guarded by version marks.
Never commits.

A profile already linked to the source (customer_sources: provider + outside id) updates that
customer: the source is authoritative for what it sends, newer data overwrites. A profile seen
for the first time goes through the identity matcher (rolodex.identity.service.match_or_create):
it matches an existing customer (filling empty fields, attaching the source) or creates one.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from rolodex.auth.roles import Principal
from rolodex.customers import deletion
from rolodex.customers import repository as customers_repo
from rolodex.customers import service as customers
from rolodex.customers.normalize import normalize_email
from rolodex.customers.schemas import (
    AddressIn,
    ConsentIn,
    CustomerCreate,
    CustomerUpdate,
    SourceIn,
)
from rolodex.identity import service as identity
from rolodex.ingest import marks, repository
from rolodex.ingest.records import AddressRec, Consent, Profile, TagChange
from rolodex.kit.phones import local_e164
from rolodex.kit.time import utcnow
from rolodex.models import Customer, IngestMark, Tenant

CONSENT_KINDS = {"email": "customer.email_consent", "sms": "customer.sms_consent"}


@dataclass
class Applied:
    """What one record did, for the inbox row's result."""

    action: str  # created | updated | unchanged | stale | deleted | skipped
    customer_id: uuid.UUID | None = None
    notes: list[str] = field(default_factory=list)


def webhook_principal(tenant_id: uuid.UUID, provider: str, source_id: uuid.UUID) -> Principal:
    return Principal(
        tenant_id=tenant_id,
        role="ingest",
        actor_type="webhook",
        actor_id=f"{provider}:{source_id}",
        name=f"{provider} webhook",
    )


def find_customer(
    session: Session, tenant_id: uuid.UUID, provider: str, external_id: str | None
) -> Customer | None:
    """The customer linked to this outside id, if any (deleted ones too)."""
    if not external_id:
        return None
    return repository.customer_by_source(session, tenant_id, provider, external_id)


def _phone(raw: str | None, where: Any, region: str, notes: list[str]) -> str | None:
    if not raw:
        return None
    try:
        local_e164(raw, where, region)
    except ValueError:
        notes.append(f"phone {raw!r} is not a valid number; kept out")
        return None
    return raw


def _address_in(rec: AddressRec) -> AddressIn:
    return AddressIn(
        type="both",
        is_default=rec.is_default,
        line1=rec.line1,
        line2=rec.line2,
        city=rec.city,
        region=rec.region,
        postcode=rec.postcode,
        country=rec.country,
        lat=rec.lat,
        lng=rec.lng,
        timezone=rec.timezone,
    )


def _address_key(a: Any) -> tuple[Any, ...]:
    return (a.is_default, a.line1, a.line2, a.city, a.region, a.postcode, a.country)


def _consent_fields(
    session: Session,
    tenant_id: uuid.UUID,
    provider: str,
    external_id: str | None,
    channel: str,
    consent: Consent | None,
    version: datetime | None,
    *,
    remembered: bool = False,
    known: dict[str, IngestMark] | None = None,
) -> tuple[Consent | None, bool]:
    """(the consent to apply, whether it is the given one). A given consent older than the
    last one applied for this channel yields nothing; with ``remembered`` (a new customer) a
    consent that arrived on its own topic before the customer existed is used instead.
    ``known``: the consent marks of this outside id already looked up (absent: none)."""
    if not external_id:
        return consent, consent is not None
    kind = CONSENT_KINDS[channel]
    if consent is None:
        if not remembered:
            found = None
        elif known is not None:
            found = known.get(kind)
        else:
            found = repository.mark(session, tenant_id, provider, kind, external_id)
        if found is not None and found.state:
            return Consent(found.state == "subscribed", found.state, found.version_at), False
        return None, False
    mark = marks.lock(session, tenant_id, provider, kind, external_id)
    at = consent.at or version
    if marks.is_current(mark, at):
        marks.advance(mark, at)
        mark.state = consent.state
        return consent, True
    if remembered and mark.state:
        return Consent(mark.state == "subscribed", mark.state, mark.version_at), False
    return None, False


def _set_consent_times(customer: Customer, channel: str, consent: Consent) -> None:
    """The service stamps consent changes with now; keep the time the sender gave."""
    if consent.at is None:
        return
    if channel == "email" and customer.email_consent == consent.subscribed:
        customer.email_consent_at = consent.at
    if channel == "sms" and customer.sms_consent == consent.subscribed:
        customer.sms_consent_at = consent.at


def upsert_profile(
    session: Session, principal: Principal, tenant: Tenant, rec: Profile, *, create: bool = True
) -> Applied:
    """Create or update the customer this profile describes."""
    tid, provider = tenant.id, rec.provider
    mark = (
        marks.lock(session, tid, provider, "customer", rec.external_id) if rec.external_id else None
    )
    customer = find_customer(session, tid, provider, rec.external_id)
    if customer is not None and customer.deleted_at is not None:
        return Applied("skipped", customer.id, ["the customer is deleted"])
    if mark is not None and not marks.is_current(mark, rec.version_at):
        return Applied("stale", customer.id if customer else None)
    notes: list[str] = []
    new = customer is None
    known = None
    if new and rec.external_id and (rec.email_consent is None or rec.sms_consent is None):
        # Consents remembered from their own topics, both channels in one query.
        known = repository.marks_of(
            session, tid, provider, sorted(CONSENT_KINDS.values()), rec.external_id
        )
    email_consent, _ = _consent_fields(
        session,
        tid,
        provider,
        rec.external_id,
        "email",
        rec.email_consent,
        rec.version_at,
        remembered=new,
        known=known,
    )
    sms_consent, _ = _consent_fields(
        session,
        tid,
        provider,
        rec.external_id,
        "sms",
        rec.sms_consent,
        rec.version_at,
        remembered=new,
        known=known,
    )
    tag_marks = _lock_tag_marks(session, tid, provider, rec, customer)
    fields = _profile_fields(session, tenant, rec, customer, notes)
    consent = _consent_in(customer, email_consent, sms_consent, provider)
    if consent is not None:
        fields["consent"] = consent
    if customer is None:
        if not create:
            return Applied("skipped", None, ["no such customer"])
        tags = _tags_to_apply(rec, None, tag_marks)[0]
        data = CustomerCreate(**fields, tags=tags, acquisition_source=provider)
        outcome = identity.match_or_create(session, principal, data, channel=provider)
        customer = outcome.customer
        if rec.external_id:
            repository.remember_source(session, provider, rec.external_id, customer)
        action = "created" if outcome.created else "matched"
        notes += [f"kept {c['field']}: {c['kept']}" for c in outcome.conflicts[:10]]
        if rec.external_id:
            apply_remembered_tags(session, principal, customer, provider, rec.external_id)
    else:
        add, remove = _tags_to_apply(rec, customer, tag_marks)
        if add:
            fields["add_tags"] = add
        if remove:
            fields["remove_tags"] = remove
        if not fields:
            action = "unchanged"
        else:
            customers.update_customer(session, principal, customer.id, CustomerUpdate(**fields))
            action = "updated"
    for channel, given in (("email", email_consent), ("sms", sms_consent)):
        if given is not None:
            _set_consent_times(customer, channel, given)
    if mark is not None:
        marks.advance(mark, rec.version_at)
    return Applied(action, customer.id, notes)


def _profile_fields(
    session: Session, tenant: Tenant, rec: Profile, customer: Customer | None, notes: list[str]
) -> dict[str, Any]:
    """The fields that differ from what the customer has (all given ones for a new one)."""
    wanted: dict[str, Any] = {}
    if rec.email and customer is None:
        wanted["email"] = rec.email  # the matcher matches on it
    elif rec.email and customer is not None and customer.email == rec.email:
        pass  # unchanged (orders carry their customer: the usual case), nothing to look up
    elif rec.email and customer is not None:
        other = customers_repo.live_by_email(session, tenant.id, normalize_email(rec.email))
        if other is None or other.id == customer.id:
            wanted["email"] = rec.email
        else:
            notes.append(f"email {rec.email} belongs to customer {other.id}; kept out")
    take_addresses = rec.addresses is not None and (
        rec.provider == "shopify" or customer is None or not customer.addresses
    )
    # A local number is read where the customer will live (customers.service does the same).
    where = rec.addresses if take_addresses else customer.addresses if customer else None
    phone = _phone(rec.phone, where, tenant.default_region, notes)
    if phone:
        wanted["phone"] = phone
    for name in ("first_name", "last_name", "company"):
        if getattr(rec, name):
            wanted[name] = getattr(rec, name)
    if rec.internal_note:
        wanted["internal_notes"] = rec.internal_note
    if rec.registered is not None:
        current = customer.customer_type if customer else "guest"
        if current in ("guest", "registered"):
            wanted["customer_type"] = "registered" if rec.registered else "guest"
    if take_addresses and rec.addresses is not None:
        wanted["addresses"] = [_address_in(a) for a in rec.addresses]
    if rec.extra:
        current_extra = (customer.attributes or {}).get(rec.provider) if customer else None
        merged = {**(current_extra or {}), **rec.extra}
        wanted["attributes"] = {rec.provider: merged}
    if rec.external_id and (
        customer is None
        or not any(
            s.source == rec.provider and s.external_id == rec.external_id for s in customer.sources
        )
    ):
        wanted["sources"] = [SourceIn(source=rec.provider, external_id=rec.external_id)]
    if customer is None:
        return wanted
    return {k: v for k, v in wanted.items() if _differs(customer, k, v)}


def _differs(customer: Customer, name: str, value: Any) -> bool:
    if name == "email":
        return customer.email != value
    if name == "internal_notes":
        return customer.internal_notes != value
    if name == "addresses":
        have = sorted((_address_key(a) for a in customer.addresses), key=repr)
        want = sorted((_address_key(a) for a in value), key=repr)
        return have != want
    if name == "attributes":
        return any((customer.attributes or {}).get(k) != v for k, v in value.items())
    if name == "sources":
        return True
    return bool(getattr(customer, name, None) != value)


def _consent_in(
    customer: Customer | None, email: Consent | None, sms: Consent | None, provider: str
) -> ConsentIn | None:
    values: dict[str, Any] = {}
    if email is not None and (customer is None or customer.email_consent != email.subscribed):
        values["email"] = email.subscribed
    if sms is not None and (customer is None or customer.sms_consent != sms.subscribed):
        values["sms"] = sms.subscribed
    if not values:
        return None
    return ConsentIn(**values, source=provider)


# -- tags: last writer wins per tag, by the time of the change ---------------------------
def _tag_key(external_id: str, tag: str) -> str:
    return f"{external_id}:{tag.lower()}"


def _lock_tag_marks(
    session: Session, tenant_id: uuid.UUID, provider: str, rec: Profile, customer: Customer | None
) -> dict[str, Any]:
    if rec.tags is None or not rec.external_id:
        return {}
    names = {t.lower() for t in rec.tags}
    names |= {t.tag.lower() for t in customer.tags} if customer else set()
    keys = [_tag_key(rec.external_id, n) for n in names]
    locked = marks.lock_many(session, tenant_id, provider, "customer.tag", keys)
    for mark in locked.values():
        mark.parent_id = rec.external_id
    return locked


def _tags_to_apply(
    rec: Profile, customer: Customer | None, tag_marks: dict[str, Any]
) -> tuple[list[str], list[str]]:
    """(to add, to remove) from a full tag list: only tags this source set are removed."""
    if rec.tags is None or not rec.external_id:
        return [], []
    have = {t.tag.lower(): t.tag for t in customer.tags} if customer else {}
    add, remove = [], []
    for tag in rec.tags:
        mark = tag_marks.get(_tag_key(rec.external_id, tag))
        if mark is None or marks.is_current(mark, rec.version_at):
            if mark is not None:
                marks.advance(mark, rec.version_at)
                mark.state = "present"
            if tag.lower() not in have:
                add.append(tag)
    wanted = {t.lower() for t in rec.tags}
    for lower, tag in have.items():
        mark = tag_marks.get(_tag_key(rec.external_id, lower))
        # A tag that never came from this source (no state) is someone else's: keep it.
        if lower in wanted or mark is None or mark.state is None:
            continue
        if marks.is_current(mark, rec.version_at):
            marks.advance(mark, rec.version_at)
            mark.state = "absent"
            remove.append(tag)
    return add, remove


def apply_tag_change(
    session: Session, principal: Principal, tenant: Tenant, provider: str, change: TagChange
) -> Applied:
    customer = find_customer(session, tenant.id, provider, change.customer_id)
    keys = {_tag_key(change.customer_id, t): t for t in change.tags}
    locked = marks.lock_many(session, tenant.id, provider, "customer.tag", list(keys))
    for mark in locked.values():
        mark.parent_id = change.customer_id
    if customer is None:
        # Tags of a customer we have not seen yet: remember them; the profile applies them.
        for mark in locked.values():
            if marks.is_current(mark, change.at):
                marks.advance(mark, change.at)
                mark.state = "present" if change.added else "absent"
        return Applied("skipped", None, ["customer not known yet; tags remembered"])
    if customer.deleted_at is not None:
        return Applied("skipped", customer.id, ["the customer is deleted"])
    have = {t.tag.lower() for t in customer.tags}
    changed: list[str] = []
    for key, tag in sorted(keys.items()):
        mark = locked[key]
        if not marks.is_current(mark, change.at):
            continue
        marks.advance(mark, change.at)
        mark.state = "present" if change.added else "absent"
        if change.added != (tag.lower() in have):
            changed.append(tag)
    if not changed:
        return Applied("unchanged", customer.id)
    field_name = "add_tags" if change.added else "remove_tags"
    customers.update_customer(
        session, principal, customer.id, CustomerUpdate(**{field_name: changed})
    )
    return Applied("updated", customer.id)


def apply_remembered_tags(
    session: Session, principal: Principal, customer: Customer, provider: str, external_id: str
) -> None:
    """Tags that arrived (split topics) before their customer did."""
    prefix = f"{external_id}:"
    found = repository.child_marks(
        session, customer.tenant_id, provider, "customer.tag", external_id
    )
    have = {t.tag.lower() for t in customer.tags}
    add = [m.external_id[len(prefix) :] for m in found if m.state == "present"]
    add = [t for t in add if t not in have]
    if add:
        customers.update_customer(session, principal, customer.id, CustomerUpdate(add_tags=add))


def apply_consent(
    session: Session,
    principal: Principal,
    tenant: Tenant,
    provider: str,
    customer_id: str,
    channel: str,
    consent: Consent,
) -> Applied:
    given, fresh = _consent_fields(
        session, tenant.id, provider, customer_id, channel, consent, None
    )
    customer = find_customer(session, tenant.id, provider, customer_id)
    if customer is None:
        return Applied("skipped", None, ["customer not known yet; consent remembered"])
    if customer.deleted_at is not None:
        return Applied("skipped", customer.id, ["the customer is deleted"])
    if given is None or not fresh:
        return Applied("stale", customer.id)
    values = _consent_in(
        customer,
        given if channel == "email" else None,
        given if channel == "sms" else None,
        provider,
    )
    if values is not None:
        customers.update_customer(session, principal, customer.id, CustomerUpdate(consent=values))
    _set_consent_times(customer, channel, given)
    return Applied("updated" if values else "unchanged", customer.id)


def merge_attributes(
    session: Session,
    principal: Principal,
    customer: Customer,
    provider: str,
    values: dict[str, Any],
) -> bool:
    current = dict((customer.attributes or {}).get(provider) or {})
    merged = {**current, **values}
    if merged == current:
        return False
    customers.update_customer(
        session, principal, customer.id, CustomerUpdate(attributes={provider: merged})
    )
    return True


def soft_delete(
    session: Session,
    principal: Principal,
    tenant: Tenant,
    provider: str,
    external_id: str,
    at: datetime | None,
) -> Applied:
    """customers/delete: the customer leaves every list and keeps its history."""
    mark = marks.lock(session, tenant.id, provider, "customer", external_id)
    customer = find_customer(session, tenant.id, provider, external_id)
    marks.advance(mark, at or utcnow())
    mark.state = "deleted"
    if customer is None:
        return Applied("skipped", None, ["customer not known"])
    if customer.deleted_at is not None:
        return Applied("unchanged", customer.id)
    deletion.delete_customer(session, principal, customer.id)
    return Applied("deleted", customer.id)
