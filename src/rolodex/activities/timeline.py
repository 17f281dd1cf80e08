"""A customer's timeline: activities, orders, stage changes, tag and note changes, merges
and deletions, merged into one stream, newest first, with keyset pagination.

Each source is read newest first past the cursor, at most one page each, then the pages are
merged. The order is total: (time desc, source rank desc, id desc), and the cursor holds
those three values of the last item served.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy.orm import Session

from rolodex.activities import repository
from rolodex.activities.schemas import TIMELINE_TYPES, TimelineItem
from rolodex.errors import field_error
from rolodex.kit.time import as_utc
from rolodex.models import Activity, AuditEntry, Order, StageTransition

# Audit actions shown on the timeline, by the item type they appear as.
AUDIT_EVENT_TYPES = {
    "create": "created",
    "delete": "deleted",
    "restore": "restored",
    "erase": "erased",
    "merge": "merge",
    "unmerge": "merge",
}
NOTE_FIELDS = ["notes", "internal_notes"]
RANK = {
    "activity": 0,
    "order": 1,
    "stage_change": 2,
    "tag_change": 3,
    "note_change": 4,
    "audit": 5,
}


def encode_cursor(item: TimelineItem, rank: int) -> str:
    raw = orjson.dumps([item.at.isoformat(), rank, item.id])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int, str]:
    try:
        raw = base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode())
        at, rank, ident = orjson.loads(raw)
        if not isinstance(rank, int) or not isinstance(ident, str) or rank not in RANK.values():
            raise ValueError("bad cursor")
        return as_utc(datetime.fromisoformat(at)), rank, ident
    except (ValueError, TypeError, OverflowError, orjson.JSONDecodeError) as exc:
        raise field_error("cursor", "not a cursor from this timeline") from exc


def _cursor_for(cursor: tuple[datetime, int, str] | None, rank: int, kind: type) -> Any:
    """The cursor with its id in the type this source compares (uuid or audit seq)."""
    if cursor is None:
        return None
    at, c_rank, ident = cursor
    if c_rank != rank:
        return at, c_rank, None
    try:
        return at, c_rank, kind(ident)
    except ValueError as exc:
        raise field_error("cursor", "not a cursor from this timeline") from exc


def _activity(a: Activity) -> TimelineItem:
    utm = {
        k: v
        for k, v in (
            ("source", a.utm_source),
            ("medium", a.utm_medium),
            ("campaign", a.utm_campaign),
            ("term", a.utm_term),
            ("content", a.utm_content),
        )
        if v
    }
    data = {"event_id": a.event_id, "session_id": a.session_id, "properties": a.properties}
    if utm:
        data["utm"] = utm
    return TimelineItem(id=str(a.id), type=a.type, at=a.occurred_at, source="activity", data=data)


def _order(o: Order) -> TimelineItem:
    data = {
        "order_id": str(o.id),
        "number": o.number,
        "status": o.status,
        "amount": str(o.amount),
        "currency": o.currency,
        "items": sum(i.quantity for i in o.items),
    }
    return TimelineItem(id=str(o.id), type="order", at=o.placed_at, source="order", data=data)


def _transition(t: StageTransition) -> TimelineItem:
    data = {
        "from_stage": t.from_stage,
        "to_stage": t.to_stage,
        "reason": t.reason,
        "ltv_amount": str(t.ltv_amount) if t.ltv_amount is not None else None,
        "ltv_before": str(t.ltv_before),
        "ltv_after": str(t.ltv_after),
        "actor": {"type": t.actor_type, "id": t.actor_id},
    }
    return TimelineItem(
        id=str(t.id), type="stage_change", at=t.created_at, source="transition", data=data
    )


def _audit(kind: str | None, fields: list[str]) -> Callable[[AuditEntry], TimelineItem]:
    def build(e: AuditEntry) -> TimelineItem:
        data: dict[str, Any] = {
            "action": e.action,
            "actor": {"type": e.actor_type, "id": e.actor_id, "name": e.actor_name},
            "audit_seq": e.seq,
        }
        if fields:
            data["before"] = {f: (e.before or {}).get(f) for f in fields if f in (e.before or {})}
            data["after"] = {f: (e.after or {}).get(f) for f in fields if f in (e.after or {})}
        item_type = kind or AUDIT_EVENT_TYPES.get(e.action, e.action)
        return TimelineItem(id=str(e.seq), type=item_type, at=e.at, source="audit", data=data)

    return build


def timeline(
    session: Session,
    tenant_id: uuid.UUID,
    customer_id: uuid.UUID,
    *,
    types: list[str] | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[TimelineItem], str | None]:
    wanted = set(types) if types else None
    after = decode_cursor(cursor) if cursor else None

    def on(name: str) -> bool:
        return wanted is None or name in wanted

    def cur(name: str, kind: type = uuid.UUID) -> Any:
        return _cursor_for(after, RANK[name], kind)

    fetched: list[tuple[TimelineItem, int]] = []
    n = limit + 1
    activity_types = None if wanted is None else sorted(wanted - TIMELINE_TYPES)
    if activity_types is None or activity_types:
        rows = repository.timeline_activities(
            session, tenant_id, customer_id, activity_types, RANK["activity"], cur("activity"), n
        )
        fetched += [(_activity(a), RANK["activity"]) for a in rows]
    if on("order"):
        orders = repository.timeline_orders(
            session, tenant_id, customer_id, RANK["order"], cur("order"), n
        )
        fetched += [(_order(o), RANK["order"]) for o in orders]
    if on("stage_change"):
        moves = repository.timeline_transitions(
            session, tenant_id, customer_id, RANK["stage_change"], cur("stage_change"), n
        )
        fetched += [(_transition(t), RANK["stage_change"]) for t in moves]
    for name, changed in (("tag_change", ["tags"]), ("note_change", NOTE_FIELDS)):
        if on(name):
            entries = repository.timeline_audit(
                session,
                tenant_id,
                customer_id,
                actions=None,
                changed=changed,
                rank=RANK[name],
                cursor=cur(name, int),
                limit=n,
            )
            fetched += [(_audit(name, changed)(e), RANK[name]) for e in entries]
    actions = [a for a, t in AUDIT_EVENT_TYPES.items() if on(t)]
    if actions:
        entries = repository.timeline_audit(
            session,
            tenant_id,
            customer_id,
            actions=actions,
            changed=None,
            rank=RANK["audit"],
            cursor=cur("audit", int),
            limit=n,
        )
        fetched += [(_audit(None, [])(e), RANK["audit"]) for e in entries]
    fetched.sort(key=_order_key, reverse=True)
    page = fetched[:limit]
    next_cursor = encode_cursor(*page[-1]) if len(fetched) > limit else None
    return [item for item, _ in page], next_cursor


def _order_key(pair: tuple[TimelineItem, int]) -> tuple[datetime, int, Any]:
    item, rank = pair
    ident: Any = int(item.id) if item.source == "audit" else uuid.UUID(item.id)
    return as_utc(item.at), rank, ident
