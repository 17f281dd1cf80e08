"""Version marks locked ahead for a shared transaction: one statement for many, in lock order,
and found by later locks without a query."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import event

from rolodex.ingest import marks


def test_lock_all_takes_many_marks_and_later_locks_find_them(tenant):
    db = tenant.client.app.state.db
    at = datetime(2025, 1, 1, tzinfo=UTC)
    with db.session(tenant.id) as session:
        old = marks.lock(session, tenant.id, "shopify", "order", "o-1")
        marks.advance(old, at)  # an existing mark keeps what it knew
    keys = [("customer", f"c-{n}") for n in range(37)] + [("order", "o-1"), ("refund", "r-1")]
    with db.session(tenant.id) as session:
        statements: list[str] = []
        listen = lambda *a: statements.append(a[2])  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listen)
        try:
            marks.lock_all(session, tenant.id, "shopify", keys)
            taken = len(statements)
            found = [marks.lock(session, tenant.id, "shopify", k, e) for k, e in keys]
            assert len(statements) == taken  # no query for a mark locked ahead
        finally:
            event.remove(db.engine, "before_cursor_execute", listen)
        assert [(m.kind, m.external_id) for m in found] == keys
        assert found[-2].version_at is not None
        assert all(m.version_at is None for m in found[:37])
        upserts = [s for s in statements if s.startswith("INSERT INTO ingest_marks")]
        assert len(upserts) == 1  # 39 rows in one statement (insertmanyvalues)
    with db.session(tenant.id) as session:
        again = marks.lock(session, tenant.id, "shopify", "customer", "c-36")
        assert again.version_at is None
