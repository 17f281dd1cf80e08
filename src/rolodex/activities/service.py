"""Event ingestion: validate customers, skip event ids already seen, store, touch
last_active_at. A batch is all or nothing. Never commits."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from rolodex.activities import repository
from rolodex.activities.schemas import EventIn, EventResult
from rolodex.auth.roles import Principal
from rolodex.customers.normalize import normalize_email
from rolodex.errors import InvalidInput
from rolodex.kit.ids import new_id
from rolodex.kit.time import utcnow


def _where(i: int, single: bool, name: str) -> str:
    return name if single else f"[{i}].{name}"


def _resolve_customers(
    session: Session, tenant_id: uuid.UUID, events: list[EventIn], single: bool
) -> list[uuid.UUID]:
    ids = repository.live_customer_ids(
        session, tenant_id, (e.customer_id for e in events if e.customer_id)
    )
    by_email = repository.live_ids_by_email(
        session,
        tenant_id,
        (normalize_email(e.email) for e in events if e.email and not e.customer_id),
    )
    out: list[uuid.UUID] = []
    problems: list[dict[str, Any]] = []
    for i, e in enumerate(events):
        if e.customer_id is not None:
            if e.customer_id in ids:
                out.append(e.customer_id)
                continue
            problems.append(
                {
                    "field": _where(i, single, "customer_id"),
                    "message": "no customer with this id",
                    "value": str(e.customer_id),
                }
            )
        else:
            cid = by_email.get(normalize_email(e.email or ""))
            if cid is not None:
                out.append(cid)
                continue
            problems.append(
                {"field": _where(i, single, "email"), "message": "no customer with this email"}
            )
    if problems:
        fields = ", ".join(p["field"] for p in problems[:10])
        raise InvalidInput(f"unknown customer: {fields}", details=problems[:100])
    return out


def ingest(
    session: Session, principal: Principal, events: list[EventIn], *, single: bool = False
) -> list[EventResult]:
    """Store the events; one already stored (same event id) is reported as a duplicate."""
    tenant_id = principal.tenant_id
    customers = _resolve_customers(session, tenant_id, events, single)
    seen = repository.existing_events(
        session, tenant_id, (e.event_id for e in events if e.event_id)
    )
    now = utcnow()
    results: list[EventResult] = []
    rows: list[dict[str, Any]] = []
    for event, customer_id in zip(events, customers, strict=True):
        if event.event_id and event.event_id in seen:
            aid, cid = seen[event.event_id]
            results.append(
                EventResult(id=aid, event_id=event.event_id, customer_id=cid, duplicate=True)
            )
            continue
        row = _row(tenant_id, customer_id, event, now)
        if event.event_id:
            seen[event.event_id] = (row["id"], customer_id)
        rows.append(row)
        results.append(
            EventResult(
                id=row["id"], event_id=event.event_id, customer_id=customer_id, duplicate=False
            )
        )
    inserted = repository.insert_new(session, rows) if rows else set()
    lost = {r["id"]: r["event_id"] for r in rows if r["id"] not in inserted}
    if lost:  # stored by a concurrent request meanwhile: theirs is the event
        winners = repository.existing_events(session, tenant_id, lost.values())
        for n, result in enumerate(results):
            if result.id in lost and lost[result.id] in winners:
                aid, cid = winners[lost[result.id]]
                results[n] = EventResult(
                    id=aid, event_id=result.event_id, customer_id=cid, duplicate=True
                )
    latest: dict[uuid.UUID, datetime] = {}
    for row in rows:
        if row["id"] in inserted:
            cid, at = row["customer_id"], row["occurred_at"]
            if cid not in latest or latest[cid] < at:
                latest[cid] = at
    repository.touch_last_active(session, tenant_id, latest)
    return results


def _row(tenant_id: uuid.UUID, customer_id: uuid.UUID, e: EventIn, now: datetime) -> dict[str, Any]:
    return {
        "tenant_id": tenant_id,
        "id": new_id(),
        "customer_id": customer_id,
        "type": e.type,
        "occurred_at": e.occurred_at or now,
        "event_id": e.event_id,
        "session_id": e.session_id,
        "properties": e.properties,
        "utm_source": e.utm_source,
        "utm_medium": e.utm_medium,
        "utm_campaign": e.utm_campaign,
        "utm_term": e.utm_term,
        "utm_content": e.utm_content,
        "ip": e.ip,
        "user_agent": e.user_agent,
        "created_at": now,
    }
