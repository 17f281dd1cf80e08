"""Segment use cases. Takes the session first, never commits, raises domain errors.

Dynamic segments are evaluated when asked (members, counts, filters): their filter compiles
to indexed SQL, so membership is always exact, soft-deleted customers are never members, and
no job has to run before a new or edited segment is right. The refresh job (tasks.py) only
records when customers entered and left them. Assigned memberships count while unexpired:
every query compares ``expires_at`` with now, so an expired one stops counting on its own.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from rolodex.auth.roles import Principal
from rolodex.errors import Conflict, InvalidInput, NotFound, field_error
from rolodex.kit.ids import new_id
from rolodex.kit.time import utcnow
from rolodex.models import Customer, Segment, SegmentHistory, SegmentMembership
from rolodex.search import conditions, filters
from rolodex.search import service as search
from rolodex.search.params import canonical_filter
from rolodex.segments import repository
from rolodex.segments.schemas import (
    AssignmentIn,
    CustomerSegments,
    HistoryOut,
    MembershipOut,
    SegmentIn,
    SegmentOut,
    SegmentUpdate,
)


def _slug(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:90]
    return slug or "segment"


def get_segment(session: Session, tenant_id: uuid.UUID, ref: uuid.UUID | str) -> Segment:
    seg = (
        repository.get(session, tenant_id, ref)
        if isinstance(ref, uuid.UUID)
        else repository.by_key(session, tenant_id, ref)
    )
    if seg is None:
        raise NotFound(f"no segment {ref}")
    return seg


def _check_filter(session: Session, seg: Segment) -> None:
    """Compile once: unknown segment references and cycles are a 422 now, not later."""
    ctx = search.context(session, seg.tenant_id)
    ctx.stack = (seg.id,)
    conditions.where(ctx, filters.from_json(seg.filter or {"and": []}, "filter"))


def create_segment(session: Session, principal: Principal, data: SegmentIn) -> Segment:
    membership = data.membership or ("dynamic" if data.filter is not None else "assigned")
    if membership == "dynamic" and data.filter is None:
        raise field_error("filter", "a dynamic segment needs a filter")
    if membership == "assigned" and data.filter is not None:
        raise field_error("filter", "an assigned segment has members, not a filter")
    key = data.key or _slug(data.name)
    if repository.by_key(session, principal.tenant_id, key) is not None:
        if data.key:
            raise Conflict(f"a segment with key {key!r} exists", details={"field": "key"})
        key = f"{key}-{uuid.uuid4().hex[:6]}"
    seg = Segment(
        tenant_id=principal.tenant_id,
        id=new_id(),
        key=key,
        name=data.name,
        description=data.description,
        kind=data.kind,
        membership=membership,
        filter=canonical_filter(data.filter),
        system=False,
        created_by=f"{principal.actor_type}:{principal.actor_id}",
    )
    if membership == "dynamic":
        _check_filter(session, seg)
    try:
        with session.begin_nested():
            session.add(seg)
            session.flush()
    except IntegrityError as exc:
        raise Conflict(f"a segment with key {key!r} exists", details={"field": "key"}) from exc
    return seg


def update_segment(
    session: Session, principal: Principal, segment_id: uuid.UUID, data: SegmentUpdate
) -> Segment:
    seg = get_segment(session, principal.tenant_id, segment_id)
    if seg.system:
        raise Conflict("system segments are maintained by the refresh job")
    sent = data.model_fields_set
    for name in ("name", "kind"):
        if name in sent:
            if getattr(data, name) is None:
                raise field_error(name, "cannot be null")
            setattr(seg, name, getattr(data, name))
    if "description" in sent:
        seg.description = data.description
    if "filter" in sent:
        if seg.membership != "dynamic":
            raise field_error("filter", "an assigned segment has members, not a filter")
        if data.filter is None:
            raise field_error("filter", "a dynamic segment needs a filter")
        seg.filter = canonical_filter(data.filter)
        _check_filter(session, seg)
    seg.updated_at = utcnow()
    session.flush()
    return seg


def delete_segment(session: Session, principal: Principal, segment_id: uuid.UUID) -> None:
    seg = get_segment(session, principal.tenant_id, segment_id)
    if seg.system:
        raise Conflict("system segments cannot be deleted")
    refs = {seg.key, str(seg.id)}
    for other in repository.all_segments(session, principal.tenant_id):
        used = filters.conditions(filters.TRUE if not other.filter else _node(other), "segment")
        if any(refs & set(c.value) for c in used):
            raise Conflict(
                f"segment {other.key!r} uses this one in its filter",
                details={"used_by": str(other.id)},
            )
    session.delete(seg)
    session.flush()


def _node(seg: Segment) -> filters.Node:
    try:
        return filters.from_json(seg.filter or {"and": []})
    except InvalidInput:
        return filters.TRUE


def member_count(session: Session, seg: Segment, now: datetime | None = None) -> int:
    node = filters.Cond("segment", "in", [str(seg.id)])
    return search.count_customers(session, seg.tenant_id, node, now=now)


def members(
    session: Session, tenant_id: uuid.UUID, segment_id: uuid.UUID, query: search.ListQuery
) -> search.ListResult:
    """The members, paged and filtered like the customer list."""
    seg = get_segment(session, tenant_id, segment_id)
    node = filters.Cond("segment", "in", [str(seg.id)])
    return search.list_customers(session, tenant_id, search.with_filter(query, node))


# ---- assignments ---------------------------------------------------------------------------


def _live_customer(session: Session, tenant_id: uuid.UUID, customer_id: uuid.UUID) -> Customer:
    customer = session.get(Customer, (tenant_id, customer_id))
    if customer is None or customer.deleted_at is not None:
        raise NotFound(f"no customer {customer_id}")
    return customer


def _open(session: Session, m: SegmentMembership, at: datetime) -> None:
    session.add(
        SegmentHistory(
            tenant_id=m.tenant_id,
            id=new_id(),
            segment_id=m.segment_id,
            customer_id=m.customer_id,
            entered_at=at,
            expires_at=m.expires_at,
            assigned_by=m.assigned_by,
            confidence=m.confidence,
        )
    )


def assign(
    session: Session,
    principal: Principal,
    customer_id: uuid.UUID,
    segment_id: uuid.UUID,
    data: AssignmentIn,
    now: datetime | None = None,
) -> tuple[SegmentMembership, Segment, bool]:
    """(membership, segment, created). Re-assigning updates confidence and expiry."""
    now = now or utcnow()
    tenant_id = principal.tenant_id
    seg = get_segment(session, tenant_id, segment_id)
    if seg.membership != "assigned":
        raise Conflict("members of a dynamic segment come from its filter")
    if seg.system:
        raise Conflict("system segments are maintained by the refresh job")
    _live_customer(session, tenant_id, customer_id)
    if data.expires_at is not None and data.expires_at <= now:
        raise field_error("expires_at", "is in the past")
    m = repository.membership(session, tenant_id, seg.id, customer_id)
    created = m is None or (m.expires_at is not None and m.expires_at <= now)
    if m is not None and created:  # a lapsed assignment: its stay ended when it expired
        _close(session, m, now)
        session.delete(m)
        session.flush()
    if created:
        m = SegmentMembership(tenant_id=tenant_id, segment_id=seg.id, customer_id=customer_id)
        session.add(m)
        m.assigned_at = now
    assert m is not None
    m.assigned_by, m.confidence, m.expires_at = data.assigned_by, data.confidence, data.expires_at
    m.actor = f"{principal.actor_type}:{principal.actor_id}"
    period = None if created else repository.open_period(session, tenant_id, seg.id, customer_id)
    if period is None:
        _open(session, m, now)
    else:
        period.expires_at, period.confidence = m.expires_at, m.confidence
        period.assigned_by = m.assigned_by
    session.flush()
    return m, seg, created


def _close(session: Session, m: SegmentMembership, now: datetime, reason: str = "removed") -> None:
    period = repository.open_period(session, m.tenant_id, m.segment_id, m.customer_id)
    if period is None:
        return
    if m.expires_at is not None and m.expires_at <= now:
        period.left_at, period.left_reason = m.expires_at, "expired"
    else:
        period.left_at, period.left_reason = now, reason


def unassign(
    session: Session,
    principal: Principal,
    customer_id: uuid.UUID,
    segment_id: uuid.UUID,
    now: datetime | None = None,
) -> None:
    now = now or utcnow()
    seg = get_segment(session, principal.tenant_id, segment_id)
    if seg.system:
        raise Conflict("system segments are maintained by the refresh job")
    m = repository.membership(session, principal.tenant_id, seg.id, customer_id)
    if m is None:
        raise NotFound(f"customer {customer_id} is not assigned to segment {seg.key}")
    _close(session, m, now)
    session.delete(m)
    session.flush()


def customer_segments(
    session: Session,
    tenant_id: uuid.UUID,
    customer_id: uuid.UUID,
    *,
    history: bool = False,
    now: datetime | None = None,
) -> CustomerSegments:
    """Segments a customer is in now (assigned and dynamic), and optionally every stay."""
    now = now or utcnow()
    _live_customer(session, tenant_id, customer_id)
    items = [membership_out(s, m) for m, s in repository.customer_memberships(
        session, tenant_id, customer_id, now
    )]  # fmt: skip
    ctx = search.context(session, tenant_id, now)
    for seg in repository.all_segments(session, tenant_id):
        if seg.membership != "dynamic":
            continue
        try:
            cond = search.base_condition(ctx, filters.from_json(seg.filter or {"and": []}))
        except InvalidInput:  # its filter names a segment deleted since: it matches no one
            continue
        hit = session.scalar(select(Customer.id).where(cond, Customer.id == customer_id))
        if hit is not None:
            items.append(membership_out(seg, None))
    out = CustomerSegments(items=sorted(items, key=lambda i: (i.segment_name, str(i.segment_id))))
    if history:
        out.history = [
            _history_out(h, s, now)
            for h, s in repository.customer_history(session, tenant_id, customer_id)
        ]
    return out


def move_memberships(
    session: Session,
    tenant_id: uuid.UUID,
    from_customer_id: uuid.UUID,
    to_customer_id: uuid.UUID,
    now: datetime | None = None,
) -> int:
    """Merge support: the duplicate's assignments and segment history move to the survivor.
    Where both are in a segment, the survivor keeps the stronger assignment (higher confidence,
    later or no expiry) and the duplicate's stay ends ("merged"). Dynamic segments need nothing:
    they follow the survivor's data. Returns the number of assignments moved or combined."""
    now = now or utcnow()
    theirs = repository.all_customer_memberships(session, tenant_id, from_customer_id)
    moved = 0
    for m in theirs:
        mine = repository.membership(session, tenant_id, m.segment_id, to_customer_id)
        if mine is not None:
            later = None if None in (m.expires_at, mine.expires_at) else max(
                m.expires_at, mine.expires_at  # type: ignore[type-var]
            )  # fmt: skip
            if m.confidence > mine.confidence:
                mine.confidence, mine.assigned_by = m.confidence, m.assigned_by
            mine.expires_at = later
            _close(session, m, now, reason="merged")
        else:
            session.add(
                SegmentMembership(
                    tenant_id=tenant_id,
                    segment_id=m.segment_id,
                    customer_id=to_customer_id,
                    assigned_by=m.assigned_by,
                    confidence=m.confidence,
                    expires_at=m.expires_at,
                    assigned_at=m.assigned_at,
                    actor=m.actor,
                )
            )
        session.delete(m)
        moved += 1
    session.flush()
    survivor_open = repository.open_members_of_customer(session, tenant_id, to_customer_id)
    for period in repository.customer_periods(session, tenant_id, from_customer_id):
        if period.left_at is None and period.segment_id in survivor_open:
            period.left_at, period.left_reason = now, "merged"
        period.customer_id = to_customer_id
    session.flush()
    return moved


# ---- shapes ---------------------------------------------------------------------------------


def to_out(seg: Segment, count: int | None = None) -> SegmentOut:
    return SegmentOut(
        id=seg.id,
        key=seg.key,
        name=seg.name,
        description=seg.description,
        kind=seg.kind,
        membership=seg.membership,
        filter=seg.filter,
        system=seg.system,
        member_count=count,
        created_at=seg.created_at,
        updated_at=seg.updated_at,
    )


def membership_out(seg: Segment, m: SegmentMembership | None) -> MembershipOut:
    return MembershipOut(
        segment_id=seg.id,
        segment_key=seg.key,
        segment_name=seg.name,
        kind=seg.kind,
        membership=seg.membership,
        assigned_by=m.assigned_by if m else None,
        confidence=m.confidence if m else None,
        assigned_at=m.assigned_at if m else None,
        expires_at=m.expires_at if m else None,
    )


def _history_out(h: SegmentHistory, seg: Segment, now: datetime) -> HistoryOut:
    left, reason = h.left_at, h.left_reason
    if left is None and h.expires_at is not None and h.expires_at <= now:
        left, reason = h.expires_at, "expired"  # ended on its own; the job closes it later
    return HistoryOut(
        segment_id=seg.id,
        segment_key=seg.key,
        entered_at=h.entered_at,
        left_at=left,
        left_reason=reason,
        assigned_by=h.assigned_by,
        confidence=h.confidence,
        expires_at=h.expires_at,
    )
