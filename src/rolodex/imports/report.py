"""An import's row report in words, pure: what each record did (a dry run: would do) to which
customer, for the dashboard's table and the CSV download of the API, dashboard and CLI.

A row's ``changes`` (``encoding.change_json``) hold columns as stored, before and after, in
``identity.rows.encode`` form; here they become one line per change a person reads:
``company: (empty) → Acme Ltd``, ``tags added: vip, fair``, ``status: kept inactive (the file
has active)``. Columns the system derives from others (the normalized email, the E.164 phone,
the full name, matching keys, ``updated_at``) are left out: their source column is shown.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from rolodex.identity.rows import decode

DERIVED = frozenset(
    {"email_normalized", "phone_e164", "full_name", "email_key", "name_key", "updated_at"}
)
EMPTY = "(empty)"
LTV_KEPT = "; an existing customer's LTV follows its orders and stage changes"
ACTIONS = ("create", "update", "unchanged", "skip", "fail")
ERROR_COLUMNS = ["row", "line", "column", "field", "value", "reason"]
ROW_COLUMNS = ["row", "line", "action", "customer_id", "matched_by", "matched_row", "score",
               "changes", "note", "problems", "revert", "revert_reason"]  # fmt: skip


@dataclass(frozen=True, slots=True)
class Said:
    """One change in words; ``customer_id`` when it names another customer (a possible
    duplicate queued for review), for a link."""

    text: str
    customer_id: uuid.UUID | None = None


def _text(value: Any) -> str:
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return str(value) if value else EMPTY
    return str(value)


def _attributes(before: dict[str, Any], after: dict[str, Any]) -> list[Said]:
    return [
        Said(f"attributes.{key}: {_text(before.get(key))} → {_text(after.get(key))}")
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    ]


def public_changes(changes: dict[str, Any] | None) -> dict[str, Any] | None:
    """A row's changes as the API shows them: ``cols`` holds the fields the row set, before
    and after, as JSON values (not the columns derived from them, not the stored encoding);
    the other keys as stored."""
    if not changes:
        return None
    out = {k: v for k, v in changes.items() if k != "cols"}
    cols = {
        name: [_json_value(decode(v)) for v in pair]
        for name, pair in (changes.get("cols") or {}).items()
        if name not in DERIVED
    }
    if cols:
        out = {"cols": cols, **out}
    return out or None


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    return value


def describe(changes: dict[str, Any] | None) -> list[Said]:
    """What a row changed (or found in the way), one ``Said`` each, in the order stored."""
    if not changes:
        return []
    out: list[Said] = []
    for name, pair in (changes.get("cols") or {}).items():
        if name in DERIVED:
            continue
        before, after = (decode(v) for v in pair)
        if name == "attributes":
            out.extend(_attributes(before or {}, after or {}))
        else:
            out.append(Said(f"{name}: {_text(before)} → {_text(after)}"))
    if changes.get("tags"):
        out.append(Said("tags added: " + ", ".join(changes["tags"])))
    if changes.get("addresses"):
        n = len(changes["addresses"])
        out.append(Said(f"{n} address{'es' if n > 1 else ''} added"))
    for _, was, now in changes.get("addresses_changed") or []:
        told = (f"{k}: {_text(was.get(k))} → {_text(now.get(k))}" for k in now)
        out.append(Said("address changed: " + ", ".join(told)))
    if changes.get("sources_added") or changes.get("sources_changed"):
        out.append(Said("source and external id recorded"))
    for c in changes.get("conflicts") or []:
        why = LTV_KEPT if c["field"] == "ltv" else ""
        out.append(Said(f"{c['field']}: kept {c['kept']} (the file has {c['given']}{why})"))
    for r in changes.get("review") or []:
        cid = uuid.UUID(str(r["customer_id"]))
        out.append(Said(f"possible duplicate of {cid} (score {float(r['score']):.2f})", cid))
    return out


def error_record(e: Any) -> dict[str, Any]:
    """An ``ImportRowError`` as a report record (the API's ``RowErrorOut`` fields)."""
    return {"row": e.row_no, "line": e.line, "column": e.column, "field": e.field,
            "value": e.value, "reason": e.reason}  # fmt: skip


def problem_text(e: Any) -> str:
    where = e.column or e.field
    value = f" {e.value!r}" if e.value not in (None, "") else ""
    return f"{where}{value}: {e.reason}" if where else e.reason


def row_record(r: Any, errors: list[Any]) -> dict[str, Any]:
    """An ``ImportRow`` and its errors as one flat record of the CSV row report."""
    return {
        "row": r.row_no,
        "line": r.line,
        "action": r.action,
        "customer_id": r.target_id,
        "matched_by": r.matched_by,
        "matched_row": r.matched_row,
        "score": None if r.score is None else f"{r.score:.4f}",
        "changes": "; ".join(s.text for s in describe(r.changes)),
        "note": r.note,
        "problems": "; ".join(problem_text(e) for e in errors),
        "revert": r.revert,
        "revert_reason": r.revert_reason,
    }
