"""Undo an import: customers it created are removed, fields it changed get their previous
values back, as long as nothing changed them since. What cannot be reverted is kept, and its
rows say why (``GET /v1/imports/{id}/rows?revert=kept``): a customer is ``reverted`` (in
full), ``partly`` reverted (the fields changed since are kept) or ``kept`` whole.

"Changed since" is read from the audit log, which records every change to customer data and
names the fields each change touched:

* a customer the import created is removed only when every audit entry about it since is the
  import's own and nothing hangs off it (orders, activities, a segment it was put in by
  hand...);
* a customer the import updated gets back each field the import changed that no later entry
  touched: an order since (its LTV and stage) or a new note leave the import's phone, tags
  or address revertible. A field touched since is kept, and the row says which and by what
  entry. Fields made of parts (custom attributes, tags, consent, UTM, addresses, sources)
  are weighed part by part: an edit since to another attribute or tag leaves the import's
  own revertible, and a part kept is named (``attributes.tier``). A later merge, deletion,
  restore or erasure keeps the whole customer;
* a later import reverted in full for a customer does not count: its writes and their
  undoing cancel out (imports can be reverted newest first); reverted in part, the fields
  its revert put back do not count either;
* a field whose value is not the one the import left, though no entry names it (an event
  moves ``last_active_at`` on), is kept too: changed since all the same;
* an email another customer holds by now is not given back (live emails are unique), unless
  that customer gives it up in the same batch (removed, or given back its own earlier
  email): what the import passed along from one customer to the next goes back in one pass
  (customers kept for an email a later batch freed are decided again at the pass's end).

Per customer, all of the import's rows revert together. Removal is a hard delete (the import
made it; the audit log keeps its history with a ``remove`` entry), so the same file can be
imported again.

A revert that kept something ends ``partial`` and can be run again: what has become
revertible since (the later import in the way reverted too, say) is reverted then. Each pass
decides again only the customers kept whole or in part; fields an earlier pass put back are
not touched again, nor customers reverted in full.

Runs as the job ``import.revert`` in batches of customers, each committed with its progress.
Its audit entries carry the IP and user agent of the request that asked for it.
"""

from __future__ import annotations

import time
import uuid
from collections import Counter
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session

from rolodex.audit import bulk as audit_bulk
from rolodex.auth.roles import Principal
from rolodex.errors import Conflict, NotFound
from rolodex.identity import batch_repository
from rolodex.imports import repository
from rolodex.imports import revert_fields as fields
from rolodex.imports import revert_repository as rr
from rolodex.imports import runner as runners
from rolodex.imports.snapshot import snapshot
from rolodex.imports.state import State
from rolodex.jobs import queue
from rolodex.kit import request_meta
from rolodex.kit.time import utcnow
from rolodex.models import ImportRun

KIND = "import.revert"
BATCH = 500
# Later entries that change some fields of a customer (and name them): what they touched is
# kept, the rest of the import's update is reverted. Any other action keeps the customer.
FIELD_ACTIONS = frozenset({"update", "order", "transition"})


def request(
    session: Session, principal: Principal, import_id: uuid.UUID, *, job: bool = True
) -> ImportRun:
    """Ask for the import to be reverted: by a queued job, or (``job=False``, the CLI) by the
    caller, who then runs ``run_revert`` itself (again, after a crash: it resumes; a revert
    still waiting for its job too, should no worker run). A revert that ended ``partial`` may
    be asked for again: it reverts what has become revertible. A
    running revert asked for again gets a job, which goes on once the runner's lease ends
    should that runner have stopped (and finds it finished otherwise)."""
    run = repository.lock(session, principal.tenant_id, import_id)
    if run is None:
        raise NotFound(f"no import {import_id}")
    if run.dry_run:
        raise Conflict("a dry run changed nothing; there is nothing to revert")
    if run.state == "running" and run.cancel_requested_at is not None:
        raise Conflict(  # "cancel it first" read as if the cancel had not been taken
            "the import is stopping: its cancel was asked and it stops at its next batch "
            "boundary; revert it once it has stopped",
            details={
                "state": run.state,
                "cancel_requested_at": run.cancel_requested_at.isoformat(),
            },
        )
    if run.state in ("queued", "running"):
        raise Conflict(f"the import is {run.state}; cancel it first", details={"state": run.state})
    if run.revert_state == "queued":
        # The caller runs it now (no worker may be running); its job then finds it done
        if job and not rr.has_live_job(session, run.tenant_id, KIND, run.id):
            queue.enqueue(session, run.tenant_id, KIND, {"import_id": str(run.id)})  # gave up
        return run
    if run.revert_state == "running":
        # its runner may have died (`rolodex revert-import` stopped): a job goes on, one
        if job and not rr.has_live_job(session, run.tenant_id, KIND, run.id):
            now = utcnow()
            later = max(now, run.lease_until + timedelta(seconds=5)) if run.lease_until else now
            queue.enqueue(session, run.tenant_id, KIND, {"import_id": str(run.id)}, run_at=later)
        return run
    if run.revert_state == "done":
        raise Conflict(
            "the import was reverted already: nothing it did is left to undo",
            details={"revert": run.revert_state},
        )
    if run.revert_state is None and run.created == 0 and run.updated == 0:
        # its rows were unchanged, skipped or failed: a revert ended "reverted 0"
        raise Conflict(
            "the import created and updated no customer: there is nothing to revert",
            details={"state": run.state, "rows_read": run.rows_read},
        )
    where = request_meta.current()  # none from the CLI
    run.revert_ip, run.revert_user_agent = where.ip, where.user_agent
    run.revert_actor_id = principal.actor_id
    run.options = {
        **(run.options or {}),
        "revert_by": {
            "type": principal.actor_type,
            "id": principal.actor_id,
            "name": principal.name,
            "role": principal.role,
        },
    }
    run.updated_at = utcnow()
    if job:
        run.revert_state = "queued"
        queue.enqueue(session, run.tenant_id, KIND, {"import_id": str(run.id)})
    else:
        _new_pass(session, run)  # the caller runs it now
    session.flush()
    return run


def stalled(session: Session, run: ImportRun) -> bool:
    """A revert nobody runs (its runner stopped, its lease ended) or waits for (its job gave
    up): asked for again (``request``), it goes on."""
    if run.revert_state == "queued":
        return not rr.has_live_job(session, run.tenant_id, KIND, run.id)
    if run.revert_state != "running":
        return False
    return run.runner is None or run.lease_until is None or run.lease_until <= utcnow()


def _new_pass(session: Session, run: ImportRun) -> None:
    """Start a pass: the customers earlier passes kept (whole or in part) are decided again,
    and counted again from nothing."""
    rr.reopen(session, run.tenant_id, run.id)
    run.revert_state = "running"
    run.revert_kept = run.revert_partly = 0
    run.revert_started_at, run.revert_finished_at = utcnow(), None


def run_revert(
    session: Session,
    tenant_id: uuid.UUID,
    import_id: uuid.UUID,
    runner: str,
    *,
    job_id: uuid.UUID | None = None,
) -> None:
    """Revert in batches, committing each; resumable (decided customers are marked). Holds
    the import's lease as its runner does (renewed and checked in every batch's transaction):
    two runners at once (the job and `rolodex revert-import`, or a job taken over while its
    first worker still ran) each decided the same customers, the second finding them gone and
    marking them kept. Raises runner.Busy when another runner holds it."""
    run = repository.get(session, tenant_id, import_id)
    if run is None or run.revert_state not in ("queued", "running"):
        return
    _hold(session, run, runner, job_id)
    if run.revert_state not in ("queued", "running"):  # another runner finished it meanwhile
        repository.release(session, run)
        session.commit()
        return
    by = (run.options or {}).get("revert_by") or {}
    principal = Principal(
        tenant_id, by.get("role", "admin"), by.get("type", "system"), by.get("id", runner),
        by.get("name", ""),
    )  # fmt: skip
    where = request_meta.RequestMeta(run.revert_ip, run.revert_user_agent)
    if run.revert_state == "queued":
        _new_pass(session, run)
    session.commit()
    sqlite = session.get_bind().dialect.name == "sqlite"
    try:
        # kept for an email another customer held, which a later batch may have freed since
        waiting: dict[uuid.UUID, str] = {}
        swept: int | None = None
        while True:
            _hold(session, run, runner, job_id)  # first in the transaction: it is ours alone
            targets = rr.next_targets(session, tenant_id, import_id, BATCH)
            if not targets:
                if not waiting or len(waiting) == swept:
                    break
                swept = len(waiting)  # once more for those, while that frees any
                _decide_again(session, run, waiting)
                waiting = {}
                session.commit()
                continue
            counts, held = _batch(session, principal, where, run, targets)
            waiting.update(held)
            run.reverted += counts["reverted"]
            run.revert_partly += counts["partly"]
            run.revert_kept += counts["kept"]
            run.updated_at = utcnow()
            session.commit()
            if sqlite:  # the lock left free a while: a writer napping in its busy handler gets in
                time.sleep(runners.WRITER_PAUSE)
    except runners.Busy:
        raise
    except BaseException:
        _let_go(session, run, runner)  # a retry need not wait for the lease to run out
        raise
    run.revert_state = "partial" if run.revert_kept or run.revert_partly else "done"
    run.revert_finished_at = run.updated_at = utcnow()
    repository.release(session, run)
    session.commit()


def _decide_again(session: Session, run: ImportRun, decided: dict[uuid.UUID, str]) -> None:
    """Undecide these customers of this pass (customer → kept or partly), uncounted."""
    results = Counter(decided.values())
    run.revert_kept -= results["kept"]
    run.revert_partly -= results["partly"]
    rr.reopen(session, run.tenant_id, run.id, list(decided))


def _hold(session: Session, run: ImportRun, runner: str, job_id: uuid.UUID | None) -> None:
    """Take or renew the import's lease for ``runner`` (and keep its job leased with it), or
    give up the transaction and raise runners.Busy."""
    held = repository.acquire(session, run, runner, runners.LEASE_SECONDS)
    session.refresh(run)  # the counters as stored, the lease as taken
    if not held:
        session.rollback()
        raise runners.Busy(run.lease_until)
    if job_id is not None:
        repository.touch_job(session, run.tenant_id, job_id, runners.LEASE_SECONDS)


def _let_go(session: Session, run: ImportRun, runner: str) -> None:
    """Give up the lease after a failure, if this runner still holds it."""
    try:
        session.rollback()
        session.refresh(run)
        if run.runner == runner:
            repository.release(session, run)
            session.commit()
    except Exception:
        session.rollback()


def _batch(
    session: Session,
    principal: Principal,
    where: request_meta.RequestMeta,
    run: ImportRun,
    targets: list[uuid.UUID],
) -> tuple[Counter[str], dict[uuid.UUID, str]]:
    """Decide and revert these customers: how many were reverted, partly or kept, and those
    kept (whole or in part) for an earlier email another customer holds (→ their result)."""
    tenant_id = run.tenant_id
    repository.take_turn(session, tenant_id)
    groups: dict[uuid.UUID, list[Any]] = {}
    for row in rr.rows_for(session, tenant_id, run.id, targets):
        groups.setdefault(row.target_id, []).append(row)
    # Locked before they are read (PostgreSQL): an edit committed in between was written over
    tags, addresses, sources = repository.children(session, tenant_id, targets, lock=True)
    cols = {r["id"]: r for r in batch_repository.customer_rows(session, tenant_id, targets)}
    seqs = [r.audit_seq for rows in groups.values() for r in rows if r.audit_seq is not None]
    own = str(run.id)
    history = rr.audit_since(session, tenant_id, list(cols), min(seqs), own) if seqs else {}
    others = {(e.import_id, c) for c, es in history.items() for e in es if e.import_id}
    cancelled = rr.fully_reverted(session, tenant_id, others - {(own, c) for c in cols})
    used = rr.used_since(session, tenant_id, [c for c in cols if _created(groups[c])])
    decisions: list[tuple[uuid.UUID, str, str | None]] = []
    removals: list[uuid.UUID] = []
    changes: list[audit_bulk.Change] = []
    restored: list[dict[str, Any]] = []
    meta = {"import_id": str(run.id), "revert": True}
    weighed: dict[uuid.UUID, tuple[set[str], dict[str, str]]] = {}
    for cid in targets:
        rows = groups.get(cid, [])
        entries, done_before = _weighed(history.get(cid, []), own, cid, cancelled)
        why, touched = _kept_because(cid, rows, cols.get(cid), entries, used.get(cid))
        if why is not None:  # an earlier pass put some of it back: the rest is kept
            decisions.append((cid, "partly", f"partly: the rest kept, {why}") if done_before
                             else (cid, "kept", why))  # fmt: skip
            continue
        if not _created(rows):
            fields.unlisted(rows, cols[cid], touched, done_before)
        weighed[cid] = (done_before, touched)
    gone = {c for c in weighed if _created(groups[c])}
    wanted = {
        cid: email
        for cid, (done_before, touched) in weighed.items()
        if cid not in gone
        and (email := fields.email_back(groups[cid], cols[cid], touched, done_before)) is not None
    }
    blocked = fields.emails_blocked(session, tenant_id, wanted, gone)
    for cid, (done_before, touched) in weighed.items():
        rows = groups[cid]
        current = cols[cid]
        current.pop("address", None)
        st = State(cid, current, tags[cid], addresses[cid], sources[cid])
        before = snapshot(st)
        if cid in gone:
            removals.append(cid)
            changes.append(audit_bulk.Change("remove", cid, before, None, dict(meta)))
            decisions.append((cid, "reverted", None))
            continue
        if cid in blocked:
            touched["email"] = blocked[cid]
        undone, kept = fields.undo_updates(session, st, rows, principal, touched, done_before)
        since = "; ".join(sorted({touched[f] for f in kept}))
        partly = f"partly: kept {', '.join(sorted(kept))}, changed since the import ({since})"
        if undone:
            restored.append(st.cols)
            changes.append(audit_bulk.Change("update", cid, before, snapshot(st), dict(meta)))
        if not kept:
            decisions.append((cid, "reverted", None))
        elif undone or done_before:  # some of it is back (now or by an earlier pass)
            decisions.append((cid, "partly", partly))
        else:  # everything it changed was touched since
            decisions.append((cid, "kept", f"changed since the import ({since})"))
    rr.delete_customers(session, tenant_id, removals)
    repository.update_customers(session, tenant_id, restored)
    audit_bulk.record_many(session, principal, changes, where=where)
    rr.mark(session, tenant_id, run.id, decisions)
    held = {c: r for c, r, _ in decisions if c in blocked and r != "reverted"}
    return Counter(r for _, r, _ in decisions), held


def _weighed(
    history: list[rr.Entry], own: str, cid: uuid.UUID, cancelled: set[tuple[str, uuid.UUID]]
) -> tuple[list[rr.Entry], set[str]]:
    """The entries since the import that count as changes to the customer, and the fields an
    earlier pass of this revert put back (not to be touched again). An import reverted in full
    for the customer does not count; reverted in part, its writes count only for the fields
    its revert did not put back. A revert's own entries are not changes."""
    put_back: dict[str, set[str]] = {}
    for e in history:
        if e.revert and e.import_id is not None:
            put_back.setdefault(e.import_id, set()).update(e.fields)
    out: list[rr.Entry] = []
    for e in history:
        if e.import_id is None or e.import_id == own:
            if not e.revert:
                out.append(e)  # ours are told apart by seq (_kept_because)
            continue
        if e.revert or (e.import_id, cid) in cancelled:
            continue
        fields = e.fields - put_back.get(e.import_id, set())
        if fields or not e.fields:
            out.append(e._replace(fields=frozenset(fields)))
    return out, put_back.get(own, set())


def _created(rows: list[Any]) -> bool:
    return any(r.action == "create" for r in rows)


def _kept_because(
    cid: uuid.UUID,
    rows: list[Any],
    current: dict[str, Any] | None,
    history: list[rr.Entry],
    used: str | None,
) -> tuple[str | None, dict[str, str]]:
    """Why the customer is kept whole (None: it is not), and the fields later entries touched
    (field → the first such entry, for a customer the import updated)."""
    if current is None:
        return "the customer no longer exists", {}
    if current["deleted_at"] is not None:
        return "the customer was deleted or merged since the import", {}
    created = _created(rows)
    touched: dict[str, str] = {}
    ours = {r.audit_seq for r in rows if r.audit_seq is not None}
    if ours:
        first = min(ours)
        for e in history:
            if e.seq < first or e.seq in ours:
                continue
            entry = f"audit entry {e.seq}: {e.action} by {e.who}"
            if created or e.action not in FIELD_ACTIONS or not e.fields:
                return f"changed since the import ({entry})", {}
            for name in e.fields:
                touched.setdefault(name, entry)
    if used is not None and created:
        return f"in use since the import ({used})", {}
    return None, touched
