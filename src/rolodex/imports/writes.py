"""Store what a batch did: customers and their rows with Core executemany, the audit entries
(one per created or changed customer, through audit.bulk), review candidates, identity
matches, stage transitions, opening LTV entries, and the import's own report rows. A dry run
stores only the report and its overlay. On SQLite the new customers' search entries are made
set-based for the whole batch (repository.insert_customers), not by the per-row trigger."""

from __future__ import annotations

import uuid
from collections import Counter
from decimal import Decimal
from typing import Any

from rolodex.audit import bulk as audit_bulk
from rolodex.identity.repository import ordered
from rolodex.imports import encoding, repository
from rolodex.imports.batch import Batch
from rolodex.imports.cells import storable
from rolodex.imports.outcome import Outcome
from rolodex.kit.ids import new_id
from rolodex.lifecycle.ltv import Kind
from rolodex.models import (
    Address,
    CustomerSource,
    CustomerTag,
    DuplicateCandidate,
    IdentityMatch,
    ImportRow,
    ImportRowError,
    LtvEntry,
    StageTransition,
)
from rolodex.search import repository as search_repository

ZERO = Decimal("0.00")


def store(batch: Batch, columns: dict[str, str]) -> Counter[str]:
    """Write the batch; the count of each action, and of the problems written. ``columns``
    names a field's column."""
    if not batch.ctx.dry_run:
        _customers(batch)
        _audit(batch)
    else:
        _overlay(batch)
    _report(batch, columns)
    counts = Counter(o.action for o in batch.outcomes)
    counts["problems"] = sum(len(o.errors) for o in batch.outcomes)  # as _report wrote them
    return counts


def _meta(batch: Batch, o: Outcome) -> dict[str, Any]:
    return {"channel": "import", "import_id": str(batch.ctx.import_id), "row": o.record.row_no}


def _customers(batch: Batch) -> None:
    ctx, session, now = batch.ctx, batch.session, batch.now
    actor = {"actor_type": ctx.principal.actor_type, "actor_id": ctx.principal.actor_id}
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in repository.TABLES}
    for cid in batch.created:
        st = batch.final[cid]
        rows["customers"].append({k: v for k, v in st.cols.items() if k != "address"})
        rows["tags"] += [
            {"tenant_id": ctx.tenant_id, "customer_id": cid, "tag": t} for t in st.tags or []
        ]
        rows["addresses"] += st.addresses or []
        rows["sources"] += st.sources or []
        ltv = st.cols["ltv"]
        if ltv > ZERO:
            rows["ledger"].append(
                {"tenant_id": ctx.tenant_id, "id": new_id(), "customer_id": cid, "seq": 1,
                 "kind": Kind.MANUAL_SET.value, "amount": ltv, "ltv_before": ZERO, "ltv_after": ltv,
                 "source_type": "opening_balance", "source_id": str(ctx.import_id),
                 "created_at": now, **actor}
            )  # fmt: skip
    changed: set[uuid.UUID] = set()
    source_updates: list[dict[str, Any]] = []
    address_updates: list[dict[str, Any]] = []
    for o in batch.outcomes:
        change = o.change
        if change is None or o.target is None:
            continue
        st = batch.final[o.target]
        if change.stage_from is not None:
            rows["transitions"].append(
                {"tenant_id": ctx.tenant_id, "id": new_id(), "customer_id": o.target,
                 "from_stage": change.stage_from,
                 "to_stage": change.cols["lifecycle_stage"][1], "reason": "import",
                 "ltv_amount": None, "ltv_before": st.cols["ltv"], "ltv_after": st.cols["ltv"],
                 "created_at": now, **actor}
            )  # fmt: skip
        if o.matched_by in ("email", "mailbox", "phone", "name"):
            rows["matches"].append(
                {"tenant_id": ctx.tenant_id, "id": new_id(), "matched_customer_id": o.target,
                 "channel": "import", "score": o.score or 0.0, "reasons": o.reasons,
                 "filled": sorted(set(change.filled)), "conflicts": change.conflicts,
                 "created_at": now, **actor}
            )  # fmt: skip
        if o.target in batch.created or change.empty:
            continue  # a customer made by this batch is inserted as it ends up
        changed.add(o.target)
        rows["tags"] += [
            {"tenant_id": ctx.tenant_id, "customer_id": o.target, "tag": t}
            for t in change.tags_added
        ]
        rows["addresses"] += change.addresses_added
        rows["sources"] += change.sources_added
        source_updates += [after for _, after in change.sources_changed]
        address_updates += [after for _, after in change.addresses_changed]
    for o in batch.outcomes:
        if o.action != "create" or o.target is None:
            continue
        for found in o.review:
            a, b = ordered(o.target, found.person.id)
            rows["candidates"].append(
                {"tenant_id": ctx.tenant_id, "id": new_id(), "customer_a_id": a,
                 "customer_b_id": b, "score": found.score, "reasons": found.reasons,
                 "origin": "ingest", "scan_id": None, "created_at": now}
            )  # fmt: skip
    session = batch.session
    # Existing customers first: an email one lets go of may be a new customer's (passed along)
    repository.update_customers(
        session, ctx.tenant_id, [batch.final[cid].cols for cid in sorted(changed, key=str)]
    )
    repository.insert_customers(session, rows["customers"])
    for name, model in (
        ("tags", CustomerTag),
        ("addresses", Address),
        ("sources", CustomerSource),
    ):
        repository.insert_rows(session, model, rows[name])
    repository.update_sources(session, source_updates)
    repository.update_addresses(session, address_updates)
    later: tuple[tuple[str, Any], ...] = (
        ("ledger", LtvEntry),
        ("transitions", StageTransition),
        ("matches", IdentityMatch),
        ("candidates", DuplicateCandidate),
    )
    for name, model in later:
        repository.insert_rows(session, model, rows[name])
    if rows["customers"] or changed:
        search_repository.flush_pending(session)


def _audit(batch: Batch) -> None:
    changes: list[audit_bulk.Change] = []
    owners: list[Outcome] = []
    for o in batch.outcomes:
        if o.target is None or o.after is None:
            continue
        new = o.target in batch.created
        if o.action == "create":
            changes.append(
                audit_bulk.Change("create", o.target, None, o.after, _meta(batch, o), True)
            )
        elif o.action == "update":
            changes.append(
                audit_bulk.Change("update", o.target, o.before, o.after, _meta(batch, o), new)
            )
        else:
            continue
        owners.append(o)
    if not changes:
        return
    ctx = batch.ctx
    where = repository.origin(batch.session, ctx.tenant_id, ctx.import_id)  # the upload's request
    seqs = audit_bulk.record_many(batch.session, ctx.principal, changes, where=where)
    for o, seq in zip(owners, seqs, strict=True):
        o.audit_seq = seq


def _overlay(batch: Batch) -> None:
    ctx = batch.ctx
    touched = {o.target for o in batch.outcomes if o.action in ("create", "update")}
    states, keys = [], []
    for cid in sorted((t for t in touched if t is not None), key=str):
        st = batch.final[cid]
        states.append(
            {"tenant_id": ctx.tenant_id, "import_id": ctx.import_id, "target_id": cid,
             "row_no": st.origin_row or 0, "state": encoding.encode_state(st)}
        )  # fmt: skip
        keys += [
            {"tenant_id": ctx.tenant_id, "import_id": ctx.import_id, "key": k, "target_id": cid}
            for k in dict.fromkeys(encoding.state_keys(st))
            if len(k) <= 400
        ]
    repository.put_overlay(batch.session, states, keys)


def _text(value: str | None, limit: int) -> str | None:
    return storable(value[:limit]) if value is not None else None


def _report(batch: Batch, columns: dict[str, str]) -> None:
    ctx = batch.ctx
    rows, errors = [], []
    for o in batch.outcomes:
        record = o.record
        changes: dict[str, Any] | None = None
        if o.change is not None:
            changes = encoding.change_json(o.change) or None
        if o.action == "create" and o.review:
            changes = {
                "review": [{"customer_id": str(f.person.id), "score": f.score} for f in o.review]
            }
        rows.append(
            {"tenant_id": ctx.tenant_id, "import_id": ctx.import_id, "row_no": record.row_no,
             "line": record.line, "action": o.action, "target_id": o.target,
             "matched_by": o.matched_by, "matched_row": o.matched_row, "score": o.score,
             "audit_seq": o.audit_seq, "changes": changes, "note": o.note, "revert": None,
             "revert_reason": None}
        )  # fmt: skip
        for seq, err in enumerate(o.errors):
            errors.append(
                {"tenant_id": ctx.tenant_id, "import_id": ctx.import_id, "row_no": record.row_no,
                 "seq": seq, "line": record.line,
                 "column": _text(err.column or o.column_of(err.field)
                                 or columns.get(err.field or "") or None, 300),
                 "field": err.field, "value": _text(err.value, 2000),
                 "reason": _text(err.reason, 2000)}
            )  # fmt: skip
    repository.insert_rows(batch.session, ImportRow, rows)
    repository.insert_rows(batch.session, ImportRowError, errors)
