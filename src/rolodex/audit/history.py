"""A customer's profile as it was at a past moment, rebuilt from its audit entries."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from rolodex.activities import repository as activities
from rolodex.audit import repository
from rolodex.audit.service import FULL_SNAPSHOT_ACTIONS
from rolodex.customers.schemas import CustomerOut
from rolodex.errors import Conflict, NotFound
from rolodex.kit.time import as_utc

# Erased values are blank (None); these fields are collections in the API.
_EMPTY: dict[str, Any] = {"tags": [], "addresses": [], "sources": [], "attributes": {}}


def replay(entries: list[Any]) -> tuple[dict[str, Any] | None, datetime | None]:
    """The state after ``entries`` (in seq order), from the latest full snapshot on."""
    state: dict[str, Any] | None = None
    last_at: datetime | None = None
    for entry in entries:
        if entry.action in FULL_SNAPSHOT_ACTIONS and entry.after is not None:
            state = dict(entry.after)
        elif state is not None and entry.after:
            state.update(entry.after)
        else:
            continue
        last_at = as_utc(entry.at)
    return state, last_at


def customer_as_of(
    session: Session,
    tenant_id: uuid.UUID,
    customer_id: uuid.UUID,
    at: datetime,
    *,
    include_deleted: bool = False,
) -> CustomerOut:
    at = as_utc(at)
    state, last_at = replay(repository.customer_entries_until(session, tenant_id, customer_id, at))
    if state is None or last_at is None:
        raise NotFound(f"no recorded history of customer {customer_id} at {at.isoformat()}")
    if state.get("deleted_at") and not include_deleted:
        raise NotFound(f"customer {customer_id} was deleted at {at.isoformat()}")
    for name, empty in _EMPTY.items():
        if state.get(name) is None:
            state[name] = empty
    state["updated_at"] = last_at.isoformat()
    active = activities.last_active_until(session, tenant_id, customer_id, at)
    recorded = state.get("last_active_at")
    if active is not None and (recorded is None or datetime.fromisoformat(recorded) < active):
        state["last_active_at"] = active.isoformat()
    try:
        return CustomerOut.model_validate(state)
    except ValidationError as exc:
        raise Conflict(
            f"the recorded history of customer {customer_id} cannot be rebuilt at that time",
            details={"errors": exc.error_count()},
        ) from exc
