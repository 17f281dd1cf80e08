"""Queries of the bulk audit form (audit/bulk.py)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from typing import Any, cast

import orjson
from sqlalchemy import Table, Text, bindparam, insert, select
from sqlalchemy import cast as sql_cast
from sqlalchemy.dialects.postgresql import JSONB
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


_JSON_COLUMNS = ("meta", "before", "after", "sealed")


def _json_text(value: Any) -> str:
    try:
        return orjson.dumps(value).decode()
    except TypeError:  # an integer past 64 bits: the standard library writes it exactly
        return json.dumps(value)


def insert_entries(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert entries; their JSON columns are bound as text written by orjson (many times
    faster than the JSON type's json.dumps for these large documents; the same values)."""
    if not rows:
        return
    postgres = session.get_bind().dialect.name == "postgresql"
    values: dict[str, Any] = {}
    for name in _JSON_COLUMNS:
        param = bindparam(f"_j_{name}", type_=Text())
        values[name] = sql_cast(param, JSONB) if postgres else param
    stmt = insert(_ENTRIES).values(values)
    params = []
    for row in rows:
        item = {k: v for k, v in row.items() if k not in _JSON_COLUMNS}
        for name in _JSON_COLUMNS:
            item[f"_j_{name}"] = _json_text(row[name])
        params.append(item)
    session.execute(stmt, params)
