"""One page of any select in keyset order: the rows and the cursor of the next page."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session

from rolodex.kit import pagination


def page(
    session: Session,
    stmt: Select[Any],
    keys: list[pagination.SortKey],
    cursor: str | None,
    limit: int,
) -> tuple[list[Any], str | None]:
    """``stmt`` selects one entity; ``keys`` come from ``pagination.parse_sort``."""
    if cursor:
        stmt = stmt.where(pagination.after(keys, pagination.decode_cursor(cursor, keys)))
    cols = [k.expr.label(f"_k{i}") for i, k in enumerate(keys)]
    rows = session.execute(
        stmt.add_columns(*cols).order_by(*pagination.order_by(keys)).limit(limit + 1)
    ).all()
    items = [row[0] for row in rows[:limit]]
    if len(rows) <= limit:
        return items, None
    return items, pagination.encode_cursor(keys, list(rows[limit - 1][1:]))
