"""Soft delete and restore. A deleted customer leaves every list, search, count and export
(they filter on deleted_at) and keeps its history. Never commits."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from rolodex.audit import service as audit
from rolodex.auth.roles import Principal
from rolodex.customers import repository
from rolodex.customers.service import _email_conflict, _flush_unique, get_customer
from rolodex.customers.snapshot import snapshot
from rolodex.errors import Conflict
from rolodex.identity.errors import CustomerMerged
from rolodex.kit.time import utcnow
from rolodex.models import Customer


def delete_customer(session: Session, principal: Principal, customer_id: uuid.UUID) -> Customer:
    customer = get_customer(session, principal.tenant_id, customer_id)
    before = snapshot(customer)
    customer.deleted_at = customer.updated_at = utcnow()
    session.flush()
    audit.record(session, principal, "delete", customer.id, before, snapshot(customer))
    return customer


def restore_customer(session: Session, principal: Principal, customer_id: uuid.UUID) -> Customer:
    """Bring a deleted customer back; restoring a live one changes nothing."""
    customer = get_customer(session, principal.tenant_id, customer_id, include_deleted=True)
    if customer.deleted_at is None:
        return customer
    if customer.merged_into_id is not None:  # its rows live on the survivor: undo the merge
        raise CustomerMerged(customer.id, customer.merged_into_id)
    if customer.email_normalized:
        other = repository.live_by_email(session, customer.tenant_id, customer.email_normalized)
        if other is not None:
            conflict = _email_conflict(customer.email_normalized, other.id)
            raise Conflict(
                f"cannot restore: {conflict.message}; change or delete that customer first",
                code=conflict.code,
                details=conflict.details,
            )
    before = snapshot(customer)
    customer.deleted_at = None
    customer.updated_at = utcnow()
    _flush_unique(session, customer)
    audit.record(session, principal, "restore", customer.id, before, snapshot(customer))
    return customer
