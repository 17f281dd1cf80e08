"""The filter language of lists, saved views, segments and exports: a small tree of
conditions, written as JSON or as a query string, checked here without a database.

JSON: a condition ``{"field": "stage", "op": "in", "value": ["lead_qualified"]}``, or
``{"and": [...]}``, ``{"or": [...]}``, ``{"not": {...}}``.

Query string (see ``parse_expression``): ``stage:lead_qualified status:vip tag:spring-2025
attr.loyalty_tier=gold attr.score>=5 ltv>=100 last_active>=-30d -tag:spam john smith``:
terms are ANDed, ``-`` negates a term, ``field:a,b`` means any of, and bare words are a text
search; OR, AND, NOT and parentheses are refused (a 422 saying what to write). Relative
times (``-30d``, ``-12h``, ``-2w``, ``now``) stay relative, so a saved segment "active in the
last 30 days" moves with time.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from rolodex.errors import field_error
from rolodex.kit.phones import is_region
from rolodex.kit.time import OUT_OF_RANGE, as_utc
from rolodex.models.customers import SOURCES, STAGES, STATUSES, TYPES

MAX_CONDITIONS = 50
MAX_DEPTH = 6
MAX_VALUES = 100
MAX_TEXT = 200
ATTR_KEY = re.compile(r"[A-Za-z0-9_\-]{1,64}")
SEGMENT_KEY = re.compile(r"[a-z0-9][a-z0-9_\-]{0,99}")
RELATIVE = re.compile(r"(?:now)?\s*-\s*(\d{1,5})\s*([hdwmy])|now|today", re.IGNORECASE)
MAX_PAST = 1000 * 365 * 86400
_UNITS = {"h": 3600, "d": 86400, "w": 7 * 86400, "m": 30 * 86400, "y": 365 * 86400}

SET_OPS = frozenset({"eq", "ne", "in", "nin"})
RANGE_OPS = frozenset({"eq", "ne", "gt", "gte", "lt", "lte"})
TIME_OPS = frozenset({"gt", "gte", "lt", "lte", "exists"})


@dataclass(frozen=True, slots=True)
class Field:
    kind: str
    ops: frozenset[str]
    values: tuple[str, ...] = ()


FIELDS: dict[str, Field] = {
    "stage": Field("enum", SET_OPS, STAGES),
    "status": Field("enum", SET_OPS, STATUSES),
    "type": Field("enum", SET_OPS, TYPES),
    "source": Field("enum", SET_OPS, SOURCES),
    "country": Field("country", SET_OPS),
    "tags": Field("tags", frozenset({"any", "all", "none"})),
    "campaign": Field("text", SET_OPS | {"exists"}),
    "utm_source": Field("text", SET_OPS | {"exists"}),
    "utm_medium": Field("text", SET_OPS | {"exists"}),
    "acquisition_source": Field("text", SET_OPS | {"exists"}),
    "company": Field("text", SET_OPS | {"exists", "prefix"}),
    "email": Field("text", SET_OPS | {"exists", "prefix"}),
    "phone": Field("text", frozenset({"exists"})),
    "created_at": Field("datetime", TIME_OPS - {"exists"}),
    "updated_at": Field("datetime", TIME_OPS - {"exists"}),
    "last_active_at": Field("datetime", TIME_OPS),
    "first_order_at": Field("datetime", TIME_OPS),
    "last_order_at": Field("datetime", TIME_OPS),
    "ltv": Field("money", RANGE_OPS),
    "order_count": Field("int", RANGE_OPS),
    "days_since_last_order": Field("int", RANGE_OPS),
    "email_consent": Field("bool", frozenset({"eq"})),
    "sms_consent": Field("bool", frozenset({"eq"})),
    "segment": Field("segment", frozenset({"in", "nin"})),
    "id": Field("uuid", SET_OPS),
    # the customers of an import (by its id): those it created, updated or found unchanged;
    # its own, not its source's
    "import": Field("import", SET_OPS),
    "q": Field("q", frozenset({"match"})),
    "deleted": Field("deleted", frozenset({"eq"}), ("exclude", "include", "only")),
}
ATTR_OPS = frozenset({"eq", "ne", "in", "nin", "gt", "gte", "lt", "lte", "exists"})
ALIASES = {
    "tag": ("tags", "any"),
    "tag_all": ("tags", "all"),
    "tag_none": ("tags", "none"),
    "lifecycle_stage": ("stage", None),
    "customer_type": ("type", None),
    "created": ("created_at", None),
    "updated": ("updated_at", None),
    "last_active": ("last_active_at", None),
    "last_order": ("last_order_at", None),
    "first_order": ("first_order_at", None),
    "orders": ("order_count", None),
    "days_since_order": ("days_since_last_order", None),
    "utm_campaign": ("campaign", None),
    "segments": ("segment", None),
}


@dataclass(frozen=True, slots=True)
class Cond:
    field: str
    op: str
    value: Any


@dataclass(frozen=True, slots=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Not:
    item: Node


Node = Cond | And | Or | Not
TRUE = And(())


@dataclass(frozen=True, slots=True)
class Relative:
    """A time relative to the moment the filter runs: ``now - seconds``."""

    seconds: int
    text: str

    def at(self, now: datetime) -> datetime:
        if self.text == "today":
            return now.replace(hour=0, minute=0, second=0, microsecond=0)
        return now - timedelta(seconds=self.seconds)


# ---- values ----------------------------------------------------------------------------------


def _text(where: str, v: Any) -> str:
    if isinstance(v, bool) or not isinstance(v, str | int | float | Decimal):
        raise field_error(where, "expected a text value")
    s = str(v).strip()
    if not s or len(s) > MAX_TEXT:
        raise field_error(where, f"expected 1 to {MAX_TEXT} characters")
    return s


def _list(where: str, v: Any, op: str) -> list[Any]:
    items = v if isinstance(v, list) else [v]
    if op in ("eq", "ne") and len(items) != 1:
        raise field_error(where, f"{op} takes one value")
    if not items or len(items) > MAX_VALUES:
        raise field_error(where, f"expected 1 to {MAX_VALUES} values")
    return items


def parse_time(where: str, v: Any) -> datetime | Relative:
    s = _text(where, v)
    m = RELATIVE.fullmatch(s)
    if m:
        if s.lower() == "today":
            return Relative(0, "today")
        n, unit = m.group(1), m.group(2)
        seconds = int(n) * _UNITS[unit.lower()] if n else 0
        if seconds > MAX_PAST:
            raise field_error(where, "at most 1000 years back")
        return Relative(seconds, s.lower().replace(" ", ""))
    try:
        if len(s) == 10:
            d = date.fromisoformat(s)
            return datetime(d.year, d.month, d.day, tzinfo=UTC)
        parsed = datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError as exc:
        raise field_error(where, "expected an ISO date, a datetime or e.g. -30d") from exc
    try:
        return as_utc(parsed)
    except OverflowError as exc:
        raise field_error(where, OUT_OF_RANGE) from exc


def _number(where: str, v: Any, kind: str) -> Decimal | int:
    if isinstance(v, bool):
        raise field_error(where, "expected a number")
    try:
        d = Decimal(str(v).strip())
    except (InvalidOperation, ValueError) as exc:
        raise field_error(where, "expected a number") from exc
    if not d.is_finite() or abs(d) > Decimal(10) ** 10:
        raise field_error(where, "number out of range")
    if kind == "int":
        if d != d.to_integral_value() or d < 0:
            raise field_error(where, "expected a whole number of at least 0")
        return int(d)
    return d.quantize(Decimal("0.01"))


def _bool(where: str, v: Any) -> bool:
    if isinstance(v, bool):
        return v
    s = str(v).strip().lower()
    if s in ("true", "1", "yes"):
        return True
    if s in ("false", "0", "no"):
        return False
    raise field_error(where, "expected true or false")


def attr_scalar(where: str, v: Any) -> str | int | float | bool:
    if isinstance(v, bool | int | float) and not (isinstance(v, float) and v != v):
        if isinstance(v, float) and abs(v) > 1e15:
            raise field_error(where, "number out of range")
        return v
    return _text(where, v)


def _value(where: str, f: Field, op: str, v: Any) -> Any:
    """The checked, canonical value of one condition."""
    kind = f.kind
    if op == "exists":
        return _bool(where, v)
    if kind == "enum":
        items = [_text(where, x).lower() for x in _list(where, v, op)]
        bad = [x for x in items if x not in f.values]
        if bad:
            raise field_error(where, f"unknown value {bad[0]!r}; use one of {', '.join(f.values)}")
        return items
    if kind == "country":
        items = [_text(where, x).upper() for x in _list(where, v, op)]
        if any(len(x) != 2 or not is_region(x) for x in items):
            raise field_error(where, "expected ISO 3166-1 alpha-2 country codes")
        return items
    if kind in ("tags", "text"):
        items = [_text(where, x) for x in _list(where, v, "in" if kind == "tags" else op)]
        return items if kind == "tags" or op in SET_OPS else items[0]
    if kind == "segment":
        items = [_text(where, x) for x in _list(where, v, op)]
        for x in items:
            if not SEGMENT_KEY.fullmatch(x) and not _is_uuid(x):
                raise field_error(where, f"{x!r} is neither a segment id nor a segment key")
        return items
    if kind in ("uuid", "import"):
        items = [_text(where, x) for x in _list(where, v, op)]
        if not all(_is_uuid(x) for x in items):
            raise field_error(where, f"expected {'customer' if kind == 'uuid' else 'import'} ids")
        return [str(uuid.UUID(x)) for x in items]
    if kind == "datetime":
        return parse_time(where, v)
    if kind in ("money", "int"):
        return _number(where, v, kind)
    if kind == "bool":
        return _bool(where, v)
    if kind == "q":
        return _text(where, v)
    if kind == "deleted":
        s = _text(where, v).lower()
        if s not in f.values:
            raise field_error(where, "expected exclude, include or only")
        return s
    raise field_error(where, "unsupported field")  # pragma: no cover


def _is_uuid(s: str) -> bool:
    try:
        uuid.UUID(s)
    except ValueError:
        return False
    return True


def cond(field: str, op: str, value: Any, *, where: str | None = None) -> Cond:
    """A checked condition; errors name ``where`` (the parameter the user sent)."""
    where = where or field
    if field.startswith("attr."):
        key = field[5:]
        if not ATTR_KEY.fullmatch(key):
            raise field_error(where, "attribute names are 1 to 64 letters, digits, - or _")
        if op not in ATTR_OPS:
            raise field_error(where, f"unknown operator {op!r} for an attribute")
        if op == "exists":
            return Cond(field, op, _bool(where, value))
        if op in ("in", "nin"):
            return Cond(field, op, [attr_scalar(where, x) for x in _list(where, value, op)])
        return Cond(field, op, attr_scalar(where, value))
    f = FIELDS.get(field)
    if f is None:
        raise field_error(where, f"unknown filter field {field!r}")
    if op not in f.ops:
        raise field_error(where, f"{field} does not take {op!r}; use {', '.join(sorted(f.ops))}")
    return Cond(field, op, _value(where, f, op, value))


# ---- JSON ------------------------------------------------------------------------------------


def from_json(obj: Any, where: str = "filter") -> Node:
    count = [0]
    node = _from_json(obj, where, 0, count)
    _check_deleted(node, where)
    return node


def _from_json(obj: Any, where: str, depth: int, count: list[int]) -> Node:
    if depth > MAX_DEPTH:
        raise field_error(where, f"nested more than {MAX_DEPTH} levels")
    if not isinstance(obj, dict):
        raise field_error(where, "expected an object")
    if len(obj) == 1 and ("and" in obj or "or" in obj):
        key = next(iter(obj))
        items = obj[key]
        if not isinstance(items, list) or len(items) > MAX_CONDITIONS:
            raise field_error(where, f"{key} takes a list of at most {MAX_CONDITIONS} filters")
        nodes = tuple(_from_json(i, where, depth + 1, count) for i in items)
        return And(nodes) if key == "and" else Or(nodes)
    if len(obj) == 1 and "not" in obj:
        return Not(_from_json(obj["not"], where, depth + 1, count))
    if set(obj) - {"field", "op", "value"} or not isinstance(obj.get("field"), str):
        raise field_error(where, 'expected {"field", "op", "value"}, "and", "or" or "not"')
    count[0] += 1
    if count[0] > MAX_CONDITIONS:
        raise field_error(where, f"at most {MAX_CONDITIONS} conditions")
    field, op = _alias(obj["field"], obj.get("op"), where)
    return cond(field, op, obj.get("value"), where=f"{where}.{field}")


def _alias(name: str, op: Any, where: str) -> tuple[str, str]:
    if not isinstance(op, str | None):
        raise field_error(where, "op must be a string")
    if name in ALIASES:
        name, implied = ALIASES[name]
        op = op or implied
    if op is None:
        spec = FIELDS.get(name)
        op = "any" if spec and spec.kind == "tags" else "in" if spec and "in" in spec.ops else "eq"
    return name, op


def to_json(node: Node) -> dict[str, Any]:
    if isinstance(node, And):
        return {"and": [to_json(n) for n in node.items]}
    if isinstance(node, Or):
        return {"or": [to_json(n) for n in node.items]}
    if isinstance(node, Not):
        return {"not": to_json(node.item)}
    value = node.value
    if isinstance(value, Relative):
        value = value.text
    elif isinstance(value, datetime):
        value = value.isoformat()
    elif isinstance(value, Decimal):
        value = str(value)
    return {"field": node.field, "op": node.op, "value": value}


def _check_deleted(node: Node, where: str) -> None:
    """``deleted`` is a switch for the whole filter: only at the top level."""
    top = node.items if isinstance(node, And) else (node,)
    for n in walk(node):
        if isinstance(n, Cond) and n.field == "deleted" and n not in top:
            raise field_error(where, "deleted can only be used at the top level")


def walk(node: Node) -> list[Node]:
    out: list[Node] = [node]
    if isinstance(node, And | Or):
        for n in node.items:
            out += walk(n)
    elif isinstance(node, Not):
        out += walk(node.item)
    return out


def conditions(node: Node | None, field: str) -> list[Cond]:
    if node is None:
        return []
    return [n for n in walk(node) if isinstance(n, Cond) and n.field == field]


def join(*nodes: Node | None) -> Node:
    """AND of the given filters (None and empty ones dropped), flattened one level."""
    items: list[Node] = []
    for n in nodes:
        if n is None:
            continue
        items.extend(n.items if isinstance(n, And) else (n,))
    return items[0] if len(items) == 1 else And(tuple(items))


# ---- the query-string grammar ----------------------------------------------------------------

_TERM = re.compile(
    r'\s*(-?)(?:([A-Za-z_][A-Za-z0-9_.\-]*)(:|!=|>=|<=|=|>|<))?("(?:[^"\\]|\\.)*"|\S+)'
)
_OPS = {":": None, "=": "eq", "!=": "ne", ">": "gt", ">=": "gte", "<": "lt", "<=": "lte"}


def parse_expression(text: str, where: str = "filter") -> Node:
    """``stage:customer,lead_qualified -tag:spam attr.score>=5 ltv>100 john`` → a filter."""
    if len(text) > 2000:
        raise field_error(where, "at most 2000 characters")
    nodes: list[Node] = []
    words: list[str] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _TERM.match(text, pos)
        if m is None:  # pragma: no cover - the pattern matches any non-space run
            break
        pos = m.end()
        neg, name, opsym, raw = m.groups()
        value = _unquote(raw)
        if name is None or not raw.startswith('"'):  # ltv>= reads as ltv > "="
            _not_a_bare_condition((name or "") + (opsym or "") + raw, where)
        if name is None and not raw.startswith('"'):
            _not_an_operator(raw, where)
        if name is None:
            words.append(("-" if neg else "") + value)
            continue
        node = _term(name, opsym, value, where)
        nodes.append(Not(node) if neg else node)
        if len(nodes) > MAX_CONDITIONS:
            raise field_error(where, f"at most {MAX_CONDITIONS} conditions")
    if words:
        nodes.append(cond("q", "match", " ".join(words)[:MAX_TEXT], where=where))
    node = join(*nodes) if nodes else TRUE
    _check_deleted(node, where)
    return node


_BARE = re.compile(r"([A-Za-z_][A-Za-z0-9_.\-]*)(:|!=|>=|<=|=|>|<)")


def _not_a_bare_condition(raw: str, where: str) -> None:
    """``stage:`` or ``ltv>`` with nothing after it is a condition left unfinished, not words
    to search for: searched, it matched no one, and an export of it was silently empty."""
    m = _BARE.fullmatch(raw)
    if m is None:
        return
    name, opsym = m.groups()
    if _is_field_name(name):
        raise field_error(f"{where}.{name}", f"{name}{opsym} needs a value after {opsym!r}")


_GROUP = 'its terms are all ANDed; group them in its JSON form ({"or": [...]}, {"not": ...})'
_OPERATORS = {
    "OR": "its terms are all ANDed; write either of several values as stage:customer,churned, "
    'or either of two conditions in its JSON form ({"or": [...]})',
    "AND": "its terms are all ANDed already; leave AND out",
    "NOT": "negate a term with -, as -tag:spam",
}
_OPERATORS["||"], _OPERATORS["&&"] = _OPERATORS["OR"], _OPERATORS["AND"]


def _not_an_operator(raw: str, where: str) -> None:
    """OR, AND, NOT or a parenthesis were words searched for: ``tag:vip OR tag:gold`` matched
    those with both tags and a word starting "or", silently. Quoted ("OR"), a word is."""
    if raw in _OPERATORS:
        raise field_error(where, f"the filter language has no {raw}: {_OPERATORS[raw]}")
    inner = raw.lstrip("(")
    m = _BARE.match(inner.lstrip("-"))
    if inner != raw and m is not None and _is_field_name(m.group(1)):
        raise field_error(where, "the filter language has no parentheses: " + _GROUP)


def _is_field_name(name: str) -> bool:
    return name in ALIASES or name in FIELDS or name.startswith("attr.")


def _unquote(raw: str) -> str:
    if len(raw) >= 2 and raw[0] == raw[-1] == '"':
        return re.sub(r"\\(.)", r"\1", raw[1:-1])
    return raw


def _term(name: str, opsym: str, value: str, where: str) -> Node:
    op = _OPS[opsym]
    field, implied = ALIASES.get(name, (name, None))
    spec = FIELDS.get(field)
    if op is None:  # field:value[,value] — any of
        op = implied or (
            "any"
            if spec and spec.kind == "tags"
            else "in"
            if (spec and "in" in spec.ops) or field.startswith("attr.")
            else "eq"
        )
        values: Any = (
            [v for v in value.split(",") if v] if op in ("in", "any", "all", "none") else value
        )
    elif op in ("eq", "ne") and spec is not None and spec.kind == "tags":
        op, values = ("any" if op == "eq" else "none"), [value]
    else:
        if op == "eq" and implied:
            op = implied
        values = (
            [value] if op in ("eq", "ne") and spec and spec.kind in ("enum", "country") else value
        )
    attr_list = field.startswith("attr.") and op in ("in", "nin") and isinstance(values, list)
    if attr_list and len(values) == 1:
        op, values = ("eq" if op == "in" else "ne"), values[0]
    return cond(field, op, values, where=f"{where}.{name}")
