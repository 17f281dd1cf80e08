"""Apply a Klaviyo batch: profiles (fields, consent, predictions), consent events, email
opens and clicks as activities. One event that cannot be read is reported, the others apply.
Never commits."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy.orm import Session

from rolodex.activities import service as activities
from rolodex.activities.schemas import EventIn
from rolodex.auth.roles import Principal
from rolodex.ingest import repository
from rolodex.ingest.klaviyo import KlaviyoEvent, Predictions, parse_batch
from rolodex.ingest.profiles import apply_consent, find_customer, upsert_profile
from rolodex.ingest.records import Consent
from rolodex.kit.time import utcnow
from rolodex.models import CustomerPrediction, Tenant

PROVIDER = "klaviyo"


def apply_batch(
    session: Session, principal: Principal, tenant: Tenant, payload: Any
) -> dict[str, Any]:
    counts: Counter[str] = Counter()
    errors: list[dict[str, str]] = []
    touched: dict[str, None] = {}  # customers this batch is about (erasure finds the row by them)
    for event in parse_batch(payload):
        if event.kind == "invalid":
            errors.append({"event": event.event_id, "error": event.error or "invalid"})
            counts["invalid"] += 1
            continue
        counts[_apply_event(session, principal, tenant, event, touched)] += 1
    return {"events": dict(counts), "errors": errors[:50], "customer_ids": list(touched)[:1000]}


def _apply_event(
    session: Session,
    principal: Principal,
    tenant: Tenant,
    event: KlaviyoEvent,
    touched: dict[str, None],
) -> str:
    if event.kind == "ignored":
        return "ignored"
    if event.profile is not None:
        applied = upsert_profile(session, principal, tenant, event.profile)
        if applied.customer_id:
            touched[str(applied.customer_id)] = None
        if event.predictions is not None and applied.customer_id and applied.action != "stale":
            _store_predictions(session, tenant, applied.customer_id, event.predictions)
        if event.kind == "profile":
            return f"profile_{applied.action}"
    if event.kind == "consent" and event.profile_id and event.channel:
        state = "subscribed" if event.subscribed else "unsubscribed"
        consent = Consent(bool(event.subscribed), state, event.occurred_at, source=PROVIDER)
        applied = apply_consent(
            session, principal, tenant, PROVIDER, event.profile_id, event.channel, consent
        )
        if applied.customer_id:
            touched[str(applied.customer_id)] = None
        return f"consent_{applied.action}"
    if event.kind == "activity" and event.profile_id and event.activity_type:
        customer = find_customer(session, tenant.id, PROVIDER, event.profile_id)
        if customer is None or customer.deleted_at is not None:
            return "activity_skipped"
        touched[str(customer.id)] = None
        result = activities.ingest(
            session,
            principal,
            [
                EventIn(
                    type=event.activity_type,
                    customer_id=customer.id,
                    event_id=f"klaviyo:{event.event_id}",
                    occurred_at=min(event.occurred_at or utcnow(), utcnow()),
                    properties=event.properties,
                )
            ],
            single=True,
        )
        return "activity_duplicate" if result[0].duplicate else "activity_created"
    return "ignored"


def _store_predictions(session: Session, tenant: Tenant, customer_id: Any, p: Predictions) -> None:
    row = repository.prediction(session, tenant.id, customer_id, PROVIDER)
    if row is None:
        row = CustomerPrediction(tenant_id=tenant.id, customer_id=customer_id, source=PROVIDER)
        session.add(row)
    row.predicted_clv = p.predicted_clv
    row.historic_clv = p.historic_clv
    row.total_clv = p.total_clv
    row.churn_probability = p.churn_probability
    row.expected_next_order_at = p.expected_next_order_at
    row.average_order_value = p.average_order_value
    row.average_days_between_orders = p.average_days_between_orders
    row.predicted_number_of_orders = p.predicted_number_of_orders
    row.updated_at = utcnow()
