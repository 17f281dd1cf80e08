"""Merge a duplicate customer into a survivor: plan (the preview), apply, in one transaction.

What a merge does:

* every row of every child table (see rows.child_tables: activities, orders, transitions,
  addresses, sources, tags, LTV ledger, and any table added later with tenant_id and
  customer_id) moves to the survivor, except a row the survivor already has an equal of under
  a unique key (a tag it already carries, case-insensitively): that row stays on the
  duplicate, untouched, and is reported. Moved rows are listed by primary key in the log;
* a moved address that was the duplicate's default stops being a default when the survivor
  has one; moved LTV ledger entries are renumbered after the survivor's, and one closing
  ``manual_set`` entry (source ``merge``) makes the ledger replay to the sum of both LTVs;
* the survivor's empty fields are filled from the duplicate; where both have a different
  value the survivor's is kept and the pair is listed as a conflict; notes are appended;
  attributes are merged key by key; created_at becomes the earlier, last_active_at the later;
* the duplicate is soft-deleted with ``merged_into_id`` pointing at the survivor;
* the merge log keeps both rows before and after, the moved keys and every value the merge
  changed on them, so undo (identity.undo) restores them exactly.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, func, insert, select, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from rolodex.audit import service as audit
from rolodex.auth.roles import Principal
from rolodex.customers.normalize import full_name
from rolodex.customers.snapshot import snapshot
from rolodex.errors import NotFound, field_error
from rolodex.identity import repository, rows
from rolodex.identity.errors import CustomerMerged
from rolodex.identity.normalize import fold
from rolodex.kit import txcache
from rolodex.kit.ids import new_id
from rolodex.kit.time import utcnow
from rolodex.models import Base, Customer, MergeLog

FILL_GROUPS: tuple[tuple[str, ...], ...] = (
    ("email", "email_normalized"),
    ("phone", "phone_e164"),
    ("first_name",),
    ("last_name",),
    ("company",),
    ("acquisition_source",),
    ("utm_source",),
    ("utm_medium",),
    ("utm_campaign",),
    ("utm_term",),
    ("utm_content",),
)
# How two present values are compared: by their normalized column, or folded.
COMPARE_BY = {"email": "email_normalized", "phone": "phone_e164"}
FOLDED = frozenset({"first_name", "last_name", "company"})
APPENDED = ("notes", "internal_notes")
CONSENT_GROUPS = (
    ("email_consent", "email_consent_at", "email_consent_source"),
    ("sms_consent", "sms_consent_at", "sms_consent_source"),
)
SURVIVOR_WINS = ("lifecycle_stage", "status", "customer_type")
LEDGER = "ltv_ledger"


@dataclass
class TablePlan:
    table: Table
    move: list[dict[str, Any]] = field(default_factory=list)  # primary keys (python values)
    stay: list[dict[str, Any]] = field(default_factory=list)
    overrides: dict[int, dict[str, Any]] = field(default_factory=dict)  # move index → values
    originals: dict[int, dict[str, Any]] = field(default_factory=dict)  # move index → before


@dataclass
class MergePlan:
    survivor: Customer
    duplicate: Customer
    changes: dict[str, Any]
    filled: list[str]
    conflicts: list[dict[str, Any]]
    tables: list[TablePlan]
    ltv: Decimal

    def moved_counts(self) -> dict[str, int]:
        return {t.table.name: len(t.move) for t in self.tables if t.move}

    def stay_counts(self) -> dict[str, int]:
        return {t.table.name: len(t.stay) for t in self.tables if t.stay}


def load_pair(
    session: Session, tenant_id: uuid.UUID, survivor_id: uuid.UUID, duplicate_id: uuid.UUID
) -> tuple[Customer, Customer]:
    """Both customers, live; 422 for one customer twice, 404 unknown, 409 already merged."""
    if survivor_id == duplicate_id:
        raise field_error("duplicate_id", "must be another customer than survivor_id")
    found = repository.customers_by_id(session, tenant_id, (survivor_id, duplicate_id))
    for role, cid in (("survivor_id", survivor_id), ("duplicate_id", duplicate_id)):
        customer = found.get(cid)
        if customer is None:
            raise NotFound(f"no customer {cid}", details={"field": role})
        if customer.deleted_at is not None:
            if customer.merged_into_id is not None:
                raise CustomerMerged(cid, customer.merged_into_id)
            raise NotFound(f"customer {cid} is deleted", details={"field": role})
    return found[survivor_id], found[duplicate_id]


def plan(
    session: Session, survivor: Customer, duplicate: Customer, prefer: frozenset[str] = frozenset()
) -> MergePlan:
    """What a merge would do; reads only. ``prefer`` names conflicting fields (of FILL_GROUPS
    and SURVIVOR_WINS) where the duplicate's value is kept instead of the survivor's."""
    table = rows.customers_table()
    s_row = rows.snapshot_row(session, table, survivor.tenant_id, survivor.id)
    d_row = rows.snapshot_row(session, table, duplicate.tenant_id, duplicate.id)
    changes, filled, conflicts = _plan_fields(s_row, d_row, prefer)
    tables = [_plan_table(session, t, survivor, duplicate) for t in rows.child_tables()]
    total = (survivor.ltv or Decimal("0")) + (duplicate.ltv or Decimal("0"))
    if total != survivor.ltv:
        changes["ltv"] = total
    return MergePlan(survivor, duplicate, changes, filled, conflicts, tables, total)


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == {} or value == []


def _show(value: Any) -> Any:
    return value if isinstance(value, str | int | float | bool) or value is None else str(value)


def _plan_fields(
    s: dict[str, Any], d: dict[str, Any], prefer: frozenset[str] = frozenset()
) -> tuple[dict[str, Any], list[str], list[dict[str, Any]]]:
    changes: dict[str, Any] = {}
    filled: list[str] = []
    conflicts: list[dict[str, Any]] = []

    def conflict(name: str, sv: Any, dv: Any, kept: str = "survivor") -> None:
        conflicts.append(
            {"field": name, "survivor": _show(sv), "duplicate": _show(dv), "kept": kept}
        )

    for group in FILL_GROUPS:
        lead = group[0]
        sv, dv = s.get(lead), d.get(lead)
        if _empty(dv):
            continue
        if _empty(sv):
            changes.update({c: d[c] for c in group})
            filled.append(lead)
            continue
        key = COMPARE_BY.get(lead)
        a, b = (s[key], d[key]) if key else (sv, dv)
        if lead in FOLDED:
            a, b = fold(str(a)), fold(str(b))
        if a != b and lead in prefer:
            changes.update({c: d[c] for c in group})
            conflict(lead, sv, dv, kept="duplicate")
        elif a != b:
            conflict(lead, sv, dv)
    if "first_name" in changes or "last_name" in changes:
        first = changes.get("first_name", s.get("first_name"))
        changes["full_name"] = full_name(first, changes.get("last_name", s.get("last_name")))
    for name in APPENDED:
        sv, dv = s.get(name), d.get(name)
        if _empty(dv) or sv == dv:
            continue
        changes[name] = dv if _empty(sv) else f"{sv}\n\n{dv}"
        filled.append(name)
    s_attrs, d_attrs = dict(s.get("attributes") or {}), d.get("attributes") or {}
    added = {k: v for k, v in d_attrs.items() if k not in s_attrs}
    for k, v in d_attrs.items():
        if k in s_attrs and s_attrs[k] != v:
            conflict(f"attributes.{k}", s_attrs[k], v)
    if added:
        changes["attributes"] = {**s_attrs, **added}
        filled.extend(f"attributes.{k}" for k in sorted(added))
    for flag, at, source in CONSENT_GROUPS:
        if s.get(at) is None and d.get(at) is not None:
            changes.update({flag: d[flag], at: d[at], source: d[source]})
            filled.append(flag)
        elif s.get(at) is not None and d.get(at) is not None and s[flag] != d[flag]:
            conflict(flag, s[flag], d[flag])
    for name in SURVIVOR_WINS:
        if s.get(name) != d.get(name) and name in prefer:
            changes[name] = d[name]
            conflict(name, s.get(name), d.get(name), kept="duplicate")
        elif s.get(name) != d.get(name):
            conflict(name, s.get(name), d.get(name))
    if d.get("created_at") and s.get("created_at") and d["created_at"] < s["created_at"]:
        changes["created_at"] = d["created_at"]
    if d.get("last_active_at") and (
        s.get("last_active_at") is None or d["last_active_at"] > s["last_active_at"]
    ):
        changes["last_active_at"] = d["last_active_at"]
    return changes, filled, conflicts


def _plan_table(session: Session, table: Table, survivor: Customer, dup: Customer) -> TablePlan:
    out = TablePlan(table)
    pk = rows.pk_columns(table)
    d_where = (table.c.tenant_id == dup.tenant_id, table.c.customer_id == dup.id)
    s_where = (table.c.tenant_id == survivor.tenant_id, table.c.customer_id == survivor.id)
    extra = [table.c[n] for n in ("is_default", "seq") if n in table.c]
    dup_rows = [dict(r) for r in session.execute(select(*pk, *extra).where(*d_where)).mappings()]
    if not dup_rows:
        return out
    # The ledger's (customer, seq) key is renumbered, never a collision.
    blocked = set() if table.name == LEDGER else _collisions(session, table, s_where, d_where)
    survivor_default = "is_default" in table.c and bool(
        session.scalar(select(func.count()).where(*s_where, table.c.is_default.is_(True)))
    )
    seq_base = 0
    if table.name == LEDGER:
        seq_base = int(session.scalar(select(func.max(table.c.seq)).where(*s_where)) or 0)
    for row in dup_rows:
        pk_values = {c.name: row[c.name] for c in pk}
        if tuple(pk_values.values()) in blocked:
            out.stay.append(pk_values)
            continue
        index = len(out.move)
        out.move.append(pk_values)
        if survivor_default and row.get("is_default"):
            out.overrides[index] = {"is_default": False}
            out.originals[index] = {"is_default": True}
        if table.name == LEDGER:
            out.overrides[index] = {"seq": seq_base + int(row["seq"])}
            out.originals[index] = {"seq": int(row["seq"])}
    return out


def _collisions(
    session: Session, table: Table, s_where: tuple[Any, ...], d_where: tuple[Any, ...]
) -> set[tuple[Any, ...]]:
    """Primary keys of the duplicate's rows that the survivor already has an equal of under a
    unique key or (partial) unique index including customer_id. Tags compare without case."""
    pk = rows.pk_columns(table)
    blocked: set[tuple[Any, ...]] = set()
    for key, condition in rows.unique_keys(table, session.get_bind().dialect.name):
        cols = [table.c[n] for n in key]
        when = [condition] if condition is not None else []

        def norm(values: Any) -> tuple[Any, ...]:
            if table.name == "customer_tags":
                return tuple(str(v).lower() for v in values)
            return tuple(values)

        taken = {norm(r) for r in session.execute(select(*cols).where(*s_where, *when))}
        if not taken:
            continue
        for r in session.execute(select(*pk, *cols).where(*d_where, *when)):
            values = norm(r[len(pk) :])
            if None not in values and values in taken:
                blocked.add(tuple(r[: len(pk)]))
    return blocked


def apply(
    session: Session,
    principal: Principal,
    survivor_id: uuid.UUID,
    duplicate_id: uuid.UUID,
    *,
    origin: str = "api",
    score: float | None = None,
    prefer: frozenset[str] = frozenset(),
) -> MergeLog:
    """Merge now, in the caller's transaction; returns the merge log."""
    tenant_id = principal.tenant_id
    session.flush()
    repository.lock_customers(session, tenant_id, [survivor_id, duplicate_id])
    session.expire_all()  # read both as locked, not as an earlier query left them
    txcache.forget(session)  # rows are moved behind the ORM's back: what was learnt is stale
    survivor, dup = load_pair(session, tenant_id, survivor_id, duplicate_id)
    the_plan = plan(session, survivor, dup, prefer)
    table = rows.customers_table()
    s_before = rows.snapshot_row(session, table, tenant_id, survivor.id)
    d_before = rows.snapshot_row(session, table, tenant_id, dup.id)
    api_s_before, api_d_before = snapshot(survivor), snapshot(dup)
    now = utcnow()
    # The duplicate leaves first: its email is then free for the survivor to take.
    dup.deleted_at, dup.merged_into_id, dup.updated_at = now, survivor.id, now
    session.flush()
    for name, value in the_plan.changes.items():
        setattr(survivor, name, value)
    survivor.updated_at = now
    session.flush()
    moved: dict[str, Any] = {}
    kept: dict[str, int] = {}
    for tp in the_plan.tables:
        done = _move_rows(session, tp, survivor, dup)
        if done:
            moved[tp.table.name] = done
        if tp.stay or len(done) < len(tp.move):
            kept[tp.table.name] = len(tp.stay) + len(tp.move) - len(done)
    merge_id = new_id()
    inserted = _close_ledger(session, principal, survivor, s_before, the_plan, merge_id, moved)
    session.flush()
    session.expire_all()
    log = MergeLog(
        tenant_id=tenant_id,
        id=merge_id,
        survivor_id=survivor.id,
        duplicate_id=dup.id,
        score=score,
        origin=origin,
        survivor_before=rows.encode_row(s_before),
        duplicate_before=rows.encode_row(d_before),
        survivor_after=rows.encode_row(rows.snapshot_row(session, table, tenant_id, survivor.id)),
        duplicate_after=rows.encode_row(rows.snapshot_row(session, table, tenant_id, dup.id)),
        moved=moved,
        inserted=inserted,
        details={
            "conflicts": the_plan.conflicts,
            "filled": the_plan.filled,
            "kept_on_duplicate": kept,
        },
        actor_type=principal.actor_type,
        actor_id=principal.actor_id,
        created_at=now,
    )
    session.add(log)
    session.flush()
    meta = {
        "merge_id": str(merge_id),
        "survivor_id": str(survivor.id),
        "duplicate_id": str(dup.id),
        "moved": {k: len(v) for k, v in moved.items()},
    }
    audit.record(
        session, principal, "merge", survivor.id, api_s_before, snapshot(survivor), meta=meta
    )
    audit.record(session, principal, "merge", dup.id, api_d_before, snapshot(dup), meta=meta)
    txcache.forget(session)
    return log


def _pk_clause(table: Table, pk: list[dict[str, Any]]) -> Any:
    cols = rows.pk_columns(table)
    if len(cols) == 1:
        return cols[0].in_([p[cols[0].name] for p in pk])
    return tuple_(*cols).in_([tuple(p[c.name] for c in cols) for p in pk])


def _move_rows(
    session: Session, tp: TablePlan, survivor: Customer, dup: Customer
) -> list[dict[str, Any]]:
    """Move the planned rows; a row that an unforeseen constraint refuses stays behind."""
    table = tp.table
    base = (table.c.tenant_id == dup.tenant_id, table.c.customer_id == dup.id)
    plain = [p for i, p in enumerate(tp.move) if i not in tp.overrides]
    done: list[dict[str, Any]] = []

    def one_update(pks: list[dict[str, Any]], values: dict[str, Any]) -> None:
        session.execute(
            update(table)
            .where(*base, _pk_clause(table, pks))
            .values(rows.owner_change(table, {"customer_id": survivor.id, **values}))
            .execution_options(synchronize_session=False)
        )

    try:
        with session.begin_nested():
            for start in range(0, len(plain), 500):
                one_update(plain[start : start + 500], {})
            for i, values in tp.overrides.items():
                one_update([tp.move[i]], values)
        for i, pk in enumerate(tp.move):
            done.append(_log_entry(pk, tp.originals.get(i)))
        return done
    except IntegrityError:
        pass
    for i, pk in enumerate(tp.move):  # one at a time: keep what fits
        try:
            with session.begin_nested():
                one_update([pk], tp.overrides.get(i, {}))
            done.append(_log_entry(pk, tp.originals.get(i)))
        except IntegrityError:
            continue
    return done


def _log_entry(pk: dict[str, Any], originals: dict[str, Any] | None) -> dict[str, Any]:
    entry: dict[str, Any] = {"pk": rows.encode_row(pk)}
    if originals:
        entry["set"] = rows.encode_row(originals)
    return entry


def _close_ledger(
    session: Session,
    principal: Principal,
    survivor: Customer,
    s_before: dict[str, Any],
    the_plan: MergePlan,
    merge_id: uuid.UUID,
    moved: dict[str, Any],
) -> dict[str, Any]:
    """One ledger entry so that the survivor's ledger replays to the merged LTV."""
    ledger = Base.metadata.tables.get(LEDGER)
    if ledger is None or (LEDGER not in moved and "ltv" not in the_plan.changes):
        return {}
    where = (ledger.c.tenant_id == survivor.tenant_id, ledger.c.customer_id == survivor.id)
    seq = int(session.scalar(select(func.max(ledger.c.seq)).where(*where)) or 0) + 1
    entry_id = new_id()
    session.execute(
        insert(ledger).values(
            tenant_id=survivor.tenant_id,
            id=entry_id,
            customer_id=survivor.id,
            seq=seq,
            kind="manual_set",
            amount=the_plan.ltv,
            ltv_before=s_before["ltv"],
            ltv_after=the_plan.ltv,
            source_type="merge",
            source_id=str(merge_id),
            actor_type=principal.actor_type,
            actor_id=principal.actor_id,
            created_at=utcnow(),
        )
    )
    return {LEDGER: [rows.encode_row({"id": entry_id})]}
