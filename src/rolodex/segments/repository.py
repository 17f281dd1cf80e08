"""Segment queries. SQL about segments lives here."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from rolodex.models import Segment, SegmentHistory, SegmentMembership

CHUNK = 500


def get(session: Session, tenant_id: uuid.UUID, segment_id: uuid.UUID) -> Segment | None:
    return session.get(Segment, (tenant_id, segment_id))


def by_key(session: Session, tenant_id: uuid.UUID, key: str) -> Segment | None:
    return session.scalars(
        select(Segment).where(Segment.tenant_id == tenant_id, Segment.key == key)
    ).first()


def all_segments(session: Session, tenant_id: uuid.UUID) -> list[Segment]:
    return list(
        session.scalars(
            select(Segment)
            .where(Segment.tenant_id == tenant_id)
            .order_by(Segment.system.desc(), Segment.name, Segment.id)
        )
    )


def membership(
    session: Session, tenant_id: uuid.UUID, segment_id: uuid.UUID, customer_id: uuid.UUID
) -> SegmentMembership | None:
    return session.get(SegmentMembership, (tenant_id, segment_id, customer_id))


def customer_memberships(
    session: Session, tenant_id: uuid.UUID, customer_id: uuid.UUID, now: datetime
) -> list[tuple[SegmentMembership, Segment]]:
    """Assignments of a customer that still count."""
    rows = session.execute(
        select(SegmentMembership, Segment)
        .join(
            Segment,
            (Segment.tenant_id == SegmentMembership.tenant_id)
            & (Segment.id == SegmentMembership.segment_id),
        )
        .where(
            SegmentMembership.tenant_id == tenant_id,
            SegmentMembership.customer_id == customer_id,
            or_(SegmentMembership.expires_at.is_(None), SegmentMembership.expires_at > now),
        )
        .order_by(Segment.name, Segment.id)
    ).all()
    return [(m, s) for m, s in rows]


def all_customer_memberships(
    session: Session, tenant_id: uuid.UUID, customer_id: uuid.UUID
) -> list[SegmentMembership]:
    return list(
        session.scalars(
            select(SegmentMembership).where(
                SegmentMembership.tenant_id == tenant_id,
                SegmentMembership.customer_id == customer_id,
            )
        )
    )


def open_period(
    session: Session, tenant_id: uuid.UUID, segment_id: uuid.UUID, customer_id: uuid.UUID
) -> SegmentHistory | None:
    return session.scalars(
        select(SegmentHistory).where(
            SegmentHistory.tenant_id == tenant_id,
            SegmentHistory.segment_id == segment_id,
            SegmentHistory.customer_id == customer_id,
            SegmentHistory.left_at.is_(None),
        )
    ).first()


def customer_history(
    session: Session, tenant_id: uuid.UUID, customer_id: uuid.UUID
) -> list[tuple[SegmentHistory, Segment]]:
    rows = session.execute(
        select(SegmentHistory, Segment)
        .join(
            Segment,
            (Segment.tenant_id == SegmentHistory.tenant_id)
            & (Segment.id == SegmentHistory.segment_id),
        )
        .where(SegmentHistory.tenant_id == tenant_id, SegmentHistory.customer_id == customer_id)
        .order_by(SegmentHistory.entered_at, SegmentHistory.id)
    ).all()
    return [(h, s) for h, s in rows]


def customer_periods(
    session: Session, tenant_id: uuid.UUID, customer_id: uuid.UUID
) -> list[SegmentHistory]:
    return list(
        session.scalars(
            select(SegmentHistory).where(
                SegmentHistory.tenant_id == tenant_id, SegmentHistory.customer_id == customer_id
            )
        )
    )


def assignment_confidences(
    session: Session, tenant_id: uuid.UUID, segment_id: uuid.UUID
) -> dict[uuid.UUID, float]:
    rows = session.execute(
        select(SegmentMembership.customer_id, SegmentMembership.confidence).where(
            SegmentMembership.tenant_id == tenant_id, SegmentMembership.segment_id == segment_id
        )
    )
    return {cid: conf for cid, conf in rows}


def open_members(session: Session, tenant_id: uuid.UUID, segment_id: uuid.UUID) -> set[uuid.UUID]:
    """Customers with an open stay in a segment (the last known members)."""
    return set(
        session.scalars(
            select(SegmentHistory.customer_id).where(
                SegmentHistory.tenant_id == tenant_id,
                SegmentHistory.segment_id == segment_id,
                SegmentHistory.left_at.is_(None),
            )
        )
    )


def close_periods(
    session: Session,
    tenant_id: uuid.UUID,
    segment_id: uuid.UUID,
    customer_ids: Iterable[uuid.UUID],
    at: datetime,
    reason: str,
) -> None:
    ids = list(customer_ids)
    for i in range(0, len(ids), CHUNK):
        session.execute(
            update(SegmentHistory)
            .where(
                SegmentHistory.tenant_id == tenant_id,
                SegmentHistory.segment_id == segment_id,
                SegmentHistory.customer_id.in_(ids[i : i + CHUNK]),
                SegmentHistory.left_at.is_(None),
            )
            .values(left_at=at, left_reason=reason)
            .execution_options(synchronize_session=False)
        )


def delete_assignments(
    session: Session, tenant_id: uuid.UUID, segment_id: uuid.UUID, customer_ids: Iterable[uuid.UUID]
) -> None:
    ids = list(customer_ids)
    for i in range(0, len(ids), CHUNK):
        session.execute(
            delete(SegmentMembership)
            .where(
                SegmentMembership.tenant_id == tenant_id,
                SegmentMembership.segment_id == segment_id,
                SegmentMembership.customer_id.in_(ids[i : i + CHUNK]),
            )
            .execution_options(synchronize_session=False)
        )


def expired(session: Session, tenant_id: uuid.UUID, now: datetime) -> list[SegmentMembership]:
    return list(
        session.scalars(
            select(SegmentMembership).where(
                SegmentMembership.tenant_id == tenant_id,
                SegmentMembership.expires_at.isnot(None),
                SegmentMembership.expires_at <= now,
            )
        )
    )


def open_members_of_customer(
    session: Session, tenant_id: uuid.UUID, customer_id: uuid.UUID
) -> set[uuid.UUID]:
    """Segments in which a customer has an open stay."""
    return set(
        session.scalars(
            select(SegmentHistory.segment_id).where(
                SegmentHistory.tenant_id == tenant_id,
                SegmentHistory.customer_id == customer_id,
                SegmentHistory.left_at.is_(None),
            )
        )
    )
