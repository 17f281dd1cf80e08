"""Job use cases shared by the API and the CLI. Never commits."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from rolodex.errors import Conflict, NotFound, field_error
from rolodex.jobs import queue
from rolodex.kit.time import utcnow
from rolodex.models import InboxItem, Job


def retry(session: Session, tenant_id: uuid.UUID, job_id: uuid.UUID) -> Job:
    """Requeue a dead (or waiting) job to run now with a fresh count of tries."""
    job = queue.lock(session, tenant_id, job_id)
    if job is None:
        raise NotFound(f"no job {job_id}")
    if job.state not in ("dead", "queued"):
        raise Conflict(
            f"the job is {job.state}; only dead or waiting jobs can be retried",
            details={"state": job.state},
        )
    queue.requeue(job)
    session.flush()
    return job


MIN_PURGE_AGE = timedelta(days=3)  # Shopify retries a webhook for 48 hours: keep its inbox row


@dataclass(frozen=True, slots=True)
class Purged:
    jobs: int
    inbox: int


def purge(session: Session, tenant_id: uuid.UUID, before: datetime) -> Purged:
    """Delete a tenant's jobs that finished (done) before ``before``, and the received webhooks
    applied by them. Dead and waiting jobs stay (someone has to look at them), and so do their
    webhooks. A webhook's row is what makes a redelivery a duplicate: ``before`` must be older
    than any sender's retry window (MIN_PURGE_AGE)."""
    if utcnow() - before < MIN_PURGE_AGE:
        raise field_error("older_than", f"at least {MIN_PURGE_AGE.days} days")
    finished = select(Job.id).where(
        Job.tenant_id == tenant_id, Job.state == "done", Job.finished_at < before
    )
    inbox = session.execute(
        delete(InboxItem)
        .where(
            InboxItem.tenant_id == tenant_id,
            InboxItem.processed_at < before,
            InboxItem.job_id.in_(finished),
        )
        .execution_options(synchronize_session=False)
    )
    jobs = session.execute(
        delete(Job)
        .where(Job.tenant_id == tenant_id, Job.state == "done", Job.finished_at < before)
        .execution_options(synchronize_session=False)
    )
    return Purged(jobs=_count(jobs), inbox=_count(inbox))


def _count(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
