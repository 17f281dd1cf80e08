"""Writes a transaction makes at its end, many rows in one statement per kind.

A worker's shared transaction applies dozens of jobs; writing each job's bookkeeping rows (its
audit entries, its inbox row marked processed) as it goes costs an ORM flush per row. A session
that opts in (``defer``) lets such writes be queued instead (``add``); before the transaction
commits, or earlier when something must see them (``drain``), each kind's writer gets its
queued items in the order they were added, in one call.

A SAVEPOINT that rolls back (a failed job) takes the items queued inside it with it, and gives
back any that were written inside it (their rows are rolled back too).

A shared transaction that runs its jobs without SAVEPOINTs may also put off the flushes that
only make a change visible early (``defer_flushes``, then ``flush``): its jobs' new customers,
orders and ledger entries are then written by one flush, one executemany per table, instead of
one flush per job. Should that late flush fail (a conflict), the whole transaction rolls back
and the worker runs its jobs again, each in a SAVEPOINT, flushing as they go. Reads still see
what is not flushed yet: any statement run on the transaction's connection flushes it first,
as the ORM's autoflush does for its own queries, unless it says it needs not (``UNFLUSHED_OK``,
the matcher's blocking query, which checks the unflushed customers itself).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Connection, Engine, event
from sqlalchemy.orm import Session, SessionTransaction

Writer = Callable[[Session, list[Any]], None]

_FLAG = "rolodex_deferred"
_KEY = "rolodex_deferred_queue"
_WRITERS: dict[str, Writer] = {}
_FLUSHES = "rolodex_flushes_deferred"
# the connection of each transaction whose flushes wait, and its session
_OWNERS: WeakKeyDictionary[Connection, Session] = WeakKeyDictionary()
UNFLUSHED_OK = "rolodex_unflushed_ok"  # an execution option: run it without flushing first


def writer(kind: str) -> Callable[[Writer], Writer]:
    """Register the function that writes a kind's queued items (in the order they came)."""

    def register(fn: Writer) -> Writer:
        _WRITERS[kind] = fn
        return fn

    return register


@dataclass
class _Queue:
    root: SessionTransaction
    items: dict[str, list[Any]] = field(default_factory=dict)
    # each savepoint of the transaction: the queue as it was when it began (kept until the
    # transaction ends: after_transaction_end comes before after_soft_rollback)
    saved: dict[SessionTransaction, dict[str, list[Any]]] = field(default_factory=dict)

    def copy(self) -> dict[str, list[Any]]:
        return {kind: list(items) for kind, items in self.items.items()}


def defer(session: Session) -> None:
    """From now on, this session's deferrable writes wait for the end of their transaction."""
    session.info[_FLAG] = True


def deferred(session: Session) -> bool:
    return bool(session.info.get(_FLAG))


def _queue(session: Session, create: bool) -> _Queue | None:
    root = session.get_transaction()
    if root is None:
        if not create:
            return None
        session.connection()  # begin, as the write itself would have
        root = session.get_transaction()
        assert root is not None
    held: _Queue | None = session.info.get(_KEY)
    if held is None or held.root is not root:
        if not create:
            return None
        held = _Queue(root)
        session.info[_KEY] = held
    return held


def add(session: Session, kind: str, item: Any) -> None:
    """Queue one item of a kind for the end of the transaction."""
    queue = _queue(session, create=True)
    assert queue is not None
    queue.items.setdefault(kind, []).append(item)


def drain(session: Session, kind: str | None = None) -> None:
    """Write the queued items now (of one kind, or of every kind in registration order)."""
    queue = _queue(session, create=False)
    if queue is None:
        return
    for name in [kind] if kind else list(_WRITERS):
        items = queue.items.pop(name, None)
        if items:
            _WRITERS[name](session, items)


@event.listens_for(Session, "after_transaction_create")
def _savepoint_begins(session: Session, transaction: SessionTransaction) -> None:
    if transaction.nested and deferred(session):
        queue = _queue(session, create=True)
        if queue is not None:
            queue.saved[transaction] = queue.copy()


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


# -- flushes -----------------------------------------------------------------------------
def defer_flushes(session: Session) -> None:
    """From now on until the transaction ends, ``flush`` waits for its end (see above)."""
    _OWNERS[session.connection()] = session
    session.info[_FLUSHES] = session.get_transaction()


def flushes_deferred(session: Session) -> bool:
    root = session.info.get(_FLUSHES)
    return root is not None and root is session.get_transaction()


def flush(session: Session) -> None:
    """Flush now, unless this transaction's flushes wait for its end."""
    if not flushes_deferred(session):
        session.flush()


@event.listens_for(Engine, "before_execute")
def _flush_first(
    conn: Connection, _clause: Any, _multi: Any, _params: Any, options: Mapping[str, Any]
) -> None:
    session = _OWNERS.get(conn)
    if session is None or options.get(UNFLUSHED_OK) or not session.autoflush:
        return  # (under ``no_autoflush`` a caller asked for what is flushed only)
    if getattr(session, "_flushing", False) or not flushes_deferred(session):
        return
    if session.new or session.deleted or session.dirty:
        session.flush()
