"""The customer list page: every filter of GET /v1/customers, relevance search that forgives
typos, sortable columns, keyset pages, saved views, export of the current filter.

The page calls the same search service as the API (search.service.list_customers with the
parameters parsed by search.params), so what a person sees is what an API client gets.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from sqlalchemy.orm import Session

from rolodex.auth.roles import Principal
from rolodex.customers import service as customers
from rolodex.errors import RolodexError
from rolodex.models.customers import SOURCES, STAGES, STATUSES, TYPES
from rolodex.search import filters
from rolodex.search import params as search_params
from rolodex.search import service as search
from rolodex.segments import repository as segments
from rolodex.views import service as views

# Query parameters the page keeps from one request to the next (filters, text, sort, view).
KEPT = (
    "q", "stage", "status", "type", "source", "tag", "tag_any", "country", "segment",
    "created_after", "created_before", "last_active_after", "ltv_min", "ltv_max", "sort", "view",
    "import",
)  # fmt: skip
MORE_FILTERS = ("type", "source", "tag_any", "country", "segment", "created_after",
                "created_before", "last_active_after", "ltv_min", "ltv_max")  # fmt: skip
COLUMNS = [
    ("full_name", "Name", "last_name"),
    ("email", "Email", "email"),
    ("lifecycle_stage", "Stage", "lifecycle_stage"),
    ("status", "Status", "status"),
    ("ltv", "LTV", "ltv"),
    ("order_count", "Orders", "order_count"),
    ("created_at", "Created", "created_at"),
]
PAGE_SIZES = (25, 50, 100, 200)


@dataclass
class ListPage:
    items: list[Any] = field(default_factory=list)
    next_cursor: str | None = None
    error: str | None = None
    params: dict[str, str] = field(default_factory=dict)
    view_name: str | None = None
    relevance: bool = False
    orders: dict[uuid.UUID, int] = field(default_factory=dict)


def kept_params(request: Request) -> dict[str, str]:
    """The page's own parameters, first value of each, blanks dropped."""
    out: dict[str, str] = {}
    for name in KEPT:
        value = request.query_params.get(name)
        if value is not None and value.strip():
            out[name] = value.strip()[:2000]
    return out


def link(params: dict[str, str], **changes: str | None) -> str:
    """The list URL with ``changes`` applied (None removes a parameter); cursors never carry."""
    merged = {k: v for k, v in params.items() if k != "cursor"}
    for key, value in changes.items():
        if value is None or value == "":
            merged.pop(key, None)
        else:
            merged[key] = value
    return "/customers" + (f"?{urlencode(merged)}" if merged else "")


def with_text(node: filters.Node | None, q: str | None) -> filters.Node:
    """The filter with the text query as a plain condition (exports, saved views)."""
    text = filters.cond("q", "match", q.strip()[:200], where="q") if q and q.strip() else None
    return filters.join(node, text)


def view_id_of(raw: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(raw) if raw else None
    except ValueError:
        return None


def load(
    session: Session, principal: Principal, request: Request, limit: int, cursor: str | None
) -> ListPage:
    """One page of the list for the request's parameters; a bad filter becomes a message."""
    params = kept_params(request)
    page = ListPage(params=params)
    sort = params.get("sort") or None
    q = params.get("q")
    page.relevance = bool(q) and sort in (None, "relevance")
    try:
        node = search_params.filter_from_params(
            [(k, v) for k, v in request.query_params.multi_items() if k in KEPT]
        )
        query = search.ListQuery(node, q, sort, limit, cursor)
        view_id = view_id_of(params.get("view"))
        if view_id is not None:
            view = views.get_view(session, principal, view_id)
            page.view_name = view.name
            query = views.apply_view(session, principal, view_id, query)
        if search.needs_admin(query.filter):
            raise RolodexError("deleted customers are not listed here")
        result = search.list_customers(session, principal.tenant_id, query)
        page.items = [customers.to_out(c) for c in result.items]
        page.orders = {c.id: c.order_count or 0 for c in result.items}
        page.next_cursor = result.next_cursor
    except RolodexError as exc:
        from rolodex.web.errors import readable

        page.error = readable(exc)
    return page


def choices(session: Session, principal: Principal) -> dict[str, Any]:
    """What the filter form and the views menu offer."""
    return {
        "stages": STAGES,
        "statuses": STATUSES,
        "types": TYPES,
        "sources": SOURCES,
        "segments": segments.all_segments(session, principal.tenant_id),
        "views": views.list_views(session, principal),
        "columns": COLUMNS,
        "page_sizes": PAGE_SIZES,
        "more_filters": MORE_FILTERS,
    }


def filter_json(query_string: str) -> dict[str, Any] | None:
    """A saved view's filter: the list parameters of ``query_string`` in the filter language."""
    from urllib.parse import parse_qsl

    items = [(k, v) for k, v in parse_qsl(query_string) if k in KEPT and k not in ("q", "view")]
    q = dict(parse_qsl(query_string)).get("q")
    node = with_text(search_params.filter_from_params(items), q)
    return None if node == filters.TRUE else filters.to_json(node)


def sort_of(query_string: str) -> str | None:
    from urllib.parse import parse_qsl

    sort = dict(parse_qsl(query_string)).get("sort", "").strip()
    return sort or None
