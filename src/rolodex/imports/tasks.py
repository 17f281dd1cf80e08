"""Jobs ``import.run`` and ``import.revert``.

Unlike most handlers these commit as they go: an import of millions of rows is committed one
batch at a time together with its progress, so that it is resumable and so that other writers
are not kept waiting (on SQLite one transaction holds the only write lock). A crash loses at
most the batch in hand; the retried job (or `rolodex import`) goes on from the last committed
batch. The import's own lease (imports.runner) keeps two runners off one import: a job that
finds the import leased elsewhere looks again when that lease ends.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from sqlalchemy.orm import Session

from rolodex.imports import revert, runner
from rolodex.jobs import queue
from rolodex.jobs.registry import JobContext, NonRetryable, registry
from rolodex.jobs.worker import is_permanent
from rolodex.kit.time import utcnow


def _import_id(job: JobContext) -> uuid.UUID:
    try:
        return uuid.UUID(str(job.payload["import_id"]))
    except (KeyError, ValueError) as exc:
        raise NonRetryable("the job names no import") from exc


@registry.handler("import.run", lease_seconds=runner.LEASE_SECONDS, max_attempts=20)
def run_import(session: Session, job: JobContext) -> None:
    import_id = _import_id(job)
    name = _runner(job)
    try:
        runner.run_import(session, job.tenant_id, import_id, runner=name, job_id=job.id)
    except runner.Busy as exc:
        session.rollback()
        later = (exc.until or utcnow()) + timedelta(seconds=5)
        queue.enqueue(session, job.tenant_id, "import.run", job.payload, run_at=later)
    except Exception as exc:
        final = is_permanent(exc) or job.attempts >= job.max_attempts
        runner.interrupted(session, job.tenant_id, import_id, exc, final, name)
        raise


def _runner(job: JobContext) -> str:
    """Named by its claim: a job taken over by a second worker (its lease ran out while the
    first was frozen) must not pass for the first, nor the first for it."""
    return f"job:{job.id}:{job.attempts}"


@registry.handler(revert.KIND, lease_seconds=runner.LEASE_SECONDS, max_attempts=20)
def run_revert(session: Session, job: JobContext) -> None:
    try:
        revert.run_revert(session, job.tenant_id, _import_id(job), _runner(job), job_id=job.id)
    except runner.Busy as exc:
        session.rollback()
        later = (exc.until or utcnow()) + timedelta(seconds=5)
        queue.enqueue(session, job.tenant_id, revert.KIND, job.payload, run_at=later)
