"""Response shapes of the job monitor."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel

JobState = Literal["queued", "running", "done", "dead"]


class JobOut(BaseModel):
    id: uuid.UUID
    kind: str
    state: JobState
    payload: dict[str, Any]
    attempts: int
    max_attempts: int
    run_at: datetime
    locked_until: datetime | None
    locked_by: str | None
    last_error: str | None
    created_at: datetime
    updated_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class JobList(BaseModel):
    items: list[JobOut]
    next_cursor: str | None


class JobCounts(BaseModel):
    queued: int = 0
    running: int = 0
    done: int = 0
    dead: int = 0
