"""JSON values both engines can store: PostgreSQL's JSONB refuses NaN, Infinity and unpaired
UTF-16 surrogates (SQLite keeps them), so they are refused at the edge, alike on both."""

from __future__ import annotations

import json
from typing import Any


def check_storable(value: Any) -> None:
    """ValueError saying why ``value`` cannot be stored as JSON on every engine."""
    try:
        json.dumps(value, allow_nan=False, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("contains text that is not valid Unicode") from exc
    except ValueError as exc:
        raise ValueError("numbers must be finite (no NaN or Infinity)") from exc
    except TypeError as exc:
        raise ValueError("is not plain JSON") from exc
