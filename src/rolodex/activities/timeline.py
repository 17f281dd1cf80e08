"""A customer's timeline: activities, orders, stage changes, tag and note changes, merges
and deletions, merged into one stream, newest first, with keyset pagination.

Each source is read newest first past the cursor, at most one page each, then the pages are
merged. The order is total: (time desc, source rank desc, id desc), and the cursor holds
those three values of the last item served.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from rolodex.activities import repository
from rolodex.activities.schemas import TIMELINE_TYPES, TimelineItem
from rolodex.errors import field_error
from rolodex.kit.pagination import cursor_payload, cursor_text
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


# Sources whose items are audit entries, identified by their sequence number (a BIGINT);
# the others by a UUID.
SEQ_RANKS = frozenset({RANK["tag_change"], RANK["note_change"], RANK["audit"]})
SEQ_MAX = 2**63  # past a BIGINT: no entry's number, and no driver binds it (a 500)
NOT_OURS = "not a cursor from this timeline"


def encode_cursor(item: TimelineItem, rank: int) -> str:
    return cursor_text([item.at.isoformat(), rank, item.id])


def decode_cursor(cursor: str) -> tuple[datetime, int, uuid.UUID | int]:
    """(time, source rank, id) of the last item served, the id as its source compares it;
    a 422 for anything else (cursors are unsigned: anyone can write one)."""
    try:
        raw = cursor_payload(cursor)
        if not isinstance(raw, list) or len(raw) != 3:
            raise ValueError("not [time, rank, id]")
        at, rank, ident = raw
        if not isinstance(at, str) or not isinstance(ident, str):
            raise ValueError("not a time and an id")
        if isinstance(rank, bool) or not isinstance(rank, int) or rank not in RANK.values():
            raise ValueError("not a source rank")
        return as_utc(datetime.fromisoformat(at)), rank, _ident(rank, ident)
    except (ValueError, OverflowError) as exc:
        raise field_error("cursor", NOT_OURS) from exc


def _ident(rank: int, ident: str) -> uuid.UUID | int:
    """An audit sequence number as the cursor wrote it (``str(seq)``: no sign, spaces or
    ``_`` that int() would take) within a BIGINT, or a UUID."""
    if rank not in SEQ_RANKS:
        return uuid.UUID(ident)
    if not (ident.isascii() and ident.isdigit()) or ident != str(int(ident)):
        raise ValueError("not an audit sequence number")
    seq = int(ident)
    if seq >= SEQ_MAX:
        raise ValueError("past any audit sequence number")
    return seq


def _cursor_for(cursor: tuple[datetime, int, uuid.UUID | int] | None, rank: int) -> Any:
    """The cursor as one source reads it: its id only where the cursor's item is of it."""
    if cursor is None:
        return None
    at, c_rank, ident = cursor
    return at, c_rank, ident if c_rank == rank else None


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

    def cur(name: str) -> Any:
        return _cursor_for(after, RANK[name])

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
                cursor=cur(name),
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
            cursor=cur("audit"),
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
