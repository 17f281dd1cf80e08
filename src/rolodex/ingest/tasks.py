"""The job that applies one stored webhook (kind ``ingest.webhook``).

The inbox row is marked processed in the same transaction as the changes it makes, and a
processed row is never applied again: running the job twice changes nothing the second time.
"""

from __future__ import annotations

import uuid
from typing import Any, cast

import orjson
from sqlalchemy import Table, bindparam, update
from sqlalchemy.orm import Session

from rolodex.ingest import erasure as _erasure  # noqa: F401  (registers the inbox eraser)
from rolodex.ingest import marks, repository, shopify
from rolodex.ingest.klaviyo_apply import apply_batch
from rolodex.ingest.orders import apply_order, apply_refund
from rolodex.ingest.profiles import (
    CONSENT_KINDS,
    Applied,
    apply_consent,
    apply_tag_change,
    merge_attributes,
    soft_delete,
    upsert_profile,
    webhook_principal,
)
from rolodex.ingest.records import (
    ConsentChange,
    Deletion,
    OrderRec,
    PayloadError,
    Profile,
    PurchasingSummary,
    Refund,
    TagChange,
    without_nul,
)
from rolodex.jobs.registry import JobContext, NonRetryable, registry
from rolodex.kit import deferred, txcache
from rolodex.kit.time import utcnow
from rolodex.models import InboxItem, Tenant
from rolodex.orders import repository as orders_repo

KIND = "ingest.webhook"


def prefetch(session: Session, jobs: list[JobContext]) -> None:
    """The inbox rows of many jobs in one query, and their tenant (the handler then finds them
    in the session, held for the rest of its transaction)."""
    ids: dict[uuid.UUID, list[uuid.UUID]] = {}
    for job in jobs:
        try:
            ids.setdefault(job.tenant_id, []).append(uuid.UUID(str(job.payload["inbox_id"])))
        except (KeyError, ValueError):
            continue  # the handler reports it
    deferred.defer(session)  # the jobs' audit entries and inbox marks are written at commit
    held = session.info.setdefault("rolodex_prefetched", [])  # the identity map is weak
    for tenant_id, item_ids in ids.items():
        held.append(session.get(Tenant, tenant_id))
        items = repository.inbox_items(session, tenant_id, item_ids)
        held.extend(items)
        _lock_marks(session, tenant_id, items)


def _parsed(session: Session, item: InboxItem) -> Any:
    """The Shopify record of a stored delivery (None when it has none); raises PayloadError
    or a JSON error. Parsed once per transaction."""
    facts = txcache.cache(session)
    key = ("parsed", item.tenant_id, item.id)
    if key in facts:
        return facts[key]
    record = shopify.parse(item.topic, _payload(item), item.triggered_at)
    facts[key] = record
    return record


def _lock_marks(session: Session, tenant_id: uuid.UUID, items: list[InboxItem]) -> None:
    """The version marks the jobs' Shopify records take, locked ahead in one statement (in
    the lock order every job follows); a delivery that does not parse is left to its job."""
    keys: list[tuple[str, str]] = []
    for item in items:
        if item.provider != "shopify" or item.processed_at is not None:
            continue
        try:
            record = _parsed(session, item)
        except (NonRetryable, PayloadError):
            continue
        if isinstance(record, Profile) and record.external_id:
            keys.append(("customer", record.external_id))
        elif isinstance(record, OrderRec):
            keys.append(("order", record.external_id))
            keys += [("refund", r.external_id) for r in record.refunds]
            if record.customer is not None and record.customer.external_id:
                keys.append(("customer", record.customer.external_id))
        elif isinstance(record, Refund):
            keys += [("order", record.order_id), ("refund", record.external_id)]
    marks.lock_all(session, tenant_id, "shopify", keys)
    # what the jobs will look up next: consents and tags remembered for their customers (from
    # split topics that came first), and the refunds of their orders
    people = [eid for kind, eid in keys if kind == "customer"]
    orders = [eid for kind, eid in keys if kind == "order"]
    orders_repo.lock_by_externals(session, tenant_id, "shopify", orders)
    repository.load_by_sources(session, tenant_id, "shopify", people)
    repository.load_related(
        session,
        tenant_id,
        "shopify",
        {kind: people for kind in CONSENT_KINDS.values()},
        {"customer.tag": people, "refund": orders},
    )


@registry.handler(KIND, prefetch=prefetch, batchable=True)  # lease: job_lease_seconds
def apply_webhook(session: Session, job: JobContext) -> None:
    try:
        item_id = uuid.UUID(str(job.payload["inbox_id"]))
    except (KeyError, ValueError) as exc:
        raise NonRetryable("the job names no inbox row") from exc
    item = repository.inbox_item(session, job.tenant_id, item_id)
    if item is None:
        raise NonRetryable(f"inbox row {item_id} is gone")
    if item.processed_at is not None:
        return  # applied by an earlier run of this job
    tenant = session.get(Tenant, job.tenant_id)
    if tenant is None:
        raise NonRetryable("the tenant is gone")
    principal = webhook_principal(tenant.id, item.provider, item.source_id)
    try:
        if item.provider == "shopify":
            result = _apply_shopify(session, principal, tenant, item)
        else:
            result = apply_batch(session, principal, tenant, _payload(item))
    except PayloadError as exc:
        raise NonRetryable(f"{item.provider} {item.topic}: {exc}") from exc
    if deferred.deferred(session):  # with the other jobs' at commit, one statement
        deferred.add(session, PROCESSED, {"_t": item.tenant_id, "_id": item.id,
                                          "_at": utcnow(), "_result": result})  # fmt: skip
    else:
        item.processed_at = utcnow()
        item.result = result


PROCESSED = "ingest.processed"


@deferred.writer(PROCESSED)
def _mark_processed(session: Session, rows: list[dict[str, Any]]) -> None:
    table = cast(Table, InboxItem.__table__)
    c = table.c
    stmt = (
        update(table)
        .where(c.tenant_id == bindparam("_t"), c.id == bindparam("_id"))
        .values(processed_at=bindparam("_at"), result=bindparam("_result"))
    )
    session.execute(stmt, rows)


def _payload(item: InboxItem) -> Any:
    try:
        return without_nul(orjson.loads(item.body))
    except orjson.JSONDecodeError as exc:
        raise NonRetryable(f"the body is not JSON: {exc}") from exc
    except RecursionError as exc:
        raise NonRetryable("the body is nested too deeply") from exc


def _apply_shopify(
    session: Session, principal: Any, tenant: Tenant, item: InboxItem
) -> dict[str, Any]:
    record = _parsed(session, item)
    if record is None:
        return {"action": "ignored", "reason": f"topic {item.topic} is not used"}
    applied = _apply_record(session, principal, tenant, record)
    return {
        "action": applied.action,
        "customer_id": str(applied.customer_id) if applied.customer_id else None,
        "notes": applied.notes[:20],
    }


def _apply_record(session: Session, principal: Any, tenant: Tenant, record: Any) -> Applied:
    if isinstance(record, Profile):
        return upsert_profile(session, principal, tenant, record)
    if isinstance(record, OrderRec):
        return apply_order(session, principal, tenant, record)
    if isinstance(record, Refund):
        return apply_refund(session, principal, tenant, record)
    if isinstance(record, TagChange):
        return apply_tag_change(session, principal, tenant, "shopify", record)
    if isinstance(record, ConsentChange):
        return apply_consent(
            session,
            principal,
            tenant,
            "shopify",
            record.customer_id,
            record.channel,
            record.consent,
        )
    if isinstance(record, Deletion):
        return soft_delete(session, principal, tenant, "shopify", record.customer_id, record.at)
    assert isinstance(record, PurchasingSummary)
    return _purchasing_summary(session, principal, tenant, record)


def _purchasing_summary(
    session: Session, principal: Any, tenant: Tenant, summary: PurchasingSummary
) -> Applied:
    """Shopify's own totals, kept beside ours (the LTV ledger comes from the orders)."""
    from rolodex.ingest.profiles import find_customer

    mark = marks.lock(session, tenant.id, "shopify", "customer.purchasing", summary.customer_id)
    if not marks.is_current(mark, summary.at):
        return Applied("stale")
    marks.advance(mark, summary.at)
    customer = find_customer(session, tenant.id, "shopify", summary.customer_id)
    if customer is None or customer.deleted_at is not None:
        return Applied("skipped", None, ["customer not known"])
    values = {
        "purchasing_summary": {
            "amount_spent": str(summary.amount_spent) if summary.amount_spent is not None else None,
            "currency": summary.currency,
            "number_of_orders": summary.number_of_orders,
            "last_order_id": summary.last_order_id,
            "at": summary.at.isoformat() if summary.at else None,
        }
    }
    changed = merge_attributes(session, principal, customer, "shopify", values)
    return Applied("updated" if changed else "unchanged", customer.id)
