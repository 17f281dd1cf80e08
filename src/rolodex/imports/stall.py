"""A running import that nobody runs: its runner died (a worker killed, `rolodex import`
interrupted) and its lease ran out, so it waits for a worker to take it over, which then
finishes it. Its record, its panel and `rolodex imports list` say so: it read as running,
with an ETA that only grew."""

from __future__ import annotations

from datetime import datetime, timedelta

from rolodex.imports.runner import LEASE_SECONDS
from rolodex.models import ImportRun


def stalled_since(run: ImportRun, now: datetime) -> datetime | None:
    """When a running import whose lease ran out last made progress; None while a runner
    holds it (or when it is not running)."""
    if run.state != "running" or run.lease_until is None or run.lease_until > now:
        return None
    # The runner renews the lease in each batch's transaction: its last renewal is the last
    # batch written (a cancel asked since moves updated_at, not this).
    return run.lease_until - timedelta(seconds=LEASE_SECONDS)


def said(since: datetime) -> str:
    """The stall in a staff user's words."""
    return (
        f"No progress since {since:%H:%M} UTC; it resumes when a worker picks it up "
        "(is a worker running?)"
    )
