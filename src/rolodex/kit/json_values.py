"""JSON values both engines can store: PostgreSQL's JSONB refuses NaN, Infinity and unpaired
UTF-16 surrogates (SQLite keeps them), so they are refused at the edge, alike on both.

Numbers are kept within 64 bits (what orjson, the exports' and events' encoder, writes):
PostgreSQL gives a float such as 1e20 back as the integer 100000000000000000000, which no
export could write."""

from __future__ import annotations

import json
from typing import Any

LIMIT = 2**63  # numbers are within ±(2**63 - 1)
# Nesting a value may have: the API's responses and the exports write at most about 250
# levels (pydantic and orjson stop there), around the customer or event that holds it.
MAX_DEPTH = 64


def _depth_fits(value: Any) -> bool:
    """Is ``value`` nested at most MAX_DEPTH levels (without recursing: any depth)?"""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list | tuple):
            if depth >= MAX_DEPTH:
                return False
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return True


def _numbers_fit(value: Any) -> bool:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return True
    if isinstance(value, int | float):
        return -LIMIT < value < LIMIT
    if isinstance(value, dict):
        return all(_numbers_fit(v) for v in value.values())
    if isinstance(value, list | tuple):
        return all(_numbers_fit(v) for v in value)
    return True


def check_storable(value: Any) -> None:
    """ValueError saying why ``value`` cannot be stored as JSON on every engine."""
    if not _depth_fits(value):
        raise ValueError(f"is nested more than {MAX_DEPTH} levels deep")
    try:
        json.dumps(value, allow_nan=False, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("contains text that is not valid Unicode") from exc
    except ValueError as exc:
        raise ValueError("numbers must be finite (no NaN or Infinity)") from exc
    except TypeError as exc:
        raise ValueError("is not plain JSON") from exc
    if not _numbers_fit(value):
        raise ValueError(
            "numbers must be between -9223372036854775807 and 9223372036854775807 "
            "(write larger ones as text)"
        )
