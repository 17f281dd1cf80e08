"""The scheduled segment job: system segments (RFM value, engagement, churn risk), the history
of dynamic segments, and the closing of expired assignments.

``refresh_system_segments(session, tenant_id, now)`` does everything for one tenant in the
caller's transaction. Run it daily per tenant (``rolodex segments refresh --tenant T``, or
from the job queue's scheduler) and after bulk imports. Nothing depends on it for
correctness of membership: expired assignments already stop counting and dynamic segments are
evaluated live; the job makes system segments current and keeps the entered/left history.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from sqlalchemy import insert, inspect, select, update
from sqlalchemy.orm import Session

from rolodex.errors import InvalidInput
from rolodex.kit.ids import new_id
from rolodex.kit.time import as_utc, utcnow
from rolodex.models import Customer, CustomerPrediction, Segment, SegmentHistory
from rolodex.models.segments import SegmentMembership
from rolodex.search import filters
from rolodex.search import service as search
from rolodex.segments import repository, rfm

CHUNK = 1000
log = logging.getLogger("rolodex.segments")


@dataclass
class Change:
    members: int = 0
    entered: int = 0
    left: int = 0


@dataclass
class RefreshReport:
    segments: dict[str, Change] = field(default_factory=dict)
    expired: int = 0
    skipped: list[str] = field(default_factory=list)


def ensure_system_segments(session: Session, tenant_id: uuid.UUID) -> dict[str, Segment]:
    """The tenant's system segments, created on first use."""
    have = {s.key: s for s in repository.all_segments(session, tenant_id) if s.system}
    for key, name, kind, description in rfm.SYSTEM_SEGMENTS:
        if key not in have:
            seg = Segment(
                tenant_id=tenant_id,
                id=new_id(),
                key=key,
                name=name,
                kind=kind,
                description=description,
                membership="assigned",
                system=True,
                created_by="system",
            )
            session.add(seg)
            have[key] = seg
    session.flush()
    return have


def _profiles(session: Session, tenant_id: uuid.UUID) -> list[rfm.Profile]:
    rows = session.execute(
        select(
            Customer.id,
            Customer.ltv,
            Customer.order_count,
            Customer.first_order_at,
            Customer.last_order_at,
            Customer.last_active_at,
            Customer.created_at,
        ).where(Customer.tenant_id == tenant_id, Customer.deleted_at.is_(None))
    )
    return [
        rfm.Profile(r[0], r[1] or Decimal(0), r[2] or 0, r[3], r[4], r[5], as_utc(r[6]))
        for r in rows
    ]


def _predictions(session: Session, tenant_id: uuid.UUID) -> dict[uuid.UUID, float]:
    """Churn probabilities (a model's over Klaviyo's), when that table is there."""
    if not inspect(session.connection()).has_table(CustomerPrediction.__tablename__):
        return {}
    rows = session.execute(
        select(
            CustomerPrediction.customer_id,
            CustomerPrediction.source,
            CustomerPrediction.churn_probability,
        ).where(
            CustomerPrediction.tenant_id == tenant_id,
            CustomerPrediction.churn_probability.isnot(None),
        )
    )
    out: dict[uuid.UUID, float] = {}
    for cid, _source, p in sorted(rows, key=lambda r: r[1] == "model"):  # model wins
        out[cid] = min(1.0, max(0.0, float(p or 0)))
    return out


def _history(session: Session, seg: Segment, ids: Iterable[uuid.UUID], at: datetime) -> None:
    rows = [
        {
            "tenant_id": seg.tenant_id,
            "id": new_id(),
            "segment_id": seg.id,
            "customer_id": cid,
            "entered_at": at,
            "assigned_by": "system" if seg.system else None,
        }
        for cid in ids
    ]
    for i in range(0, len(rows), CHUNK):
        session.execute(insert(SegmentHistory), rows[i : i + CHUNK])


def sync_assignments(
    session: Session, seg: Segment, wanted: dict[uuid.UUID, float], now: datetime
) -> Change:
    """Make a system segment's assignments exactly ``wanted`` (customer → confidence), with
    bulk statements (a segment can hold most of a million customers)."""
    have = repository.assignment_confidences(session, seg.tenant_id, seg.id)
    gone = [cid for cid in have if cid not in wanted]
    new = [cid for cid in wanted if cid not in have]
    repository.close_periods(session, seg.tenant_id, seg.id, gone, now, "refresh")
    repository.delete_assignments(session, seg.tenant_id, seg.id, gone)
    key = {"tenant_id": seg.tenant_id, "segment_id": seg.id}
    changed = [
        {**key, "customer_id": cid, "confidence": c}
        for cid, c in wanted.items()
        if cid in have and have[cid] != c
    ]
    added = [
        {**key, "customer_id": cid, "assigned_by": "system", "confidence": wanted[cid],
         "assigned_at": now, "actor": "system:refresh"}
        for cid in new
    ]  # fmt: skip
    for i in range(0, max(len(changed), len(added)), CHUNK):
        if changed[i : i + CHUNK]:
            session.execute(update(SegmentMembership), changed[i : i + CHUNK])
        if added[i : i + CHUNK]:
            session.execute(insert(SegmentMembership), added[i : i + CHUNK])
    _history(session, seg, new, now)
    session.flush()
    return Change(len(wanted), len(new), len(gone))


def record_dynamic_history(session: Session, seg: Segment, now: datetime) -> Change:
    """Compare a dynamic segment's members now with the last known ones; record the moves."""
    ctx = search.context(session, seg.tenant_id, now)
    node = filters.from_json(seg.filter or {"and": []})
    current = set(session.scalars(search.customer_ids(ctx, node)))
    known = repository.open_members(session, seg.tenant_id, seg.id)
    gone, new = known - current, current - known
    repository.close_periods(session, seg.tenant_id, seg.id, gone, now, "refresh")
    _history(session, seg, sorted(new), now)
    session.flush()
    return Change(len(current), len(new), len(gone))


def close_expired(session: Session, tenant_id: uuid.UUID, now: datetime) -> int:
    """Housekeeping: expired assignments (already not counting) are removed, their stays
    closed at the moment they expired."""
    lapsed = repository.expired(session, tenant_id, now)
    for m in lapsed:
        period = repository.open_period(session, tenant_id, m.segment_id, m.customer_id)
        if period is not None:
            period.left_at, period.left_reason = m.expires_at, "expired"
        session.delete(m)
    session.flush()
    return len(lapsed)


def refresh_system_segments(
    session: Session, tenant_id: uuid.UUID, now: datetime | None = None
) -> RefreshReport:
    """The whole job for one tenant, in the caller's transaction."""
    now = now or utcnow()
    report = RefreshReport(expired=close_expired(session, tenant_id, now))
    system = ensure_system_segments(session, tenant_id)
    wanted = rfm.assignments(_profiles(session, tenant_id), now, _predictions(session, tenant_id))
    for key, members in wanted.items():
        report.segments[key] = sync_assignments(session, system[key], members, now)
    for seg in repository.all_segments(session, tenant_id):
        if seg.membership != "dynamic":
            continue
        try:
            report.segments[seg.key] = record_dynamic_history(session, seg, now)
        except InvalidInput as exc:  # a filter naming a deleted segment: report, go on
            log.warning("segment %s skipped: %s", seg.key, exc.message)
            report.skipped.append(seg.key)
    return report
