"""Audit entries a transaction appends at its end, many in one statement (kit.deferred).

In a session that defers its writes (the worker's shared transactions), ``audit.service.record``
queues each change (its snapshots taken then); the queue is appended to the chain in order by
``audit.bulk.record_many``, one call per run of changes by the same actor, before the
transaction commits, or earlier when an entry cannot wait or something reads or rewrites the
log (``drain``). A savepoint that rolls back takes its changes with it.
"""

from __future__ import annotations

from itertools import groupby
from operator import itemgetter
from typing import Any

from sqlalchemy.orm import Session

from rolodex.auth.roles import Principal
from rolodex.kit import deferred

KIND = "audit"


def add(session: Session, principal: Principal, change: Any) -> None:
    """Queue one change (an ``audit.bulk.Change``) for the end of the transaction."""
    deferred.add(session, KIND, (principal, change))


def drain(session: Session) -> None:
    """Append every queued change to the chain now, in the order they were recorded."""
    deferred.drain(session, KIND)


@deferred.writer(KIND)
def _append(session: Session, items: list[tuple[Principal, Any]]) -> None:
    from rolodex.audit.bulk import record_many

    for principal, run in groupby(items, key=itemgetter(0)):
        record_many(session, principal, [change for _, change in run])
