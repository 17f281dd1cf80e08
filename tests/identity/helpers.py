"""Identity test helpers: child rows of every kind, whole-database snapshots, pairs."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, Table, func, insert, select

from rolodex.identity import rows
from rolodex.models import Base
from tests.factories.customers import customer_payload

# Tables that grow by design when customers change (logs), or that merges write to.
APPEND_ONLY = frozenset({"audit_log", "audit_heads", "audit_subject_keys", "identity_merges"})


def create(tenant: Any, status: int = 201, **fields: Any) -> dict[str, Any]:
    r = tenant.client.post(
        "/v1/customers", json=customer_payload(**fields), headers=tenant.headers()
    )
    assert r.status_code == status, r.text
    return r.json()


def tenant_tables() -> list[Table]:
    return [t for t in Base.metadata.sorted_tables if t.name not in APPEND_ONLY]


def database_rows(owner: Engine, tenant_id: uuid.UUID) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (of this tenant where the table has a tenant), sorted."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with owner.connect() as conn:
        for table in tenant_tables():
            stmt = select(table)
            if "tenant_id" in table.c:
                stmt = stmt.where(table.c.tenant_id == tenant_id)
            elif table.name == "tenants":
                stmt = stmt.where(table.c.id == tenant_id)
            out[table.name] = sorted((tuple(r) for r in conn.execute(stmt)), key=repr)
    return out


def child_counts(owner: Engine, tenant_id: uuid.UUID, customer_id: str) -> dict[str, int]:
    cid = uuid.UUID(customer_id)
    with owner.connect() as conn:
        return {
            t.name: int(
                conn.scalar(
                    select(func.count())
                    .select_from(t)
                    .where(t.c.tenant_id == tenant_id, t.c.customer_id == cid)
                )
                or 0
            )
            for t in rows.child_tables()
        }


def child_rows(owner: Engine, table: Table, tenant_id: uuid.UUID, customer_id: str) -> list[Any]:
    with owner.connect() as conn:
        return list(
            conn.execute(
                select(table).where(
                    table.c.tenant_id == tenant_id, table.c.customer_id == uuid.UUID(customer_id)
                )
            ).mappings()
        )


def unique_column_sets(table: Table) -> list[list[str]]:
    """Columns (besides tenant and customer) of every unique key or index with customer_id,
    partial ones included."""
    sets = [list(table.primary_key.columns)]
    sets += [list(i.columns) for i in table.indexes if i.unique]
    out = []
    for cols in sets:
        names = [c.name for c in cols]
        if "customer_id" in names:
            out.append([n for n in names if n not in ("tenant_id", "customer_id")])
    return out


def _now() -> datetime:
    return datetime.now(UTC)


def populate_direct(owner: Engine, tenant_id: uuid.UUID, survivor: str, duplicate: str) -> None:
    """Rows no public endpoint writes yet: segment memberships and stays, predictions. One of
    each collides with the survivor's (same segment, same prediction source)."""
    tables = Base.metadata.tables
    s, d = uuid.UUID(survivor), uuid.UUID(duplicate)
    with owner.begin() as conn:
        if "segments" in tables:
            seg = [uuid.uuid4(), uuid.uuid4()]
            for i, sid in enumerate(seg):
                conn.execute(
                    insert(tables["segments"]).values(
                        tenant_id=tenant_id,
                        id=sid,
                        key=f"seg-{sid.hex[:8]}",
                        name=f"S{i}",
                        kind="custom",
                        membership="assigned",
                        system=False,
                        created_at=_now(),
                        updated_at=_now(),
                    )
                )
            for cid, segments in ((s, seg[:1]), (d, seg)):
                for sid in segments:
                    conn.execute(
                        insert(tables["segment_memberships"]).values(
                            tenant_id=tenant_id,
                            segment_id=sid,
                            customer_id=cid,
                            assigned_by="manual",
                            confidence=0.9,
                            assigned_at=_now(),
                        )
                    )
                    conn.execute(
                        insert(tables["segment_history"]).values(
                            tenant_id=tenant_id,
                            id=uuid.uuid4(),
                            segment_id=sid,
                            customer_id=cid,
                            entered_at=_now(),
                            assigned_by="manual",
                            confidence=0.9,
                        )
                    )
        if "customer_predictions" in tables:
            for cid, sources in ((s, ["klaviyo"]), (d, ["klaviyo", "model"])):
                for source in sources:
                    conn.execute(
                        insert(tables["customer_predictions"]).values(
                            tenant_id=tenant_id,
                            customer_id=cid,
                            source=source,
                            churn_probability=0.25,
                            updated_at=_now(),
                        )
                    )


def populate(tenant: Any, owner: Engine, survivor: str, duplicate: str) -> None:
    """Child rows of every kind on both customers, through the API where there is one."""
    h = tenant.headers()
    c = tenant.client
    for cid, n in ((survivor, 1), (duplicate, 2)):
        events = [
            {"type": "page_view", "customer_id": cid, "event_id": f"{cid}-{i}"}
            for i in range(n + 1)
        ]
        assert c.post("/v1/events", json=events, headers=h).status_code == 201
        r = c.post("/v1/orders", json={"customer_id": cid, "amount": f"{10 * n}.00"}, headers=h)
        assert r.status_code == 201, r.text
        r = c.post(
            f"/v1/customers/{cid}/transitions",
            json={"stage": "lead_qualified", "ltv_amount": "25.50"},
            headers=h,
        )
        assert r.status_code == 201, r.text
    populate_direct(owner, tenant.id, survivor, duplicate)
