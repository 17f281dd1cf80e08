"""Churn risk from recency, pure: the rule the overview counts and the customer page shows.

Until churn predictions exist (SPEC §5, a job), a paying customer's risk is how long it has
been quiet: no activity (or, never active, no sign-up) for 90 days is high, 45 days medium.
"""

from __future__ import annotations

from datetime import datetime, timedelta

HIGH_RISK_DAYS = 90
MEDIUM_RISK_DAYS = 45


def churn_risk(
    stage: str, last_active_at: datetime | None, created_at: datetime, now: datetime
) -> str:
    """high, medium or low for a paying customer; churned; or none for everyone else."""
    if stage == "churned":
        return "churned"
    if stage != "customer":
        return "none"
    quiet = now - (last_active_at or created_at)
    if quiet >= timedelta(days=HIGH_RISK_DAYS):
        return "high"
    if quiet >= timedelta(days=MEDIUM_RISK_DAYS):
        return "medium"
    return "low"
