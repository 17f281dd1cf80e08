"""Identity use cases. Take the session first, never commit, raise domain errors."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from rolodex.audit import erasure as audit_erasure
from rolodex.auth.roles import Principal
from rolodex.customers import service as customers
from rolodex.customers.normalize import normalize_email
from rolodex.customers.schemas import CustomerCreate, CustomerUpdate, UtmIn
from rolodex.errors import NotFound, field_error
from rolodex.identity import erasure as identity_erasure
from rolodex.identity import matcher, merge, normalize, repository, undo
from rolodex.identity.errors import CustomerMerged
from rolodex.identity.normalize import fold
from rolodex.identity.repository import Thresholds
from rolodex.kit import deferred
from rolodex.kit.ids import new_id
from rolodex.models import Customer, DuplicateCandidate, IdentityMatch, MergeLog, Tenant
from rolodex.models.customers import SOURCES

MAX_REDIRECTS = 20

# Erasing a customer also erases its values in merge logs and the records merged into it.
audit_erasure.register("identity", identity_erasure.erase)


@dataclass
class MatchOutcome:
    """What ``match_or_create`` did."""

    customer: Customer
    created: bool  # True: a new customer; False: an existing one matched and updated
    score: float | None  # best score found (None: no candidate at all)
    reasons: list[dict[str, Any]] = field(default_factory=list)  # of the best candidate
    match_id: uuid.UUID | None = None  # the identity_matches row, when matched
    filled: list[str] = field(default_factory=list)  # fields filled on the matched customer
    conflicts: list[dict[str, Any]] = field(default_factory=list)  # values not applied
    candidates: list[uuid.UUID] = field(default_factory=list)  # review pairs recorded


def match_or_create(
    session: Session, principal: Principal, data: CustomerCreate, *, channel: str
) -> MatchOutcome:
    """Find the incoming profile's customer, or create one. The one matcher for every way in:
    ``POST /v1/customers?match=true``, imports, webhooks and chat.

    * ``channel`` is how the profile came in and must be one of models.customers.SOURCES
      (shopify, klaviyo, chat, import, manual, api); a new customer gets it as its source.
    * Blocking uses only indexed keys (email key, lowercased email, E.164 phone, name key);
      each candidate is scored with identity.scoring against the tenant's thresholds.
    * Best score ≥ the tenant's auto-merge threshold (default 0.95; any shared email scores
      1.00): that customer is updated, never overwritten — its empty fields are filled from
      ``data`` (names, email, phone, company, notes, source, UTM, attributes, addresses when it
      has none), tags are added, an explicit consent choice is applied, and a value that
      differs from a present one is kept as it was and listed in ``conflicts``. The match is
      recorded (identity_matches) with its score and reasons; the audit log gets the update.
      ``created`` is False.
    * Otherwise a customer is created exactly as ``customers.service.create_customer`` does,
      and every candidate scoring ≥ the review threshold (default 0.70) and not dismissed is
      stored as a duplicate candidate for review (``GET /v1/duplicates``). ``created`` is True.

    Raises what create/update raise (field_error 422 for a bad phone, Conflict 409). Never
    commits; the caller's unit of work does.
    """
    if channel not in SOURCES:
        raise ValueError(f"channel must be one of {', '.join(SOURCES)}")
    tenant = session.get(Tenant, principal.tenant_id)
    if tenant is None:
        raise NotFound("tenant not found")
    limits = repository.thresholds(session, tenant.id)
    probe = matcher.record_from_fields(data, tenant.default_region)
    matches = matcher.find_matches(
        session, tenant.id, probe, email=data.email, settled=limits.auto_merge
    )
    best = matches[0] if matches else None
    if best is not None and best.score.value >= limits.auto_merge:
        customer, filled, conflicts = _update_matched(session, principal, best.customer_id, data)
        record = IdentityMatch(
            tenant_id=tenant.id,
            id=new_id(),
            matched_customer_id=customer.id,
            channel=channel,
            score=best.score.value,
            reasons=best.score.reasons_json(),
            filled=filled,
            conflicts=conflicts,
            actor_type=principal.actor_type,
            actor_id=principal.actor_id,
        )
        session.add(record)
        deferred.flush(session)
        return MatchOutcome(
            customer, False, best.score.value, record.reasons, record.id, filled, conflicts
        )
    # a live customer with this email would have been found (by the lowercased email) and
    # scored 1.00: the email is free
    customer = customers.create_customer(
        session, principal, data, channel=channel, email_checked=True
    )
    recorded = []
    for m in matches:
        if m.score.value < limits.review:
            break
        if not repository.dismissed(session, tenant.id, customer.id, m.customer_id):
            repository.upsert_candidate(
                session,
                tenant.id,
                customer.id,
                m.customer_id,
                m.score.value,
                m.score.reasons_json(),
                "ingest",
            )
            recorded.append(m.customer_id)
    deferred.flush(session)
    return MatchOutcome(
        customer,
        True,
        best.score.value if best else None,
        best.score.reasons_json() if best else [],
        candidates=recorded,
    )


_FILLABLE = ("first_name", "last_name", "company", "acquisition_source", "notes", "internal_notes")


def _update_matched(
    session: Session, principal: Principal, customer_id: uuid.UUID, data: CustomerCreate
) -> tuple[Customer, list[str], list[dict[str, Any]]]:
    existing = customers.get_customer(session, principal.tenant_id, customer_id)
    sent = data.model_fields_set
    fills: dict[str, Any] = {}
    conflicts: list[dict[str, Any]] = []

    def offer(name: str, given: Any, current: Any, same: bool) -> None:
        if given in (None, "", {}, []):
            return
        if current in (None, "", {}, []):
            fills[name] = given
        elif not same:
            conflicts.append({"field": name, "kept": str(current), "given": str(given)})

    given_email = normalize_email(data.email) if data.email else None
    offer("email", data.email, existing.email, given_email == existing.email_normalized)
    phone = normalize.phone_key(data.phone, _region(session, principal.tenant_id))
    offer("phone", data.phone, existing.phone, phone == existing.phone_e164)
    for name in _FILLABLE:
        given, current = getattr(data, name), getattr(existing, name)
        offer(name, given, current, fold(str(given or "")) == fold(str(current or "")))
    for name in ("lifecycle_stage", "status", "customer_type"):
        given = getattr(data, name)
        if name in sent and given is not None and given != getattr(existing, name):
            conflicts.append({"field": name, "kept": getattr(existing, name), "given": given})
    current_attrs = existing.attributes or {}
    new_attrs = {k: v for k, v in (data.attributes or {}).items() if k not in current_attrs}
    for k, v in (data.attributes or {}).items():
        if k in current_attrs and current_attrs[k] != v:
            conflicts.append(
                {"field": f"attributes.{k}", "kept": str(current_attrs[k]), "given": str(v)}
            )
    if new_attrs:
        fills["attributes"] = new_attrs
    if data.utm is not None:
        parts = {
            p: getattr(data.utm, p)
            for p in data.utm.model_fields_set
            if getattr(data.utm, p) and not getattr(existing, f"utm_{p}")
        }
        if parts:
            fills["utm"] = UtmIn(**parts)
    if data.addresses:
        if not existing.addresses:
            fills["addresses"] = data.addresses
        else:
            known = {
                (normalize.street_key(a.line1), normalize.postcode_key(a.postcode))
                for a in existing.addresses
            }
            for a in data.addresses:
                if (normalize.street_key(a.line1), normalize.postcode_key(a.postcode)) not in known:
                    conflicts.append(
                        {
                            "field": "addresses",
                            "kept": "existing addresses",
                            "given": ", ".join(filter(None, (a.line1, a.postcode, a.city))),
                        }
                    )
    if data.sources:
        fills["sources"] = data.sources
    if data.consent is not None:
        fills["consent"] = data.consent
    if data.last_active_at and (
        existing.last_active_at is None or data.last_active_at > existing.last_active_at
    ):
        fills["last_active_at"] = data.last_active_at
    current_tags = {t.tag.lower() for t in existing.tags}
    new_tags = [t for t in data.tags if t.lower() not in current_tags]
    if new_tags:
        fills["add_tags"] = new_tags
    filled = sorted(k for k in fills if k not in ("consent", "sources", "last_active_at"))
    if not fills:
        return existing, [], conflicts
    updated = customers.update_customer(session, principal, customer_id, CustomerUpdate(**fills))
    return updated, filled, conflicts


def _region(session: Session, tenant_id: uuid.UUID) -> str:
    tenant = session.get(Tenant, tenant_id)
    return tenant.default_region if tenant else "US"


# -- thresholds -----------------------------------------------------------------------------


def get_thresholds(session: Session, tenant_id: uuid.UUID) -> Thresholds:
    return repository.thresholds(session, tenant_id)


def set_thresholds(
    session: Session, tenant_id: uuid.UUID, auto_merge: float, review: float
) -> Thresholds:
    if review > auto_merge:
        raise field_error("review_threshold", "must not exceed auto_merge_threshold", review)
    value = Thresholds(auto_merge, review)
    repository.save_thresholds(session, tenant_id, value)
    return value


# -- duplicates -----------------------------------------------------------------------------


def list_duplicates(
    session: Session,
    tenant_id: uuid.UUID,
    *,
    min_score: float | None,
    customer_id: uuid.UUID | None,
    after: tuple[float, uuid.UUID] | None,
    limit: int,
) -> tuple[list[DuplicateCandidate], dict[uuid.UUID, Customer], bool]:
    """Open candidate pairs best first, the customers they name, and whether more follow."""
    floor = repository.thresholds(session, tenant_id).review if min_score is None else min_score
    items = repository.candidate_page(
        session, tenant_id, min_score=floor, customer_id=customer_id, after=after, limit=limit + 1
    )
    more = len(items) > limit
    items = items[:limit]
    people = repository.customers_by_id(
        session, tenant_id, [i.customer_a_id for i in items] + [i.customer_b_id for i in items]
    )
    return items, people, more


def dismiss(session: Session, principal: Principal, candidate_id: uuid.UUID) -> DuplicateCandidate:
    """Remember that the pair is not one person: it is never proposed again."""
    found = repository.candidate(session, principal.tenant_id, candidate_id)
    if found is None:
        raise NotFound(f"no duplicate candidate {candidate_id}")
    repository.dismiss(
        session,
        principal.tenant_id,
        found.customer_a_id,
        found.customer_b_id,
        found.score,
        principal.actor_type,
        principal.actor_id,
    )
    return found


# -- merges ---------------------------------------------------------------------------------


def preview_merge(
    session: Session,
    tenant_id: uuid.UUID,
    survivor_id: uuid.UUID,
    duplicate_id: uuid.UUID,
    prefer: frozenset[str] = frozenset(),
) -> merge.MergePlan:
    survivor, duplicate = merge.load_pair(session, tenant_id, survivor_id, duplicate_id)
    return merge.plan(session, survivor, duplicate, prefer)


def merge_customers(
    session: Session,
    principal: Principal,
    survivor_id: uuid.UUID,
    duplicate_id: uuid.UUID,
    *,
    origin: str = "api",
    score: float | None = None,
    prefer: frozenset[str] = frozenset(),
) -> MergeLog:
    """``prefer``: conflicting fields where the duplicate's value wins (merge.plan)."""
    return merge.apply(
        session, principal, survivor_id, duplicate_id, origin=origin, score=score, prefer=prefer
    )


def undo_merge(session: Session, principal: Principal, merge_id: uuid.UUID) -> undo.UndoResult:
    return undo.undo(session, principal, merge_id)


def get_merge(session: Session, tenant_id: uuid.UUID, merge_id: uuid.UUID) -> MergeLog:
    log = repository.merge(session, tenant_id, merge_id)
    if log is None:
        raise NotFound(f"no merge {merge_id}")
    return log


def resolve(session: Session, tenant_id: uuid.UUID, customer_id: uuid.UUID) -> uuid.UUID:
    """The live customer a (possibly merged) id now lives on, following merge pointers."""
    current = customer_id
    for _ in range(MAX_REDIRECTS):
        customer = session.get(Customer, (tenant_id, current))
        if customer is None or customer.merged_into_id is None or customer.deleted_at is None:
            return current
        current = customer.merged_into_id
    return current


def merged_error(session: Session, customer: Customer) -> CustomerMerged | None:
    """The error that tells where a merged customer went (None when it was not merged)."""
    if customer.deleted_at is None or customer.merged_into_id is None:
        return None
    return CustomerMerged(customer.id, resolve(session, customer.tenant_id, customer.id))
