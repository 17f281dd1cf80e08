"""Export endpoint: any customer list filter as CSV, JSON, NDJSON or an Excel workbook,
streamed."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import StreamingResponse

from rolodex.auth.dependencies import require
from rolodex.auth.roles import Permission, Principal
from rolodex.exports import service, writers
from rolodex.kit.time import utcnow
from rolodex.search import filters
from rolodex.search import params as search_params
from rolodex.search import service as search_service
from rolodex.views import service as views_service

router = APIRouter(prefix="/v1/exports", tags=["exports"])

FORMAT_DOC = (
    "csv, json, ndjson, xlsx or vcard (any case): xlsx is an Excel workbook of the CSV's columns, "
    "every cell text (no formula, no apostrophe before a phone) but LTV and order count, "
    "sent once it is written whole; vcard is a .vcf of the customers as contacts (name, "
    "company, emails, phones, addresses, notes, birthday, tags) for a phone or an address "
    "book. "
)
FILTERS_DOC = (
    "Any filter of GET /v1/customers (stage, status, type, tag, tag_any, source, country, "
    "segment, ltv_min, created_after, attr.<name>, filter=...). Deleted customers are never "
    "exported."
)
SORT_DOC = (
    "Export in this order (the sort keys of GET /v1/customers, e.g. `-ltv`); by default in "
    "creation order (`created_at`, oldest first). With `limit`, the first customers of that "
    "order."
)
# The endpoint's own parameters (as declared below); any other must be a list filter.
PARAMS = ("format", "q", "view", "sort", "limit")
CONTENT = {
    200: {
        "description": "the customers, streamed",
        "content": {media: {} for media in writers.MEDIA_TYPES.values()},
    }
}


@router.get("", response_class=StreamingResponse, responses=CONTENT)  # type: ignore[arg-type]
def export_customers(
    request: Request,
    format: Annotated[
        str,
        Query(
            description=FORMAT_DOC + FILTERS_DOC, json_schema_extra={"enum": list(service.FORMATS)}
        ),
    ] = "csv",
    q: Annotated[str | None, Query(max_length=200, description=search_params.Q_DOC)] = None,
    view: Annotated[uuid.UUID | None, Query(description="apply a saved view")] = None,
    sort: Annotated[str | None, Query(max_length=200, description=SORT_DOC)] = None,
    limit: Annotated[
        int | None, Query(ge=1, description="at most this many customers (default: all)")
    ] = None,
    principal: Principal = Depends(require(Permission.READ)),
) -> StreamingResponse:
    """Export the customers of a filter (CSV cells safe from formula injection); audited."""
    items = request.query_params.multi_items()
    service.check_names((k for k, _ in items), PARAMS)
    format = service.format_of(format)
    node = search_params.filter_from_params(items)
    if q and q.strip():
        node = filters.join(node, filters.cond("q", "match", q.strip()[:200], where="q"))
    db = request.app.state.db
    with db.session(principal.tenant_id) as session:
        if view is not None:
            query = views_service.apply_view(
                session, principal, view, search_service.ListQuery(node, sort=sort)
            )
            node = query.filter or node
            if not sort and query.sort and query.sort.strip().lstrip("+-") == "relevance":
                sort = None  # a view ranked for reading: exported in creation order instead
            else:
                sort = query.sort
        now = utcnow()  # the moment the filter is read at, checked as streamed
        selection = service.Selection(node, sort, limit, now)
        service.check(session, principal.tenant_id, selection, format)
        service.record_audit(session, principal, format, node, items)
    name = writers.filename(format, now)
    return writers.attachment(
        service.stream(db, principal.tenant_id, format, selection),
        writers.MEDIA_TYPES[format],
        name,
    )
