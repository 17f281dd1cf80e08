"""Jinja filters shared by the dashboard templates."""

from __future__ import annotations

import json
import re
from datetime import datetime
from decimal import Decimal
from typing import Any

from rolodex.imports.dates import MONTH_NAMES
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


_YEARLESS = re.compile(r"--(\d{2})-(\d{2})")


def day_of_year(value: str) -> str:
    """A birthday stored without its year as a vCard writes it (--04-12), as a person reads
    it: "April 12"; any other text as it is."""
    m = _YEARLESS.fullmatch(value)
    if m is None or not 1 <= int(m[1]) <= 12:
        return value
    return f"{MONTH_NAMES[int(m[1])]} {int(m[2])}"


def register(env: object) -> None:
    filters = env.filters  # type: ignore[attr-defined]
    filters["initials"] = initials
    filters["money"] = money
    filters["ago"] = ago
    filters["stage_label"] = stage_label
    filters["attribute_value"] = attribute_value
    filters["day_of_year"] = day_of_year
