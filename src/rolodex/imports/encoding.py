"""JSON forms of import bookkeeping, pure: a customer state (dry-run overlay), a change (the
row report and what revert needs), the external key of a record."""

from __future__ import annotations

import uuid
from typing import Any

from rolodex.identity.batch import block_keys
from rolodex.identity.rows import decode_row, encode, encode_row
from rolodex.imports.state import ADDRESS_PARTS, Change, State
from rolodex.models.customers import SOURCES


def external_pair(source_name: str, key: str) -> tuple[str, str]:
    """Where an external key lives: under its own source when the import's source is one of
    ours (``shopify``: the Shopify customer id, found again by Shopify webhooks), otherwise
    under ``import`` prefixed with the source name (``hubspot:123``).

    The default source ``import`` shares that slot: its ids are kept as given, but one with
    a colon is prefixed ``import:``, as a named source's would be. Kept as given, the text
    "hubspot:123" in a default import's id column was HubSpot's customer 123 and updated it.
    A source name has no colon (``schemas.SOURCE_NAME``) and none is ``import`` (one of
    ours): the three forms (no colon; ``import:``; another name and a colon) never meet.
    Ids without a colon, nearly all, are stored as before."""
    if source_name == "import" and ":" in key:
        return "import", f"import:{key}"
    if source_name in SOURCES:
        return source_name, key
    return "import", f"{source_name}:{key}"


def external_key(pair: tuple[str, str]) -> str:
    return f"x:{pair[0]}:{pair[1]}"


def encode_state(state: State) -> dict[str, Any]:
    cols = {k: v for k, v in state.cols.items() if k != "address"}
    return {
        "cols": encode_row(cols),
        "tags": state.tags or [],
        "addresses": [encode_row(a) for a in state.addresses or []],
        "sources": [encode_row(s) for s in state.sources or []],
    }


def decode_state(target_id: uuid.UUID, origin_row: int, data: dict[str, Any]) -> State:
    return State(
        target_id,
        decode_row(data["cols"]),
        list(data["tags"]),
        [decode_row(a) for a in data["addresses"]],
        [decode_row(s) for s in data["sources"]],
        origin_row or None,
    )


def state_keys(state: State) -> list[str]:
    """Every key a later record could find this customer by (matching and external keys)."""
    person = state.person()
    # Not the ``kp:``/``kd:`` keys: the overlay's name keys are not capped, they find them all.
    out = [
        key
        for key in block_keys(person.record, person.email_normalized)
        if not key.startswith(("kp:", "kd:"))
    ]
    for source in state.sources or []:
        if source["external_id"]:
            out.append(external_key((source["source"], source["external_id"])))
    return out


def change_json(change: Change) -> dict[str, Any]:
    """A row's change: the report shows it, revert undoes it."""
    out: dict[str, Any] = {}
    if change.cols:
        out["cols"] = {k: [encode(b), encode(a)] for k, (b, a) in change.cols.items()}
    if change.tags_added:
        out["tags"] = change.tags_added
    if change.addresses_added:
        out["addresses"] = [str(a["id"]) for a in change.addresses_added]
    if change.sources_added:
        out["sources_added"] = [str(s["id"]) for s in change.sources_added]
    if change.sources_changed:
        out["sources_changed"] = [
            [str(b["id"]), b["external_id"], encode(b["last_synced_at"])]
            for b, _ in change.sources_changed
        ]
    if change.addresses_changed:
        # [address id, its changed parts before, after]: what the report says, revert undoes
        out["addresses_changed"] = [
            [str(b["id"]), *_parts_of(b, a)] for b, a in change.addresses_changed
        ]
    if change.conflicts:
        out["conflicts"] = change.conflicts
    return out


def _parts_of(before: dict[str, Any], after: dict[str, Any]) -> list[dict[str, Any]]:
    names = [p for p in ADDRESS_PARTS if before.get(p) != after.get(p)]
    return [{p: before.get(p) for p in names}, {p: after.get(p) for p in names}]
