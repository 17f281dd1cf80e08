"""Saved view use cases. Takes the session first, never commits."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from rolodex.auth.roles import Permission, Principal
from rolodex.customers import repository as customers
from rolodex.customers.schemas import CustomerOut
from rolodex.errors import Forbidden, NotFound, field_error
from rolodex.kit.ids import new_id
from rolodex.kit.time import utcnow
from rolodex.models import SavedView
from rolodex.search import filters
from rolodex.search.params import canonical_filter
from rolodex.search.service import ListQuery
from rolodex.views import repository
from rolodex.views.schemas import ViewIn, ViewOut, ViewUpdate

COLUMNS = frozenset(CustomerOut.model_fields) | frozenset(customers.SORTABLE)


def check_sort(sort: str | None) -> str | None:
    if not sort or not sort.strip():
        return None
    if sort.strip().lstrip("+-") != "relevance":
        customers.sort_keys(sort)
    return sort.strip()


def _check_columns(columns: list[str]) -> list[str]:
    unknown = [c for c in columns if c not in COLUMNS]
    if unknown:
        raise field_error("columns", f"unknown column {unknown[0]!r}")
    return list(dict.fromkeys(columns))


def _owns(view: SavedView, principal: Principal) -> bool:
    return view.owner_type == principal.actor_type and view.owner_id == principal.actor_id


def create_view(session: Session, principal: Principal, data: ViewIn) -> SavedView:
    view = SavedView(
        tenant_id=principal.tenant_id,
        id=new_id(),
        name=data.name,
        filter=canonical_filter(data.filter),
        sort=check_sort(data.sort),
        columns=_check_columns(data.columns),
        shared=data.shared,
        owner_type=principal.actor_type,
        owner_id=principal.actor_id,
    )
    session.add(view)
    session.flush()
    return view


def list_views(session: Session, principal: Principal) -> list[SavedView]:
    return repository.visible(
        session, principal.tenant_id, principal.actor_type, principal.actor_id
    )


def get_view(session: Session, principal: Principal, view_id: uuid.UUID) -> SavedView:
    """A view the caller may see: their own, or a shared one."""
    view = repository.get(session, principal.tenant_id, view_id)
    if view is None or not (view.shared or _owns(view, principal)):
        raise NotFound(f"no view {view_id}")
    return view


def _editable(session: Session, principal: Principal, view_id: uuid.UUID) -> SavedView:
    view = get_view(session, principal, view_id)
    if not _owns(view, principal) and not principal.can(Permission.ADMIN):
        raise Forbidden("only its owner or an admin can change a shared view")
    return view


def update_view(
    session: Session, principal: Principal, view_id: uuid.UUID, data: ViewUpdate
) -> SavedView:
    view = _editable(session, principal, view_id)
    sent = data.model_fields_set
    if "name" in sent:
        if data.name is None:
            raise field_error("name", "cannot be null")
        view.name = data.name
    if "filter" in sent:
        view.filter = canonical_filter(data.filter)
    if "sort" in sent:
        view.sort = check_sort(data.sort)
    if "columns" in sent:
        view.columns = _check_columns(data.columns or [])
    if "shared" in sent:
        if data.shared is None:
            raise field_error("shared", "cannot be null")
        view.shared = data.shared
    view.updated_at = utcnow()
    session.flush()
    return view


def delete_view(session: Session, principal: Principal, view_id: uuid.UUID) -> None:
    session.delete(_editable(session, principal, view_id))
    session.flush()


def apply_view(
    session: Session, principal: Principal, view_id: uuid.UUID, query: ListQuery
) -> ListQuery:
    """The list query with the view's filter added and its sort unless one was given."""
    view = get_view(session, principal, view_id)
    node = filters.from_json(view.filter, "view") if view.filter else None
    query.filter = filters.join(query.filter, node)
    if not query.sort and view.sort:
        query.sort = view.sort
    return query


def to_out(view: SavedView, principal: Principal) -> ViewOut:
    return ViewOut(
        id=view.id,
        name=view.name,
        filter=view.filter,
        sort=view.sort,
        columns=list(view.columns or []),
        shared=view.shared,
        owner_type=view.owner_type,
        owner_id=view.owner_id,
        mine=_owns(view, principal),
        created_at=view.created_at,
        updated_at=view.updated_at,
    )
