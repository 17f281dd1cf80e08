"""Merge, preview and undo through the API, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal

from sqlalchemy import select

from rolodex.identity import rows
from rolodex.lifecycle.ltv import replay
from rolodex.models import Base, Customer, MergeLog
from tests.identity.helpers import (
    child_counts,
    child_rows,
    create,
    database_rows,
    populate,
    unique_column_sets,
)


def make_pair(tenant):
    survivor = create(
        tenant,
        first_name="John",
        last_name="Smith",
        email="john@email.com",
        phone=None,
        tags=["vip", "newsletter"],
        attributes={"tier": "gold"},
        notes="likes email",
        addresses=[
            {
                "line1": "1 Main St",
                "city": "New York",
                "postcode": "10001",
                "country": "US",
                "is_default": True,
            }
        ],
    )
    duplicate = create(
        tenant,
        first_name="Jon",
        last_name="Smith",
        email=None,
        phone="+1 212 555 0142",
        tags=["VIP", "wholesale"],
        attributes={"tier": "silver", "size": "M"},
        notes="prefers sms",
        addresses=[
            {
                "line1": "9 Elm Rd",
                "city": "Boston",
                "postcode": "02108",
                "country": "US",
                "is_default": True,
            }
        ],
        sources=[{"source": "shopify", "external_id": "shop-1"}],
    )
    return survivor, duplicate


def merge(tenant, survivor, duplicate, status=201, **params):
    r = tenant.client.post(
        "/v1/merges",
        params=params,
        json={"survivor_id": survivor["id"], "duplicate_id": duplicate["id"]},
        headers=tenant.headers(),
    )
    assert r.status_code == status, r.text
    return r.json()


def test_merge_moves_every_child_row(backend, tenant):
    survivor, duplicate = make_pair(tenant)
    populate(tenant, backend.owner, survivor["id"], duplicate["id"])
    s_before = child_counts(backend.owner, tenant.id, survivor["id"])
    d_before = child_counts(backend.owner, tenant.id, duplicate["id"])
    populated = {t for t, n in d_before.items() if n}
    assert {
        "activities",
        "orders",
        "stage_transitions",
        "ltv_ledger",
        "customer_addresses",
        "customer_sources",
        "customer_tags",
    } <= populated

    body = merge(tenant, survivor, duplicate)

    s_after = child_counts(backend.owner, tenant.id, survivor["id"])
    d_after = child_counts(backend.owner, tenant.id, duplicate["id"])
    for table in rows.child_tables():
        name = table.name
        # nothing lost, nothing copied (the ledger gains exactly the one closing entry)
        extra = 1 if name == "ltv_ledger" else 0
        assert s_after[name] + d_after[name] == s_before[name] + d_before[name] + extra, name
        assert body["moved"].get(name, 0) == d_before[name] - d_after[name], name
        keys = unique_column_sets(table)
        if not keys:
            assert d_after[name] == 0, f"{name}: {d_after[name]} rows left on the duplicate"
            continue
        # what stays is only what the survivor already has an equal of
        mine = child_rows(backend.owner, table, tenant.id, survivor["id"])
        for row in child_rows(backend.owner, table, tenant.id, duplicate["id"]):
            assert any(
                all(str(row[c]).lower() == str(other[c]).lower() for c in key)
                for key in keys
                for other in mine
            ), f"{name}: a row stayed on the duplicate that the survivor does not have"
    assert body["kept_on_duplicate"].get("customer_tags") == 1  # "VIP" ~ "vip"
    assert s_after["customer_tags"] == 3
    assert d_after["activities"] == d_after["orders"] == d_after["ltv_ledger"] == 0


def test_merge_then_undo_leaves_every_table_as_it_was(backend, tenant):
    survivor, duplicate = make_pair(tenant)
    populate(tenant, backend.owner, survivor["id"], duplicate["id"])
    before = database_rows(backend.owner, tenant.id)

    done = merge(tenant, survivor, duplicate)
    assert database_rows(backend.owner, tenant.id) != before

    r = tenant.client.post(f"/v1/merges/{done['id']}/undo", headers=tenant.headers())
    assert r.status_code == 200, r.text
    assert r.json()["kept_changes"] == {}
    assert r.json()["missing"] == {}
    after = database_rows(backend.owner, tenant.id)
    for table, items in before.items():
        if table in ("duplicate_candidates", "dismissed_pairs", "identity_matches"):
            continue
        assert after[table] == items, f"{table} differs after undo"

    again = tenant.client.post(f"/v1/merges/{done['id']}/undo", headers=tenant.headers())
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "already_undone"


def test_merge_fills_empty_fields_lists_conflicts_and_redirects(backend, tenant):
    survivor, duplicate = make_pair(tenant)
    body = merge(tenant, survivor, duplicate)
    s = body["survivor"]
    assert s["phone_e164"] == "+12125550142"  # filled from the duplicate
    assert s["email"] == "john@email.com"
    assert s["first_name"] == "John"  # kept; the difference is listed
    assert s["attributes"] == {"tier": "gold", "size": "M"}
    assert s["notes"] == "likes email\n\nprefers sms"
    assert sorted(t.lower() for t in s["tags"]) == ["newsletter", "vip", "wholesale"]
    defaults = [a for a in s["addresses"] if a["is_default"]]
    assert [a["line1"] for a in defaults] == ["1 Main St"]
    assert len(s["addresses"]) == 2
    assert {src["source"] for src in s["sources"]} >= {"api", "shopify"}
    conflicts = {c["field"]: c for c in body["conflicts"]}
    assert conflicts["first_name"]["survivor"] == "John"
    assert conflicts["first_name"]["duplicate"] == "Jon"
    assert conflicts["attributes.tier"]["duplicate"] == "silver"
    assert "phone" in body["filled"]

    r = tenant.client.get(
        f"/v1/customers/{duplicate['id']}", headers=tenant.headers(), follow_redirects=False
    )
    assert r.status_code == 307
    assert r.headers["location"] == f"/v1/customers/{survivor['id']}"
    assert r.json()["error"]["code"] == "merged"
    assert r.json()["error"]["details"]["survivor_id"] == survivor["id"]
    followed = tenant.client.get(f"/v1/customers/{duplicate['id']}", headers=tenant.headers())
    assert followed.status_code == 200
    assert followed.json()["id"] == survivor["id"]
    r = tenant.client.patch(
        f"/v1/customers/{duplicate['id']}", json={"first_name": "X"}, headers=tenant.headers()
    )
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "merged"
    r = tenant.client.post(f"/v1/customers/{duplicate['id']}/restore", headers=tenant.headers())
    assert r.status_code == 409
    listed = tenant.client.get("/v1/customers", headers=tenant.headers()).json()["items"]
    assert [c["id"] for c in listed] == [survivor["id"]]
    audit = tenant.client.get(f"/v1/customers/{survivor['id']}/audit", headers=tenant.headers())
    assert "merge" in [e["action"] for e in audit.json()["items"]]


def test_merged_ltv_is_the_sum_and_the_ledger_replays_to_it(backend, tenant):
    survivor, duplicate = make_pair(tenant)
    h = tenant.headers()
    for who, stage, amount in (
        (survivor, "customer", "50.00"),
        (duplicate, "lead_qualified", "25.50"),
    ):
        r = tenant.client.post(
            f"/v1/customers/{who['id']}/transitions",
            json={"stage": stage, "ltv_amount": amount},
            headers=h,
        )
        assert r.status_code == 201, r.text
    r = tenant.client.post(
        "/v1/orders", json={"customer_id": duplicate["id"], "amount": "40.00"}, headers=h
    )
    assert r.status_code == 201, r.text
    body = merge(tenant, survivor, duplicate)
    assert Decimal(body["survivor"]["ltv"]) == Decimal("115.50")
    ledger = Base.metadata.tables["ltv_ledger"]
    with backend.owner.connect() as conn:
        entries = conn.execute(
            select(ledger.c.kind, ledger.c.amount, ledger.c.seq)
            .where(
                ledger.c.tenant_id == tenant.id, ledger.c.customer_id == uuid.UUID(survivor["id"])
            )
            .order_by(ledger.c.seq)
        ).all()
    seqs = [e.seq for e in entries]
    assert seqs == sorted(set(seqs))
    assert replay((e.kind, e.amount) for e in entries) == Decimal("115.50")


def test_undo_refused_once_the_survivor_was_merged_again(tenant):
    a, b = make_pair(tenant)
    c = create(tenant, first_name="Johnny", last_name="Smith")
    first = merge(tenant, a, b)
    second = merge(tenant, a, c)
    r = tenant.client.post(f"/v1/merges/{first['id']}/undo", headers=tenant.headers())
    assert r.status_code == 409
    error = r.json()["error"]
    assert error["code"] == "merged_again"
    assert second["id"] in error["message"]
    assert error["details"]["later_merges"] == [second["id"]]
    for merge_id in (second["id"], first["id"]):  # newest first works
        r = tenant.client.post(f"/v1/merges/{merge_id}/undo", headers=tenant.headers())
        assert r.status_code == 200, r.text
    for person in (a, b, c):
        r = tenant.client.get(f"/v1/customers/{person['id']}", headers=tenant.headers())
        assert r.status_code == 200
        assert r.json()["first_name"] == person["first_name"]


def test_dry_run_writes_nothing_and_predicts_the_merge(backend, tenant):
    survivor, duplicate = make_pair(tenant)
    populate(tenant, backend.owner, survivor["id"], duplicate["id"])
    before = database_rows(backend.owner, tenant.id)
    preview = merge(tenant, survivor, duplicate, status=200, dry_run="true")
    assert database_rows(backend.owner, tenant.id) == before
    assert preview["dry_run"] is True
    assert preview["would_move"]["activities"]["count"] == 3
    assert preview["would_move"]["orders"]["count"] == 1
    assert preview["would_stay"]["customer_tags"] == 1
    done = merge(tenant, survivor, duplicate)
    result, actual = preview["result"], done["survivor"]
    for field in ("phone_e164", "email", "first_name", "attributes", "notes", "ltv"):
        assert result[field] == actual[field], field
    assert sorted(result["tags"]) == sorted(actual["tags"])
    assert len(result["addresses"]) == len(actual["addresses"])
    assert {k: v["count"] for k, v in preview["would_move"].items()} == done["moved"]


def test_merge_moves_the_email_when_the_survivor_has_none(tenant):
    survivor = create(tenant, email=None, first_name="Ann", last_name="Lee")
    duplicate = create(tenant, email="ann@lee.org", first_name="Ann", last_name="Lee")
    body = merge(tenant, survivor, duplicate)
    assert body["survivor"]["email"] == "ann@lee.org"
    r = tenant.client.post(f"/v1/merges/{body['id']}/undo", headers=tenant.headers())
    assert r.status_code == 200, r.text
    back = tenant.client.get(f"/v1/customers/{duplicate['id']}", headers=tenant.headers()).json()
    assert back["email"] == "ann@lee.org"
    s = tenant.client.get(f"/v1/customers/{survivor['id']}", headers=tenant.headers()).json()
    assert s["email"] is None


def test_merge_refuses_bad_requests(tenant, other_tenant):
    a, b = make_pair(tenant)
    h = tenant.headers()
    r = tenant.client.post(
        "/v1/merges", json={"survivor_id": a["id"], "duplicate_id": a["id"]}, headers=h
    )
    assert r.status_code == 422
    assert r.json()["error"]["details"][0]["field"] == "duplicate_id"
    r = tenant.client.post(
        "/v1/merges", json={"survivor_id": a["id"], "duplicate_id": str(uuid.uuid4())}, headers=h
    )
    assert r.status_code == 404
    theirs = create(other_tenant)
    r = tenant.client.post(
        "/v1/merges", json={"survivor_id": a["id"], "duplicate_id": theirs["id"]}, headers=h
    )
    assert r.status_code == 404
    for body in ({}, {"survivor_id": "nope", "duplicate_id": b["id"]}, []):
        r = tenant.client.post("/v1/merges", json=body, headers=h)
        assert r.status_code == 422, body
    viewer = tenant.key("viewer")
    r = tenant.client.post(
        "/v1/merges",
        json={"survivor_id": a["id"], "duplicate_id": b["id"]},
        headers=tenant.headers(viewer),
    )
    assert r.status_code == 403
    done = merge(tenant, a, b)
    r = tenant.client.post(
        "/v1/merges", json={"survivor_id": a["id"], "duplicate_id": b["id"]}, headers=h
    )
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "merged"
    assert tenant.client.post(f"/v1/merges/{uuid.uuid4()}/undo", headers=h).status_code == 404
    assert tenant.client.get(f"/v1/merges/{done['id']}", headers=h).json()["id"] == done["id"]
    r = other_tenant.client.get(f"/v1/merges/{done['id']}", headers=other_tenant.headers())
    assert r.status_code == 404
    r = other_tenant.client.post(f"/v1/merges/{done['id']}/undo", headers=other_tenant.headers())
    assert r.status_code == 404
    listed = tenant.client.get("/v1/merges", params={"customer_id": b["id"]}, headers=h).json()
    assert [m["id"] for m in listed["items"]] == [done["id"]]


def test_erasing_the_survivor_erases_merged_records_and_merge_snapshots(backend, tenant):
    survivor, duplicate = make_pair(tenant)
    done = merge(tenant, survivor, duplicate)
    r = tenant.client.post(
        f"/v1/customers/{survivor['id']}/erase",
        json={"confirm": survivor["id"]},
        headers=tenant.headers(),
    )
    assert r.status_code == 200, r.text
    assert r.json()["redacted"]["identity"] == 2  # the merge log and the merged record
    with backend.db.session(tenant.id, write=False) as session:
        log = session.get(MergeLog, (tenant.id, uuid.UUID(done["id"])))
        kept = json.dumps(
            [
                log.survivor_before,
                log.survivor_after,
                log.duplicate_before,
                log.duplicate_after,
                log.details,
            ]
        )
        # the phone as given and as stored (a bare "555" also turns up in timestamps)
        phone = ("555 0142", "2125550142")
        for value in ("john@email.com", "Smith", "Jon", *phone, "Main St", "likes email"):
            assert value not in kept
        merged = session.get(Customer, (tenant.id, uuid.UUID(duplicate["id"])))
        assert (merged.first_name, merged.phone, merged.email_key, merged.name_key) == (
            None,
            None,
            None,
            None,
        )
        kept_address = session.get(Customer, (tenant.id, uuid.UUID(survivor["id"]))).addresses
        assert len(kept_address) == 2  # the merged record's address moved, and was erased
        assert {a.line1 for a in kept_address} == {None}
