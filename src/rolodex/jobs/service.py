"""Job use cases shared by the API and the CLI. Never commits."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from rolodex.errors import Conflict, NotFound
from rolodex.jobs import queue
from rolodex.models import Job


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
