"""Generic row plumbing for merges: which tables hang off a customer, exact JSON snapshots.

A merge must move rows of tables it has never heard of (other domains add them), so it works
from ``Base.metadata``: every table with ``tenant_id`` and ``customer_id`` columns is a child
table, except the ones that must stay attached to the original customer id (the audit log
and its keys) and identity's own bookkeeping (which names customers differently anyway).
"""

from __future__ import annotations

import base64
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Column, Index, Table, UniqueConstraint, select
from sqlalchemy.orm import Session

from rolodex.models import Base

# Tables whose rows keep pointing at the customer they were written for.
STAY_PREFIXES = ("audit_", "identity_")
STAY_TABLES = frozenset({"audit_log", "duplicate_candidates", "dismissed_pairs"})


def child_tables() -> list[Table]:
    """Every table whose rows belong to one customer and move with it on a merge."""
    out = []
    for table in Base.metadata.sorted_tables:
        if table.name in STAY_TABLES or table.name.startswith(STAY_PREFIXES):
            continue
        if "tenant_id" in table.c and "customer_id" in table.c:
            out.append(table)
    return out


def pk_columns(table: Table) -> list[Column[Any]]:
    """Primary-key columns other than tenant_id and customer_id (those are implied)."""
    return [c for c in table.primary_key.columns if c.name not in ("tenant_id", "customer_id")]


def unique_keys(table: Table, dialect: str) -> list[tuple[list[str], Any]]:
    """Unique keys and unique indexes that include customer_id, as (their other columns, the
    index's WHERE clause or None): a row cannot move to a customer that already has a row
    with equal values in those columns (and, for a partial index, both rows meet WHERE)."""
    candidates: list[tuple[list[Column[Any]], Any]] = [(list(table.primary_key.columns), None)]
    for index in table.indexes:
        if isinstance(index, Index) and index.unique:
            candidates.append((list(index.columns), _where(index, dialect)))
    for constraint in table.constraints:
        if isinstance(constraint, UniqueConstraint):
            candidates.append((list(constraint.columns), None))
    keys = []
    for cols, where in candidates:
        names = [c.name for c in cols]
        if "customer_id" in names:
            keys.append(([n for n in names if n not in ("tenant_id", "customer_id")], where))
    return keys


def _where(index: Index, dialect: str) -> Any:
    options = index.dialect_options.get(dialect)
    return options.get("where") if options is not None else None


def owner_change(table: Table, values: dict[str, Any]) -> dict[str, Any]:
    """``values`` plus every column with an ``onupdate`` default set to itself: moving a row to
    another customer is not an edit of it, and undo must find it exactly as it was."""
    keep = {c.name: c for c in table.c if c.onupdate is not None and c.name not in values}
    return {**values, **keep}


def encode(value: Any) -> Any:
    """A JSON-ready form that ``decode`` turns back into the same Python value."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return {"$f": repr(value)}
    if isinstance(value, uuid.UUID):
        return {"$uuid": str(value)}
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$dec": str(value)}
    if isinstance(value, bytes):
        return {"$b64": base64.b64encode(value).decode()}
    if isinstance(value, dict | list):
        return {"$json": value}
    return {"$str": str(value)}


def decode(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    ((tag, raw),) = value.items()
    if tag == "$f":
        return float(raw)
    if tag == "$uuid":
        return uuid.UUID(raw)
    if tag == "$dt":
        return datetime.fromisoformat(raw)
    if tag == "$date":
        return date.fromisoformat(raw)
    if tag == "$dec":
        return Decimal(raw)
    if tag == "$b64":
        return base64.b64decode(raw)
    if tag == "$json":
        return raw
    return raw


def encode_row(row: dict[str, Any]) -> dict[str, Any]:
    return {k: encode(v) for k, v in row.items()}


def decode_row(row: dict[str, Any]) -> dict[str, Any]:
    return {k: decode(v) for k, v in row.items()}


def snapshot_row(
    session: Session, table: Table, tenant_id: uuid.UUID, row_id: uuid.UUID
) -> dict[str, Any]:
    """Every column of one row (by tenant_id, id), as stored."""
    found = (
        session.execute(select(table).where(table.c.tenant_id == tenant_id, table.c.id == row_id))
        .mappings()
        .first()
    )
    if found is None:
        raise LookupError(f"no {table.name} row {row_id}")
    return dict(found)


def customers_table() -> Table:
    return Base.metadata.tables["customers"]
