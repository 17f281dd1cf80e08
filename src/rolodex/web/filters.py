"""Jinja filters shared by the dashboard templates."""

from __future__ import annotations

import json
from datetime import datetime
from decimal import Decimal
from typing import Any

from rolodex.kit.time import utcnow


def initials(name: str | None) -> str:
    parts = [p for p in (name or "").split() if p[:1].isalpha()]
    if not parts:
        return "?"
    return (parts[0][0] + (parts[-1][0] if len(parts) > 1 else "")).upper()


def money(value: Decimal | None) -> str:
    return f"${value or Decimal('0'):,.2f}"


def ago(moment: datetime | None) -> str:
    if moment is None:
        return "never"
    seconds = (utcnow() - moment).total_seconds()
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = int(seconds // size)
            return f"{n} {unit}{'s' if n != 1 else ''} ago"
    return "just now"


def stage_label(stage: str) -> str:
    return stage.replace("_", " ")


def attribute_value(value: Any) -> str:
    """A custom attribute on one line: text as it is, anything else as compact JSON (keys
    sorted: PostgreSQL keeps an object's keys in its own order)."""
    if isinstance(value, str):
        return value
    return json.dumps(
        value, ensure_ascii=False, separators=(", ", ": "), sort_keys=True, default=str
    )


def register(env: object) -> None:
    filters = env.filters  # type: ignore[attr-defined]
    filters["initials"] = initials
    filters["money"] = money
    filters["ago"] = ago
    filters["stage_label"] = stage_label
    filters["attribute_value"] = attribute_value
