"""Segment distribution: live members of each segment, for the overview and GET /v1/stats."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy.orm import Session

from rolodex.segments import repository as segments
from rolodex.segments import service as segment_service

MAX_SEGMENTS = 30  # a chart with more bars is not readable; the segments page lists them all


class SegmentCount(BaseModel):
    id: uuid.UUID
    key: str
    name: str
    kind: str
    members: int


def segment_counts(session: Session, tenant_id: uuid.UUID, now: datetime) -> list[SegmentCount]:
    """Members now (dynamic filters evaluated, expired assignments left out), most first."""
    out = [
        SegmentCount(
            id=seg.id,
            key=seg.key,
            name=seg.name,
            kind=seg.kind,
            members=segment_service.member_count(session, seg, now),
        )
        for seg in segments.all_segments(session, tenant_id)[:MAX_SEGMENTS]
    ]
    return sorted(out, key=lambda s: (-s.members, s.name))
