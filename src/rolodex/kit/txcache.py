"""Facts learnt in the current transaction (a lock taken, a row known to exist), kept so that
the transaction does not ask the database again.

The cache belongs to the session's outermost transaction: a new transaction starts empty, and
any rollback (a savepoint's too) forgets everything, since what was learnt may be undone.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, SessionTransaction

_KEY = "rolodex_tx_cache"


def cache(session: Session) -> dict[Any, Any]:
    """The current transaction's facts (the transaction begins if it has not: every caller
    is about to ask the database, and a fact kept before it began would be lost)."""
    root = session.get_transaction()
    if root is None:
        session.connection()
        root = session.get_transaction()
        assert root is not None
    held = session.info.get(_KEY)
    if held is None or held[0] is not root:
        held = (root, {})
        session.info[_KEY] = held
    facts: dict[Any, Any] = held[1]
    return facts


def held(session: Session, key: Any) -> tuple[bool, Any]:
    """A row the transaction remembers under ``key`` (or None: remembered as absent):
    (True, it); (False, None) when it remembers nothing, or the row left the session. A row
    added in this transaction and not flushed yet is in the session too."""
    facts = cache(session)
    if key not in facts:
        return False, None
    value = facts[key]
    if value is None:
        return True, None
    state = inspect(value)
    if state.persistent or state.pending:
        return True, value
    return False, None


def forget(session: Session) -> None:
    """Drop every fact: what the transaction changed behind the ORM's back (Core updates of
    customers, rows moved by a merge) may contradict them."""
    session.info.pop(_KEY, None)


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, _previous: SessionTransaction) -> None:
    session.info.pop(_KEY, None)
