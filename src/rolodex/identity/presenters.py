"""Turn identity rows and plans into API schemas."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from rolodex.customers import service as customers
from rolodex.customers.schemas import AddressOut, CustomerOut, SourceOut
from rolodex.identity.merge import MergePlan
from rolodex.identity.schemas import (
    Conflict,
    CustomerBrief,
    DuplicateOut,
    MergeOut,
    MergePreview,
    ReasonOut,
    RowsToMove,
)
from rolodex.kit.time import utcnow
from rolodex.models import Customer, DuplicateCandidate, MergeLog

# customers column → (CustomerOut field, nested key)
_OUT_FIELDS: dict[str, tuple[str, str | None]] = {
    **{f"utm_{p}": ("utm", p) for p in ("source", "medium", "campaign", "term", "content")},
    "email_consent": ("consent", "email"),
    "email_consent_at": ("consent", "email_at"),
    "email_consent_source": ("consent", "email_source"),
    "sms_consent": ("consent", "sms"),
    "sms_consent_at": ("consent", "sms_at"),
    "sms_consent_source": ("consent", "sms_source"),
}


def brief(customer: Customer | None, customer_id: uuid.UUID) -> CustomerBrief:
    if customer is None:  # removed since: show the id alone
        return CustomerBrief(
            id=customer_id,
            full_name=None,
            email=None,
            phone=None,
            company=None,
            city=None,
            postcode=None,
            lifecycle_stage="prospect",
            ltv=Decimal("0.00"),
            created_at=utcnow(),
        )
    address = next((a for a in customer.addresses if a.is_default), None)
    return CustomerBrief(
        id=customer.id,
        full_name=customer.full_name,
        email=customer.email,
        phone=customer.phone,
        company=customer.company,
        city=address.city if address else None,
        postcode=address.postcode if address else None,
        lifecycle_stage=customer.lifecycle_stage,
        ltv=customer.ltv,
        created_at=customer.created_at,
    )


def duplicate(c: DuplicateCandidate, people: dict[uuid.UUID, Customer]) -> DuplicateOut:
    return DuplicateOut(
        id=c.id,
        score=c.score,
        reasons=[ReasonOut(**r) for r in c.reasons or []],
        origin=c.origin,
        created_at=c.created_at,
        customer_a=brief(people.get(c.customer_a_id), c.customer_a_id),
        customer_b=brief(people.get(c.customer_b_id), c.customer_b_id),
    )


def merge(session: Session, log: MergeLog, *, with_survivor: bool = False) -> MergeOut:
    details = log.details or {}
    survivor = None
    if with_survivor:
        found = session.get(Customer, (log.tenant_id, log.survivor_id))
        survivor = customers.to_out(found) if found is not None else None
    return MergeOut(
        id=log.id,
        survivor_id=log.survivor_id,
        duplicate_id=log.duplicate_id,
        origin=log.origin,
        score=log.score,
        created_at=log.created_at,
        undone_at=log.undone_at,
        filled=details.get("filled", []),
        conflicts=[Conflict(**c) for c in details.get("conflicts", [])],
        moved={table: len(entries) for table, entries in (log.moved or {}).items()},
        kept_on_duplicate=details.get("kept_on_duplicate", {}),
        survivor=survivor,
    )


def _plain(value: Any) -> Any:
    return value if isinstance(value, str | int | float | bool) or value is None else str(value)


def preview(plan: MergePlan) -> MergePreview:
    """The survivor as the merge would leave it, computed without writing."""
    out = customers.to_out(plan.survivor).model_dump()
    for column, value in plan.changes.items():
        name, nested = _OUT_FIELDS.get(column, (column, None))
        if nested is not None:
            out[name][nested] = value
        elif name in out:
            out[name] = value
    moving = {t.table.name: t for t in plan.tables}
    tags = moving.get("customer_tags")
    if tags is not None:
        out["tags"] = sorted(out["tags"] + [str(pk["tag"]) for pk in tags.move])
    addresses = moving.get("customer_addresses")
    if addresses is not None:
        moved_ids = {pk["id"]: i for i, pk in enumerate(addresses.move)}
        for address in plan.duplicate.addresses:
            if address.id in moved_ids:
                item = AddressOut.model_validate(address).model_dump()
                item.update(addresses.overrides.get(moved_ids[address.id], {}))
                out["addresses"].append(item)
    sources = moving.get("customer_sources")
    if sources is not None:
        moved_sources = {pk["id"] for pk in sources.move}
        out["sources"] += [
            SourceOut.model_validate(s).model_dump()
            for s in plan.duplicate.sources
            if s.id in moved_sources
        ]
    return MergePreview(
        survivor_id=plan.survivor.id,
        duplicate_id=plan.duplicate.id,
        result=CustomerOut.model_validate(out),
        filled=plan.filled,
        conflicts=[Conflict(**c) for c in plan.conflicts],
        would_move={
            t.table.name: RowsToMove(
                count=len(t.move),
                ids=[{k: _plain(v) for k, v in pk.items()} for pk in t.move[:200]],
            )
            for t in plan.tables
            if t.move
        },
        would_stay=plan.stay_counts(),
    )
