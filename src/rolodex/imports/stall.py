"""An import that nobody runs. Running: its runner died (a worker killed, `rolodex import`
interrupted) and its lease ran out, so it waits for a worker to take it over, which then
finishes it. Queued: no worker has started it (none is running, or all are busy). Its
record, its panel and `rolodex imports list` say so: it read as running, with an ETA that
only grew, or as waiting to start, without end."""

from __future__ import annotations

from datetime import datetime, timedelta

from rolodex.imports.runner import LEASE_SECONDS
from rolodex.models import ImportRun

QUEUED_GRACE = timedelta(seconds=LEASE_SECONDS)  # a free worker starts one within a second


def stalled_since(run: ImportRun, now: datetime) -> datetime | None:
    """Since when an import waits for a worker: a running one whose lease ran out since its
    last progress, a queued one since it was queued (once it has waited QUEUED_GRACE); None
    while a runner holds it, or when it is finished."""
    if run.state == "queued":
        return run.created_at if now - run.created_at >= QUEUED_GRACE else None
    if run.state != "running" or run.lease_until is None or run.lease_until > now:
        return None
    # The runner renews the lease in each batch's transaction: its last renewal is the last
    # batch written (a cancel asked since moves updated_at, not this).
    return run.lease_until - timedelta(seconds=LEASE_SECONDS)


def said(since: datetime, state: str = "running") -> str:
    """The wait in a staff user's words."""
    if state == "queued":
        return (
            f"Waiting since {since:%H:%M} UTC for a worker to start it (is a worker running? "
            "rolodex worker starts one)"
        )
    return (
        f"No progress since {since:%H:%M} UTC; it resumes when a worker picks it up "
        "(is a worker running?)"
    )
