"""Sorting by several keys and keyset (cursor) pagination over them.

A cursor is the sort values of the last row served, so a page never repeats or skips a row
when rows are inserted meanwhile. Every sort ends with the primary key to make order total.
"""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import orjson
from sqlalchemy import ColumnElement, and_, or_, tuple_
from sqlalchemy.orm import QueryableAttribute

from rolodex.errors import field_error
from rolodex.kit.stored import Stored
from rolodex.kit.time import utc_instant

Sortable = ColumnElement[Any] | QueryableAttribute[Any]


@dataclass(frozen=True, slots=True)
class SortKey:
    name: str
    expr: Sortable
    desc: bool


def parse_sort(
    spec: str | None,
    allowed: dict[str, Sortable],
    tiebreak: Sortable,
    default: str = "-created_at",
) -> list[SortKey]:
    """``-ltv,created_at`` → sort keys; unknown names are a 422 naming the allowed ones."""
    keys: list[SortKey] = []
    seen: set[str] = set()
    for part in (spec or default).split(","):
        part = part.strip()
        if not part:
            continue
        desc = part.startswith("-")
        name = part.lstrip("+-")
        if name not in allowed:
            raise field_error("sort", f"cannot sort by {name!r}; use one of {', '.join(allowed)}")
        if name in seen:
            continue
        seen.add(name)
        keys.append(SortKey(name, allowed[name], desc))
    if not keys:
        raise field_error("sort", "empty sort")
    keys.append(SortKey("id", tiebreak, keys[-1].desc))
    return keys


def order_by(keys: list[SortKey]) -> list[ColumnElement[Any]]:
    return [k.expr.desc() if k.desc else k.expr.asc() for k in keys]


def after(keys: list[SortKey], values: list[Any]) -> ColumnElement[bool]:
    """Rows strictly after ``values`` in the order of ``keys``.

    Keys all one way (every sort but a mixed one such as ``-ltv,created_at``): one row-value
    comparison, ``(ltv, id) < (:v, :id)``, which both engines take as the start of an index
    scan. Written out as ``ltv < :v OR (ltv = :v AND id < :id)`` it bounds no scan: a page
    read every row before it again (page 4,000 of 50 at 300,000 customers: 105 ms on
    PostgreSQL, 77 ms on SQLite, against 0.1 ms). Mixed directions have no row comparison:
    the lexicographic expansion, bounded by the first key. SQLite takes no row comparison
    on an expression index (the keys of last activity and last order): the first key bounds
    those too."""
    first = keys[0].expr <= values[0] if keys[0].desc else keys[0].expr >= values[0]
    if len({k.desc for k in keys}) == 1:
        row = tuple_(*(k.expr for k in keys))
        given = tuple(values)
        compared = row < given if keys[0].desc else row > given
        # On a column SQLite would take the first key alone instead of the whole row.
        return and_(first, compared) if isinstance(keys[0].expr, Stored) else compared
    clauses = []
    for i, key in enumerate(keys):
        equal = [keys[j].expr == values[j] for j in range(i)]
        step = key.expr < values[i] if key.desc else key.expr > values[i]
        clauses.append(and_(*equal, step))
    return and_(first, or_(*clauses))


def _encode_value(v: Any) -> list[Any]:
    if isinstance(v, datetime):
        return ["dt", v.isoformat()]
    if isinstance(v, Decimal):
        return ["dec", str(v)]
    if isinstance(v, uuid.UUID):
        return ["uuid", str(v)]
    return ["v", v]


# Amounts in cursors are money: well below this, which any column's binding can take.
CURSOR_DECIMAL_MAX = Decimal(10) ** 15


def _decode_value(item: Any) -> Any:
    kind, raw = item
    if kind == "dt":
        return utc_instant(datetime.fromisoformat(raw))
    if kind == "dec":
        value = Decimal(raw)  # a damaged one raises InvalidOperation (an ArithmeticError)
        if not value.is_finite() or abs(value) >= CURSOR_DECIMAL_MAX:
            raise ValueError("not an amount a list holds")
        return value
    if kind == "uuid":
        return uuid.UUID(raw)
    if kind == "v" and (raw is None or isinstance(raw, str | int | float | bool)):
        return raw
    raise ValueError("unknown cursor value")


def encode_cursor(keys: list[SortKey], values: list[Any]) -> str:
    payload: dict[str, list[Any]] = {"k": [k.name + ("-" if k.desc else "") for k in keys]}
    payload["v"] = [_encode_value(v) for v in values]
    return base64.urlsafe_b64encode(orjson.dumps(payload)).decode().rstrip("=")


def decode_cursor(cursor: str, keys: list[SortKey]) -> list[Any]:
    """The values in a cursor; a 422 if it is damaged or was made for another sort."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        payload = orjson.loads(base64.urlsafe_b64decode(padded.encode()))
        names = [k.name + ("-" if k.desc else "") for k in keys]
        if payload["k"] != names or len(payload["v"]) != len(keys):
            raise ValueError("sort changed")
        return [_decode_value(item) for item in payload["v"]]
    except (ValueError, KeyError, TypeError, ArithmeticError, orjson.JSONDecodeError) as exc:
        raise field_error("cursor", "not a cursor from this list and sort") from exc
