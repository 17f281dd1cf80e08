"""Sorting by several keys and keyset (cursor) pagination over them.

A cursor is the sort values of the last row served, so a page never repeats or skips a row
when rows are inserted meanwhile. Every sort ends with the primary key to make order total.
"""

from __future__ import annotations

import base64
import math
import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import orjson
from sqlalchemy import BigInteger, ColumnElement, SmallInteger, and_, or_, tuple_
from sqlalchemy.orm import QueryableAttribute

from rolodex.errors import field_error
from rolodex.kit.stored import Stored
from rolodex.kit.time import utc_instant
from rolodex.kit.types import Money, UTCDateTime

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
    if not isinstance(item, list) or len(item) != 2:
        raise ValueError("not a marked value")
    kind, raw = item
    if kind == "dt" and isinstance(raw, str):
        return utc_instant(datetime.fromisoformat(raw))
    if kind == "dec" and isinstance(raw, str):
        value = Decimal(raw)  # a damaged one raises InvalidOperation (an ArithmeticError)
        if not value.is_finite() or abs(value) >= CURSOR_DECIMAL_MAX:
            raise ValueError("not an amount a list holds")
        return value
    if kind == "uuid" and isinstance(raw, str):
        return uuid.UUID(raw)
    if kind == "v" and (raw is None or isinstance(raw, str | int | float | bool)):
        return raw
    raise ValueError("unknown cursor value")


def _expected(key: SortKey) -> type | None:
    """The Python type of ``key``'s values as rows hold them, which encode_cursor marks; None
    for an expression of no known type (a literal column), whose caller checks its values."""
    kind = key.expr.type
    if isinstance(kind, Money):
        return Decimal
    if isinstance(kind, UTCDateTime):
        return datetime
    try:
        python = kind.python_type
    except NotImplementedError:
        return None
    return None if python is object else python


def _integer_bits(key: SortKey) -> int:
    """The width of ``key``'s integer column: a bound beyond it is no row's value (and past
    64 bits the SQLite driver cannot bind it)."""
    kind = key.expr.type
    if isinstance(kind, BigInteger):
        return 64
    return 16 if isinstance(kind, SmallInteger) else 32


def _checked(key: SortKey, value: Any) -> Any:
    """``value`` when ``key``'s column could hold it. A forged one of another type reached
    the database (a string for a time, a NULL in a row comparison) and was a 500. NULL is
    never a cursor value: ``after`` compares with < and >, which no NULL passes, and every
    nullable column is sorted through coalesce()."""
    expected = _expected(key)
    if value is None or (expected is not bool and isinstance(value, bool)):
        raise ValueError(f"no {key.name} value")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{key.name} not finite")
    if expected is None:
        return value
    if expected is float and isinstance(value, int):
        return float(value)
    if not isinstance(value, expected):
        raise ValueError(f"{key.name} is not a {expected.__name__}")
    if isinstance(value, int) and abs(value) >= 2 ** (_integer_bits(key) - 1):
        raise ValueError(f"{key.name} out of its column's range")
    if isinstance(value, str) and "\x00" in value:
        raise ValueError(f"{key.name} holds a NUL, which PostgreSQL text cannot")
    return value


def cursor_text(payload: Any) -> str:
    """A cursor carrying ``payload`` (JSON, base64url without padding)."""
    return base64.urlsafe_b64encode(orjson.dumps(payload)).decode().rstrip("=")


def cursor_payload(cursor: str) -> Any:
    """The JSON a cursor carries; a ValueError if it is not base64url JSON (a character
    outside the alphabet is refused, not skipped). The caller checks its shape: cursors are
    unsigned, anyone can write one."""
    padded = (cursor + "=" * (-len(cursor) % 4)).encode()  # non-ASCII: a ValueError
    return orjson.loads(base64.b64decode(padded, altchars=b"-_", validate=True))


def encode_cursor(keys: list[SortKey], values: list[Any]) -> str:
    payload: dict[str, list[Any]] = {"k": [k.name + ("-" if k.desc else "") for k in keys]}
    payload["v"] = [_encode_value(v) for v in values]
    return cursor_text(payload)


def decode_cursor(cursor: str, keys: list[SortKey]) -> list[Any]:
    """The values in a cursor; a 422 if it is damaged, was made for another sort or holds a
    value its sort column could not (cursors are unsigned: anyone can write one)."""
    try:
        payload = cursor_payload(cursor)
        names = [k.name + ("-" if k.desc else "") for k in keys]
        if payload["k"] != names or len(payload["v"]) != len(keys):
            raise ValueError("sort changed")
        return [
            _checked(k, _decode_value(item)) for k, item in zip(keys, payload["v"], strict=True)
        ]
    except (ValueError, KeyError, TypeError, ArithmeticError, orjson.JSONDecodeError) as exc:
        raise field_error("cursor", "not a cursor from this list and sort") from exc
