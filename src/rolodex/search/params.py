"""List query parameters (SPEC §9 and more) turned into the filter language, without I/O.

``attr.<name>`` parameters compare custom attributes: ``attr.loyalty_tier=gold``,
``attr.tier=gold,silver`` (any of), ``attr.score>=5``, ``attr.score<=9``, ``attr.score>5``,
``attr.score!=3`` (in a URL the ``=`` after ``>`` or ``<`` is what separates the value).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import orjson

from rolodex.errors import field_error
from rolodex.search import filters
from rolodex.search.filters import Node

# parameter → (field, op, takes a comma-separated list)
SIMPLE: dict[str, tuple[str, str, bool]] = {
    "stage": ("stage", "in", True),
    "status": ("status", "in", True),
    "type": ("type", "in", True),
    "source": ("source", "in", True),
    "country": ("country", "in", True),
    "campaign": ("campaign", "in", True),
    "tag_any": ("tags", "any", True),
    "tag_none": ("tags", "none", True),
    "segment": ("segment", "in", True),
    "segment_none": ("segment", "nin", True),
    "ltv_min": ("ltv", "gte", False),
    "ltv_max": ("ltv", "lte", False),
    "orders_min": ("order_count", "gte", False),
    "orders_max": ("order_count", "lte", False),
    "days_since_last_order_min": ("days_since_last_order", "gte", False),
    "days_since_last_order_max": ("days_since_last_order", "lte", False),
    "created_after": ("created_at", "gte", False),
    "created_before": ("created_at", "lt", False),
    "last_active_after": ("last_active_at", "gte", False),
    "last_active_before": ("last_active_at", "lt", False),
    "last_order_after": ("last_order_at", "gte", False),
    "last_order_before": ("last_order_at", "lt", False),
    "email_consent": ("email_consent", "eq", False),
    "sms_consent": ("sms_consent", "eq", False),
    "deleted": ("deleted", "eq", False),
    "import": ("import", "in", True),
}
# Filter parameters read besides SIMPLE and ``attr.<name>``.
OTHER_FILTERS = ("tag", "tag_all", "include_deleted", "filter")
_ATTR = re.compile(r"attr\.([^<>!=]*)(>|<|!)?(.*)", re.DOTALL)


def _csv(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def parse_filter_param(value: str, where: str = "filter") -> Node:
    """``filter=``: JSON (starting with ``{``) or the query-string grammar."""
    text = value.strip()
    if text.startswith("{"):
        try:
            obj = orjson.loads(text)
        except orjson.JSONDecodeError as exc:
            raise field_error(where, "not valid JSON") from exc
        return filters.from_json(obj, where)
    return filters.parse_expression(text, where)


def canonical_filter(value: dict[str, Any] | str | None) -> dict[str, Any] | None:
    """The stored form of a filter (JSON of the filter language); a 422 if it is not one."""
    if value is None:
        return None
    node = (
        filters.from_json(value, "filter")
        if isinstance(value, dict)
        else parse_filter_param(value, "filter")
    )
    return filters.to_json(node)


def _attr_param(key: str, value: str) -> Node:
    m = _ATTR.fullmatch(key)
    if m is None:  # pragma: no cover - the pattern matches any attr.* key
        raise field_error(key, "not an attribute filter")
    name, sym, rest = m.groups()
    if rest:  # no "=" in the pair: the value was in the key ("attr.score>5")
        op = {">": "gt", "<": "lt"}.get(sym or "")
        if op is None or value:
            raise field_error(key, "write attr.name=value, >=, <=, >, < or !=")
        return filters.cond(f"attr.{name}", op, rest, where=key)
    op = {">": "gte", "<": "lte", "!": "ne", None: "eq"}[sym]
    values = _csv(value)
    if op == "eq" and len(values) > 1:
        return filters.cond(f"attr.{name}", "in", values, where=key)
    return filters.cond(f"attr.{name}", op, value.strip(), where=key)


def _flag(key: str, value: str) -> bool:
    """A yes/no parameter in the words FastAPI takes for a bool (the list's own parameter)."""
    word = value.strip().lower()
    if word in ("true", "1", "yes", "on"):
        return True
    if word in ("false", "0", "no", "off", ""):
        return False
    raise field_error(key, "true or false", value[:50])


def is_filter_param(name: str) -> bool:
    """Whether filter_from_params reads a parameter of this name."""
    return name in SIMPLE or name in OTHER_FILTERS or name.startswith("attr.")


def filter_from_params(items: Iterable[tuple[str, str]]) -> Node:
    """Every filter parameter of a list request, ANDed (other parameters are ignored)."""
    nodes: list[Node] = []
    for key, value in items:
        if key in SIMPLE:
            field, op, many = SIMPLE[key]
            if not value.strip():
                continue
            v: Any = _csv(value) if many else value.strip()
            nodes.append(filters.cond(field, op, v, where=key))
        elif key == "tag" or key == "tag_all":  # every listed tag (as before)
            nodes += [filters.cond("tags", "all", [t], where=key) for t in _csv(value)]
        elif key == "include_deleted":
            if _flag(key, value):
                nodes.append(filters.cond("deleted", "eq", "include", where=key))
        elif key == "filter" and value.strip():
            nodes.append(parse_filter_param(value))
        elif key.startswith("attr."):
            nodes.append(_attr_param(key, value))
        if len(nodes) > filters.MAX_CONDITIONS:
            raise field_error(key, f"at most {filters.MAX_CONDITIONS} filters")
    node = filters.join(*nodes) if nodes else filters.TRUE
    modes = {str(c.value) for c in filters.conditions(node, "deleted")}
    if len(modes) > 1:
        raise field_error("deleted", "conflicting deleted settings")
    return node


Q_DOC = (
    "Text search over name, email, phone (any format), company and notes: prefixes, one or two "
    "typos in names, ranked by relevance unless `sort` is given."
)
FILTER_DOC = (
    'The filter language: JSON (`{"and": [{"field": "stage", "op": "in", "value": '
    '["customer"]}]}`) or terms such as `stage:customer status:vip tag:a,b -tag:spam '
    "attr.score>=5 ltv>100 last_active>=-30d segment:value_high import:<import id>`, all "
    "ANDed (no OR, AND, NOT or parentheses: the JSON form has `or` and `not`). Also "
    "`attr.<name>=value` parameters (`attr.score>=5` in a URL reads as name `attr.score>` "
    "and value `5`)."
)
SORT_DOC = (
    "Comma-separated keys, `-` for descending: created_at, updated_at, ltv, last_name, "
    "first_name, full_name, email, phone, company, lifecycle_stage, status, customer_type, "
    "campaign, last_active_at, last_order_at, order_count, days_since_last_order; "
    "`relevance` (the default with `q`)."
)
