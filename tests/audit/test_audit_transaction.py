"""Many audited changes in one transaction (the worker's batches): the head is locked once and
what the transaction learnt (history, subject keys) is reused, and forgotten when a savepoint
rolls back, so the chain stays whole."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select

from rolodex.audit import repository
from rolodex.audit import service as audit
from rolodex.customers.snapshot import snapshot
from rolodex.models import AuditEntry, AuditSubjectKey, Customer


def _bulk_loaded(session, tenant_id, name):
    """A customer without history (as a bulk load leaves it)."""
    customer = Customer(tenant_id=tenant_id, id=uuid.uuid4(), first_name=name, attributes={})
    session.add(customer)
    session.flush()
    return customer


def _rename(session, principal, customer, name):
    before = snapshot(customer)
    customer.first_name = name
    return audit.record(session, principal, "update", customer.id, before, snapshot(customer))


def test_a_rolled_back_savepoint_forgets_what_the_transaction_learnt(tenant):
    db = tenant.client.app.state.db
    principal = audit.system_principal(tenant.id)
    with db.session(tenant.id) as session:
        ada = _bulk_loaded(session, tenant.id, "Ada")
        grace = _bulk_loaded(session, tenant.id, "Grace")
        _rename(session, principal, ada, "Augusta")  # baseline + update, head locked
        try:
            with session.begin_nested():
                _rename(session, principal, grace, "Hopper")  # baseline + key + update
                raise RuntimeError("the job failed")
        except RuntimeError:
            pass
        # Grace has no history and no key again; the head is back at Ada's update.
        assert not repository.has_history(session, tenant.id, grace.id)
        assert repository.subject_key(session, tenant.id, grace.id) is None
        grace = session.get(Customer, (tenant.id, grace.id))
        assert grace is not None
        assert grace.first_name == "Grace"
        _rename(session, principal, grace, "Hopper")
        _rename(session, principal, ada, "Ada")
        head = repository.lock_head(session, tenant.id)
        assert repository.has_history(session, tenant.id, grace.id)
    with db.session(tenant.id) as session:
        actions = session.execute(
            select(AuditEntry.customer_id, AuditEntry.action)
            .where(AuditEntry.tenant_id == tenant.id)
            .order_by(AuditEntry.seq)
        ).all()
        assert actions == [
            (ada.id, "baseline"),
            (ada.id, "update"),
            (grace.id, "baseline"),
            (grace.id, "update"),
            (ada.id, "update"),
        ]
        assert head.seq == 5
        keys = session.scalar(
            select(func.count())
            .select_from(AuditSubjectKey)
            .where(AuditSubjectKey.tenant_id == tenant.id)
        )
        assert keys == 2
        result = audit.verify(session, tenant.id)
        assert result.ok, result.message
        assert result.entries == 5


def test_the_head_is_locked_again_in_the_next_transaction(tenant):
    db = tenant.client.app.state.db
    principal = audit.system_principal(tenant.id)
    with db.session(tenant.id) as session:
        ada = _bulk_loaded(session, tenant.id, "Ada")
        _rename(session, principal, ada, "Augusta")
        first = repository.lock_head(session, tenant.id)
        assert repository.lock_head(session, tenant.id) is first
        session.commit()
        assert repository.lock_head(session, tenant.id).seq == 2  # a fresh lock, same row
        _rename(session, principal, ada, "Ada")
    with db.session(tenant.id) as session:
        assert audit.verify(session, tenant.id).entries == 3


def _label(session, principal, label, changed=None):
    after = {"label": label}
    return audit.record(session, principal, "note", None, None, after, changed=changed)


def test_deferred_entries_keep_their_order_and_leave_with_a_rolled_back_savepoint(tenant):
    """A session that defers its entries (the worker's shared transactions): they are
    appended at commit in the order recorded; a savepoint that rolls back takes its own with
    it and gives back the earlier ones it had appended; an entry that cannot wait goes after
    the queued ones."""
    from rolodex.kit import deferred

    db = tenant.client.app.state.db
    principal = audit.system_principal(tenant.id)
    other = audit.system_principal(tenant.id, "someone-else")
    with db.session(tenant.id) as session:
        deferred.defer(session)
        assert _label(session, principal, "A") is None  # queued
        try:
            with session.begin_nested():
                _label(session, principal, "dropped-1")
                raise RuntimeError("the job failed")
        except RuntimeError:
            pass
        try:
            with session.begin_nested():
                _label(session, principal, "dropped-2")
                # cannot wait (an explicit field list): A and dropped-2 are appended first
                assert _label(session, principal, "dropped-3", changed=["label"]) is not None
                raise RuntimeError("the job failed")
        except RuntimeError:
            pass
        _label(session, other, "B")  # another actor: a second run of the same append
        with session.begin_nested():
            _label(session, principal, "C")
        assert _label(session, principal, "D", changed=["label"]) is not None  # after A, B, C
        _label(session, principal, "E")
        count = session.scalar(select(func.count()).where(AuditEntry.tenant_id == tenant.id))
        assert count == 4  # A, B, C, D: E waits for the commit
    with db.session(tenant.id) as session:
        rows = session.execute(
            select(AuditEntry.after, AuditEntry.actor_id)
            .where(AuditEntry.tenant_id == tenant.id, AuditEntry.action == "note")
            .order_by(AuditEntry.seq)
        ).all()
        assert [(r.after["label"], r.actor_id) for r in rows] == [
            ("A", "system"),
            ("B", "someone-else"),
            ("C", "system"),
            ("D", "system"),
            ("E", "system"),
        ]
        assert audit.verify(session, tenant.id).ok
