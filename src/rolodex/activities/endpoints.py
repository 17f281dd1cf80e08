"""Event ingestion and timeline endpoints: parse, authorize, call the service."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request

from rolodex.activities import service, timeline
from rolodex.activities.schemas import EVENTS_OPENAPI, EventsOut, TimelineList, parse_events
from rolodex.auth.dependencies import require
from rolodex.auth.roles import Permission, Principal
from rolodex.customers import service as customers
from rolodex.errors import field_error
from rolodex.kit import query_params
from rolodex.lifecycle.endpoints import check_include_deleted

router = APIRouter(tags=["activities"])

TIMELINE_PARAMS = ("type", "include_deleted", "limit", "cursor")


@router.post("/v1/events", status_code=201, response_model=EventsOut, openapi_extra=EVENTS_OPENAPI)
def ingest_events(
    request: Request,
    body: Annotated[Any, Body()],
    principal: Principal = Depends(require(Permission.INGEST)),
) -> EventsOut:
    """Record one event or a list of up to 1,000; an event_id already seen is skipped."""
    events, single = parse_events(body)
    with request.app.state.db.session(principal.tenant_id) as session:
        results = service.ingest(session, principal, events, single=single)
    duplicates = sum(r.duplicate for r in results)
    return EventsOut(items=results, accepted=len(results) - duplicates, duplicates=duplicates)


@router.get("/v1/customers/{customer_id}/timeline", response_model=TimelineList)
def customer_timeline(
    request: Request,
    customer_id: uuid.UUID,
    principal: Principal = Depends(require(Permission.READ)),
    type: Annotated[
        list[str] | None,
        Query(description="Item types, e.g. page_view,stage_change,order,tag_change"),
    ] = None,
    include_deleted: bool = False,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> TimelineList:
    """A customer's timeline, newest first: activities, orders, stage, tag and note changes,
    merges and deletions."""
    query_params.only_own(request.query_params.keys(), TIMELINE_PARAMS, "the timeline")
    check_include_deleted(principal, include_deleted)
    types = [t.strip() for item in type or [] for t in item.split(",") if t.strip()]
    if len(types) > 50 or any(len(t) > 64 for t in types):
        raise field_error("type", "at most 50 types of at most 64 characters")
    with request.app.state.db.session(principal.tenant_id, write=False) as session:
        customers.get_customer(
            session, principal.tenant_id, customer_id, include_deleted=include_deleted
        )
        items, next_cursor = timeline.timeline(
            session,
            principal.tenant_id,
            customer_id,
            types=types or None,
            cursor=cursor,
            limit=limit,
        )
        return TimelineList(items=items, next_cursor=next_cursor)
