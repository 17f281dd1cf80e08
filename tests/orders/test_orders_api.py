"""Orders through the API: they add to and subtract from LTV through the ledger."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest

from rolodex.auth.roles import Principal
from rolodex.lifecycle import service as lifecycle
from rolodex.orders import service as orders
from rolodex.orders.schemas import OrderIn
from tests.factories.records import count_rows, get_customer, new_customer, order, verify


def test_order_with_items_sums_and_adds_to_ltv(tenant):
    cid = new_customer(tenant)["id"]
    r = order(
        tenant,
        cid,
        amount=None,
        number="#1001",
        items=[
            {
                "product": "Grill",
                "category": "outdoor",
                "brand": "Acme",
                "quantity": 2,
                "price": "199.95",
            },
            {"product": "Cover", "quantity": 1, "price": 0.1},
        ],
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["amount"] == "400.00"
    assert [i["product"] for i in body["items"]] == ["Grill", "Cover"]
    assert get_customer(tenant, cid).json()["ltv"] == "400.00"
    again = tenant.client.get(f"/v1/orders/{body['id']}", headers=tenant.headers()).json()
    assert again["items"][0]["category"] == "outdoor"


def test_refund_and_cancel_subtract_and_repaying_adds_again(tenant):
    cid = new_customer(tenant)["id"]
    a = order(tenant, cid, amount="30.00").json()
    b = order(tenant, cid, amount="12.50").json()
    assert get_customer(tenant, cid).json()["ltv"] == "42.50"

    def set_status(o, status):
        r = tenant.client.patch(
            f"/v1/orders/{o['id']}", json={"status": status}, headers=tenant.headers()
        )
        assert r.status_code == 200, r.text

    set_status(a, "refunded")
    assert get_customer(tenant, cid).json()["ltv"] == "12.50"
    set_status(b, "cancelled")
    assert get_customer(tenant, cid).json()["ltv"] == "0.00"
    set_status(a, "paid")
    assert get_customer(tenant, cid).json()["ltv"] == "30.00"
    set_status(a, "paid")  # no change, no ledger entry
    ledger = tenant.client.get(f"/v1/customers/{cid}/ledger", headers=tenant.headers()).json()
    assert [e["kind"] for e in ledger["items"]] == [
        "purchase",
        "purchase",
        "refund",
        "refund",
        "purchase",
    ]


def test_cancelled_order_records_without_changing_ltv(tenant, backend):
    cid = new_customer(tenant)["id"]
    r = order(tenant, cid, amount="99.00", status="cancelled")
    assert r.status_code == 201
    assert get_customer(tenant, cid).json()["ltv"] == "0.00"
    assert count_rows(backend, "ltv_ledger") == 0


def test_same_external_id_updates_the_order(tenant):
    cid = new_customer(tenant)["id"]
    first = order(tenant, cid, source="shopify", external_id="gid://1", amount="50.00")
    assert first.status_code == 201
    again = order(
        tenant, cid, source="shopify", external_id="gid://1", amount="50.00", status="refunded"
    )
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert get_customer(tenant, cid).json()["ltv"] == "0.00"
    other = new_customer(tenant)["id"]
    r = order(tenant, other, source="shopify", external_id="gid://1")
    assert r.status_code == 409
    # the same external id from another source is another order
    assert order(tenant, cid, source="api", external_id="gid://1").status_code == 201


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"amount": "-1"}, "amount"),
        ({"amount": "1.234"}, "amount"),
        ({"amount": "NaN"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"status": "shipped"}, "status"),
        ({"currency": "dollars"}, "currency"),
        ({"amount": None, "items": []}, "body"),
        ({"items": [{"product": "x", "price": "1.00", "quantity": 0}]}, "items.0.quantity"),
        ({"customer_id": "not-a-uuid"}, "customer_id"),
    ],
)
def test_bad_orders_are_422_and_write_nothing(tenant, backend, body, field):
    cid = new_customer(tenant)["id"]
    r = order(tenant, cid, **body)
    assert r.status_code == 422, r.text
    assert field in r.json()["error"]["message"] or any(
        d["field"] == field for d in r.json()["error"]["details"]
    )
    assert count_rows(backend, "orders") == 0


def test_order_for_deleted_or_unknown_customer_is_refused(tenant, backend):
    cid = new_customer(tenant)["id"]
    tenant.client.delete(f"/v1/customers/{cid}", headers=tenant.headers())
    for target in (cid, str(uuid.uuid4())):
        r = order(tenant, target)
        assert r.status_code == 422
        assert r.json()["error"]["details"][0]["field"] == "customer_id"
    assert count_rows(backend, "orders") == 0


def test_ingest_key_records_orders_but_viewer_cannot(tenant):
    cid = new_customer(tenant)["id"]
    ingest, viewer = tenant.key("ingest"), tenant.key("viewer")
    body = {"customer_id": cid, "amount": "1.00"}
    assert (
        tenant.client.post("/v1/orders", json=body, headers=tenant.headers(ingest)).status_code
        == 201
    )
    assert (
        tenant.client.post("/v1/orders", json=body, headers=tenant.headers(viewer)).status_code
        == 403
    )


def test_customer_orders_list_newest_first(tenant):
    cid = new_customer(tenant)["id"]
    for n, when in enumerate(
        ["2026-01-01T00:00:00Z", "2026-03-01T00:00:00Z", "2026-02-01T00:00:00Z"]
    ):
        order(tenant, cid, number=f"#{n}", placed_at=when)
    page = tenant.client.get(
        f"/v1/customers/{cid}/orders", params={"limit": 2}, headers=tenant.headers()
    ).json()
    assert [o["number"] for o in page["items"]] == ["#1", "#2"]
    rest = tenant.client.get(
        f"/v1/customers/{cid}/orders",
        params={"cursor": page["next_cursor"]},
        headers=tenant.headers(),
    ).json()
    assert [o["number"] for o in rest["items"]] == ["#0"]


def test_concurrent_orders_keep_ledger_and_audit_chain_whole(tenant):
    """Writers in parallel: every order counted once, the chain does not fork."""
    cid = uuid.UUID(new_customer(tenant)["id"])
    db = tenant.client.app.state.db
    principal = Principal(tenant.id, "admin", "system", "test")

    def place(n: int) -> None:
        with db.session(tenant.id) as session:
            orders.record_order(
                session, principal, OrderIn(customer_id=cid, amount=Decimal("1.25"), number=str(n))
            )

    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(place, range(24)))
    assert get_customer(tenant, str(cid)).json()["ltv"] == "30.00"
    with db.session(tenant.id, write=False) as session:
        assert lifecycle.ledger_ltv(session, tenant.id, cid) == Decimal("30.00")
    result = verify(tenant)
    assert result["ok"], result
    assert result["entries"] == 25  # the create and one per order


def test_a_paid_order_makes_a_customer_and_a_refund_does_not_undo_it(tenant):
    def stage(cid):
        return get_customer(tenant, cid).json()["lifecycle_stage"]

    def history(cid):
        r = tenant.client.get(f"/v1/customers/{cid}/transitions", headers=tenant.headers())
        return [(t["from_stage"], t["to_stage"], t["reason"]) for t in r.json()["items"]]

    lead = new_customer(tenant, lifecycle_stage="lead_qualified")["id"]
    assert order(tenant, lead, amount="20.00", status="cancelled").status_code == 201
    assert stage(lead) == "lead_qualified"  # not revenue: nothing changes
    paid = order(tenant, lead, amount="30.00", number="#1002").json()
    assert stage(lead) == "customer"
    assert history(lead) == [("lead_qualified", "customer", "paid order #1002")]
    r = tenant.client.patch(
        f"/v1/orders/{paid['id']}", json={"status": "refunded"}, headers=tenant.headers()
    )
    assert r.status_code == 200, r.text
    order(tenant, lead, amount="5.00")  # already a customer: no second transition
    assert stage(lead) == "customer"
    assert len(history(lead)) == 1

    churned = new_customer(tenant, lifecycle_stage="churned")["id"]
    order(tenant, churned, amount="12.00", number="#2001")
    assert stage(churned) == "customer"  # back
    assert history(churned) == [("churned", "customer", "paid order #2001")]
    audit = tenant.client.get(f"/v1/customers/{churned}/audit", headers=tenant.headers()).json()
    newest = audit["items"][0]
    assert newest["action"] == "order"
    assert newest["after"]["lifecycle_stage"] == "customer"
    assert newest["before"]["lifecycle_stage"] == "churned"
