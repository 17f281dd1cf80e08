"""Queries of the bulk audit form (audit/bulk.py)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from rolodex.models import AuditEntry, AuditSubjectKey

_ENTRIES = cast(Table, AuditEntry.__table__)
_KEYS = cast(Table, AuditSubjectKey.__table__)
CHUNK = 900


def with_history(
    session: Session, tenant_id: uuid.UUID, customer_ids: Iterable[uuid.UUID]
) -> set[uuid.UUID]:
    """The customers among ``customer_ids`` that have at least one audit entry."""
    ids = sorted(set(customer_ids), key=str)
    found: set[uuid.UUID] = set()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        found.update(
            session.scalars(
                select(_ENTRIES.c.customer_id)
                .where(_ENTRIES.c.tenant_id == tenant_id, _ENTRIES.c.customer_id.in_(chunk))
                .distinct()
            )
        )
    return found


def insert_keys(session: Session, rows: list[dict[str, Any]]) -> None:
    if rows:
        session.execute(insert(_KEYS), rows)


def insert_entries(session: Session, rows: list[dict[str, Any]]) -> None:
    if rows:
        session.execute(insert(_ENTRIES), rows)
