"""Handlers by job kind.

A handler is ``fn(session, job) -> None``: ``session`` is bound to the job's tenant (RLS set on
PostgreSQL) and ``job`` is a :class:`JobContext`. The handler never commits: the worker commits
its changes together with marking the job done, so a job's effects and its completion are one
transaction (a crash in between applies nothing). Raise :class:`NonRetryable` (or let a
pydantic ``ValidationError`` / ``rolodex.errors.InvalidInput`` escape) for input that can never
succeed: the job goes straight to ``dead``. Any other exception is retried with backoff.

Register in your own module and list the module in ``HANDLER_MODULES`` (one line)::

    from rolodex.jobs.registry import JobContext, registry

    @registry.handler("segments.refresh", max_attempts=3, lease_seconds=600)
    def refresh(session: Session, job: JobContext) -> None:
        ...

and enqueue from a service, inside the caller's transaction::

    from rolodex.jobs import queue
    queue.enqueue(session, tenant_id, "segments.refresh", {"segment_id": str(sid)})

A kind registered with ``batchable=True`` lets the worker run several of its jobs in one
transaction, each in its own SAVEPOINT (fewer commits, one lock of the claimed jobs): its
handler must then neither commit nor roll back the session. Kinds that commit as they go (long
imports) stay unbatchable, one job per transaction.

Handlers must be idempotent: after a crash between the handler and the commit, or a lease that
expired while a slow worker was still busy, the same job can run again (its first run's changes
were rolled back, never half-applied).
"""

from __future__ import annotations

import importlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

# Modules that register handlers; the worker imports them all at start.
HANDLER_MODULES: tuple[str, ...] = ("rolodex.ingest.tasks", "rolodex.imports.tasks")


class NonRetryable(Exception):
    """The job's input is wrong: retrying cannot help, the job goes to ``dead`` at once."""


@dataclass(frozen=True, slots=True)
class JobContext:
    tenant_id: uuid.UUID
    id: uuid.UUID
    kind: str
    payload: dict[str, Any]
    attempts: int  # this try included
    max_attempts: int


Handler = Callable[[Session, JobContext], None]
# Optional, for jobs run many to a transaction: load what the handlers of these jobs will read
# in few queries (into the session's identity map). It must change nothing.
Prefetch = Callable[[Session, list[JobContext]], None]


@dataclass(frozen=True, slots=True)
class Kind:
    name: str
    handler: Handler
    max_attempts: int | None = None
    lease_seconds: int | None = None
    prefetch: Prefetch | None = None
    batchable: bool = False


@dataclass
class Registry:
    kinds: dict[str, Kind] = field(default_factory=dict)

    def register(
        self,
        name: str,
        handler: Handler,
        *,
        max_attempts: int | None = None,
        lease_seconds: int | None = None,
        prefetch: Prefetch | None = None,
        batchable: bool = False,
    ) -> None:
        self.kinds[name] = Kind(name, handler, max_attempts, lease_seconds, prefetch, batchable)

    def handler(
        self,
        name: str,
        *,
        max_attempts: int | None = None,
        lease_seconds: int | None = None,
        prefetch: Prefetch | None = None,
        batchable: bool = False,
    ) -> Callable[[Handler], Handler]:
        def decorate(fn: Handler) -> Handler:
            self.register(
                name,
                fn,
                max_attempts=max_attempts,
                lease_seconds=lease_seconds,
                prefetch=prefetch,
                batchable=batchable,
            )
            return fn

        return decorate

    def get(self, name: str) -> Kind | None:
        return self.kinds.get(name)


registry = Registry()


def load_handlers() -> Registry:
    """Import every module of ``HANDLER_MODULES`` so that their handlers are registered."""
    for module in HANDLER_MODULES:
        importlib.import_module(module)
    return registry
