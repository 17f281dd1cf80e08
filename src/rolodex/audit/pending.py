"""Audit entries a transaction appends at its end, many in one statement.

A worker's shared transaction applies dozens of jobs; appending each job's entries as it goes
costs an ORM flush of the entry and of the chain head per change. A session that opts in
(``defer``) has ``audit.service.record`` queue each change instead (its snapshots are taken
then); the queue is appended to the chain, in order, by ``audit.bulk.record_many`` before the
transaction commits, or earlier when something reads or rewrites the log (``drain``).

A SAVEPOINT that rolls back (a failed job) takes the changes queued inside it with it, and
gives back any that were appended inside it (their rows are rolled back too).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from rolodex.auth.roles import Principal

_FLAG = "rolodex_audit_deferred"
_KEY = "rolodex_audit_pending"


@dataclass
class _Queue:
    root: SessionTransaction
    items: list[tuple[Principal, Any]] = field(default_factory=list)
    # each savepoint of the transaction: the queue as it was when it began (kept until the
    # transaction ends: after_transaction_end comes before after_soft_rollback)
    saved: dict[SessionTransaction, list[tuple[Principal, Any]]] = field(default_factory=dict)


def defer(session: Session) -> None:
    """From now on this session's audit entries wait for the end of their transaction."""
    session.info[_FLAG] = True


def deferred(session: Session) -> bool:
    return bool(session.info.get(_FLAG))


def _queue(session: Session, create: bool) -> _Queue | None:
    root = session.get_transaction()
    if root is None:
        return None
    held = session.info.get(_KEY)
    if held is None or held.root is not root:
        if not create:
            return None
        held = _Queue(root)
        session.info[_KEY] = held
    return held


def add(session: Session, principal: Principal, change: Any) -> None:
    """Queue one change (an ``audit.bulk.Change``) for the end of the transaction."""
    if session.get_transaction() is None:
        session.connection()  # begin (as the entry itself would have)
    queue = _queue(session, create=True)
    assert queue is not None
    queue.items.append((principal, change))


def drain(session: Session) -> None:
    """Append every queued change to the chain now, in the order they were recorded."""
    queue = _queue(session, create=False)
    if queue is None or not queue.items:
        return
    from rolodex.audit.bulk import record_many

    items, queue.items = queue.items, []
    run: list[Any] = []
    who: Principal | None = None
    for principal, change in items:
        if who is not None and principal != who:
            record_many(session, who, run)
            run = []
        who = principal
        run.append(change)
    if who is not None:
        record_many(session, who, run)


@event.listens_for(Session, "after_transaction_create")
def _savepoint_begins(session: Session, transaction: SessionTransaction) -> None:
    if transaction.nested and deferred(session):
        queue = _queue(session, create=True)
        if queue is not None:
            queue.saved[transaction] = list(queue.items)


@event.listens_for(Session, "after_soft_rollback")
def _rolled_back(session: Session, previous: SessionTransaction) -> None:
    queue: _Queue | None = session.info.get(_KEY)
    if queue is None:
        return
    if previous.nested and previous in queue.saved:
        queue.items = queue.saved.pop(previous)
    elif not previous.nested:
        session.info.pop(_KEY, None)


@event.listens_for(Session, "before_commit")
def _commits(session: Session) -> None:
    # Fired for a SAVEPOINT's release too: the queue waits for the outermost commit.
    if not session.in_nested_transaction():
        drain(session)
