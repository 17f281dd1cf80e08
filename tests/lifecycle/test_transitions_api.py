"""Stage transitions and the LTV ledger through the API, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import uuid
from decimal import Decimal

import pytest

from rolodex.lifecycle import service as lifecycle
from tests.factories.records import count_rows, get_customer, new_customer, order, transition


def test_seed_example_through_the_api(tenant):
    cid = new_customer(tenant)["id"]
    r = transition(tenant, cid, stage="lead_qualified", reason="showed interest", ltv_amount=25.50)
    assert r.status_code == 201, r.text
    assert r.json()["from_stage"] == "prospect"
    r = transition(tenant, cid, stage="customer", reason="made a purchase", ltv_amount="50.00")
    assert r.status_code == 201, r.text
    body = get_customer(tenant, cid).json()
    assert body["lifecycle_stage"] == "customer"
    assert body["ltv"] == "75.50"

    history = tenant.client.get(f"/v1/customers/{cid}/transitions", headers=tenant.headers()).json()
    assert [(t["from_stage"], t["to_stage"], t["reason"]) for t in history["items"]] == [
        ("lead_qualified", "customer", "made a purchase"),
        ("prospect", "lead_qualified", "showed interest"),
    ]
    newest = history["items"][0]
    assert (newest["ltv_before"], newest["ltv_after"], newest["ltv_amount"]) == (
        "25.50",
        "75.50",
        "50.00",
    )
    assert newest["actor"]["type"] == "api_key"
    assert newest["created_at"]

    r = transition(tenant, cid, stage="lead_qualified", ltv_amount="10.00")
    assert r.status_code == 201
    assert get_customer(tenant, cid).json()["ltv"] == "10.00"


def test_ledger_holds_every_change_and_replays_to_the_ltv(tenant):
    cid = new_customer(tenant)["id"]
    transition(tenant, cid, stage="lead_qualified", ltv_amount="25.50")
    transition(tenant, cid, stage="customer", ltv_amount="50.00")
    paid = order(tenant, cid, amount="19.99").json()
    tenant.client.patch(
        f"/v1/orders/{paid['id']}", json={"status": "refunded"}, headers=tenant.headers()
    )
    order(tenant, cid, amount="5.01")
    ledger = tenant.client.get(f"/v1/customers/{cid}/ledger", headers=tenant.headers()).json()
    kinds = [(e["kind"], e["amount"], e["source_type"]) for e in ledger["items"]]
    assert kinds == [
        ("manual_set", "25.50", "transition"),
        ("manual_add", "50.00", "transition"),
        ("purchase", "19.99", "order"),
        ("refund", "19.99", "order"),
        ("purchase", "5.01", "order"),
    ]
    ltv = get_customer(tenant, cid).json()["ltv"]
    assert ltv == "80.51" == ledger["items"][-1]["ltv_after"]
    db = tenant.client.app.state.db
    with db.session(tenant.id, write=False) as session:
        assert lifecycle.ledger_ltv(session, tenant.id, uuid.UUID(cid)) == Decimal("80.51")


def test_stage_without_amount_keeps_ltv_and_amount_without_stage_uses_current_stage(tenant):
    cid = new_customer(tenant)["id"]
    transition(tenant, cid, stage="customer", ltv_amount="40.00")
    r = transition(tenant, cid, stage="churned", reason="no reply")
    assert r.json()["ltv_after"] == "40.00"
    assert get_customer(tenant, cid).json()["ltv"] == "40.00"
    # no stage: the rule follows the current stage (churned sets)
    r = transition(tenant, cid, ltv_amount="3.00")
    assert r.status_code == 201
    assert (r.json()["from_stage"], r.json()["to_stage"]) == ("churned", "churned")
    assert get_customer(tenant, cid).json()["ltv"] == "3.00"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"stage": "customer", "ltv_amount": 10000.01}, "ltv_amount"),
        ({"stage": "customer", "ltv_amount": "10000.01"}, "ltv_amount"),
        ({"stage": "customer", "ltv_amount": -1}, "ltv_amount"),
        ({"stage": "customer", "ltv_amount": "abc"}, "ltv_amount"),
        ({"stage": "customer", "ltv_amount": "NaN"}, "ltv_amount"),
        ({"stage": "customer", "ltv_amount": "1.001"}, "ltv_amount"),
        ({"stage": "customer", "ltv_amount": True}, "ltv_amount"),
        ({"stage": "vip_gold"}, "stage"),
        ({"stage": "CUSTOMER"}, "stage"),
        ({}, "stage"),
        ({"stage": "customer", "colour": "red"}, "colour"),
    ],
)
def test_bad_input_is_422_naming_the_field_and_writes_nothing(tenant, backend, body, field):
    cid = new_customer(tenant)["id"]
    audit_before = count_rows(backend, "audit_log")
    r = transition(tenant, cid, **body)
    assert r.status_code == 422, r.text
    error = r.json()["error"]
    assert error["code"] == "invalid_input"
    assert field in error["message"]
    assert any(d["field"] == field for d in error["details"])
    assert count_rows(backend, "stage_transitions") == 0
    assert count_rows(backend, "ltv_ledger") == 0
    assert count_rows(backend, "audit_log") == audit_before
    after = get_customer(tenant, cid).json()
    assert (after["lifecycle_stage"], after["ltv"]) == ("prospect", "0.00")


def test_json_nan_literal_is_refused(tenant):
    cid = new_customer(tenant)["id"]
    r = tenant.client.post(
        f"/v1/customers/{cid}/transitions",
        content=b'{"stage": "customer", "ltv_amount": NaN}',
        headers={**tenant.headers(), "Content-Type": "application/json"},
    )
    assert r.status_code == 422
    assert "finite" in json.dumps(r.json()["error"]["details"])


def test_amount_messages_say_what_is_allowed(tenant):
    cid = new_customer(tenant)["id"]
    r = transition(tenant, cid, stage="customer", ltv_amount="10000.01")
    assert "between 0.00 and 10,000.00" in r.json()["error"]["details"][0]["message"]


def test_transition_on_deleted_or_unknown_customer_is_404_and_writes_nothing(tenant, backend):
    cid = new_customer(tenant)["id"]
    assert tenant.client.delete(f"/v1/customers/{cid}", headers=tenant.headers()).status_code == 204
    audit_before = count_rows(backend, "audit_log")
    r = transition(tenant, cid, stage="customer", ltv_amount="5.00")
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not_found"
    r = transition(tenant, str(uuid.uuid4()), stage="customer")
    assert r.status_code == 404
    assert count_rows(backend, "stage_transitions") == 0
    assert count_rows(backend, "ltv_ledger") == 0
    assert count_rows(backend, "audit_log") == audit_before
    restored = tenant.client.post(f"/v1/customers/{cid}/restore", headers=tenant.headers()).json()
    assert (restored["lifecycle_stage"], restored["ltv"]) == ("prospect", "0.00")


def test_other_tenant_cannot_transition_or_read_history(tenant, other_tenant):
    cid = new_customer(tenant)["id"]
    transition(tenant, cid, stage="customer", ltv_amount="5.00")
    r = transition(other_tenant, cid, stage="churned", ltv_amount="0")
    assert r.status_code == 404
    r = other_tenant.client.get(f"/v1/customers/{cid}/transitions", headers=other_tenant.headers())
    assert r.status_code == 404
    assert get_customer(tenant, cid).json()["ltv"] == "5.00"


def test_viewer_reads_history_but_cannot_transition(tenant):
    cid = new_customer(tenant)["id"]
    viewer = tenant.key("viewer")
    assert transition(tenant, cid, key=viewer, stage="customer").status_code == 403
    r = tenant.client.get(f"/v1/customers/{cid}/transitions", headers=tenant.headers(viewer))
    assert r.status_code == 200
    assert r.json()["items"] == []


def test_stage_changed_by_patch_joins_the_history(tenant):
    cid = new_customer(tenant)["id"]
    r = tenant.client.patch(
        f"/v1/customers/{cid}", json={"lifecycle_stage": "churned"}, headers=tenant.headers()
    )
    assert r.status_code == 200
    items = tenant.client.get(f"/v1/customers/{cid}/transitions", headers=tenant.headers()).json()[
        "items"
    ]
    assert [(t["from_stage"], t["to_stage"]) for t in items] == [("prospect", "churned")]


def test_history_pages_without_repeats(tenant):
    cid = new_customer(tenant)["id"]
    for n in range(5):
        transition(tenant, cid, stage="lead_qualified", reason=f"r{n}")
    seen, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = tenant.client.get(
            f"/v1/customers/{cid}/transitions", params=params, headers=tenant.headers()
        ).json()
        seen += [t["reason"] for t in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == ["r4", "r3", "r2", "r1", "r0"]
    r = tenant.client.get(
        f"/v1/customers/{cid}/transitions", params={"cursor": "garbage"}, headers=tenant.headers()
    )
    assert r.status_code == 422


def test_opening_balance_keeps_the_ledger_true_for_bulk_loaded_ltv(tenant):
    from sqlalchemy import update

    from rolodex.models import Customer

    cid = new_customer(tenant)["id"]
    db = tenant.client.app.state.db
    with db.session(tenant.id) as session:  # as a bulk loader would
        session.execute(
            update(Customer).where(Customer.id == uuid.UUID(cid)).values(ltv=Decimal("120.00"))
        )
    transition(tenant, cid, stage="customer", ltv_amount="30.00")
    assert get_customer(tenant, cid).json()["ltv"] == "150.00"
    with db.session(tenant.id, write=False) as session:
        assert lifecycle.ledger_ltv(session, tenant.id, uuid.UUID(cid)) == Decimal("150.00")
