"""Erasure: personal data gone from every table, the chain still verifying, money and counts
kept, and the erasure itself on the record."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import DBAPIError

from tests.factories.records import events, get_customer, new_customer, order, transition, verify

PERSONAL = {
    "email": "Zelda.Quist@Example.org",
    "phone": "+1 415 555 0199",
    "first_name": "Zelda",
    "last_name": "Quistwhistle",
    "company": "Quistwhistle Carpentry",
    "notes": "Prefers calls about the Quistwhistle barn",
    "internal_notes": "zq-secret-internal-note",
    "attributes": {"loyalty_id": "ZQ-778899", "visits": 7},
    "addresses": [
        {"line1": "17 Quistwhistle Lane", "city": "Tinytown", "postcode": "94999", "country": "US"}
    ],
    "sources": [{"source": "shopify", "external_id": "shopify-zq-4455"}],
}
# Values that identify her, as stored anywhere (as given, normalized, without punctuation).
NEEDLES = [
    "zelda.quist@example.org",
    "415 555 0199",
    "14155550199",
    "quistwhistle",
    "zelda",
    "zq-secret-internal-note",
    "zq-778899",
    "tinytown",
    "shopify-zq-4455",
    "203.0.113.77",
    "zeldabrowser",
    "called zelda",
]


def _where_found(backend, needles):
    """(table, column, needle) for every text-ish value containing a needle, in any table."""
    found = []
    insp = inspect(backend.owner)
    columns = {
        table: [c["name"] for c in insp.get_columns(table)]
        for table in insp.get_table_names()
        if table != "alembic_version"
    }
    with backend.owner.execution_options(rolodex_write=False).connect() as conn:
        for table, names in columns.items():
            for name in names:
                for needle in needles:
                    hits = conn.execute(
                        text(
                            f'SELECT count(*) FROM "{table}" '
                            f'WHERE lower(CAST("{name}" AS TEXT)) LIKE :p'
                        ),
                        {"p": f"%{needle.lower()}%"},
                    ).scalar()
                    if hits:
                        found.append((table, name, needle))
    return found


def _zelda(tenant):
    ua = {"User-Agent": "ZeldaBrowser/3.0"}
    r = tenant.client.post("/v1/customers", json=PERSONAL, headers={**tenant.headers(), **ua})
    assert r.status_code == 201, r.text
    cid = r.json()["id"]
    transition(tenant, cid, stage="lead_qualified", reason="called Zelda", ltv_amount="20.00")
    transition(tenant, cid, stage="customer", ltv_amount="15.00")
    order(tenant, cid, amount="30.00", number="#55")
    events(
        tenant,
        [
            {
                "type": "page_view",
                "customer_id": cid,
                "ip": "203.0.113.77",
                "user_agent": "ZeldaBrowser/3.0",
                "session_id": "s1",
                "properties": {"email": "zelda.quist@example.org", "cart_total": 99.5},
            },
            {"type": "purchase", "email": "zelda.quist@example.org", "properties": {"amount": 30}},
        ],
    )
    tenant.client.patch(
        f"/v1/customers/{cid}",
        json={"notes": "Called Zelda back", "add_tags": ["vip"]},
        headers={**tenant.headers(), **ua},
    )
    tenant.client.delete(f"/v1/customers/{cid}", headers=tenant.headers())
    tenant.client.post(f"/v1/customers/{cid}/restore", headers=tenant.headers())
    return cid


def _erase(tenant, cid, confirm=None, key=None):
    return tenant.client.post(
        f"/v1/customers/{cid}/erase", json={"confirm": confirm or cid}, headers=tenant.headers(key)
    )


def test_after_erasure_no_personal_value_remains_in_any_table(tenant, backend):
    bystander = new_customer(tenant)["id"]
    cid = _zelda(tenant)
    assert _where_found(backend, NEEDLES)  # the search finds her before
    r = _erase(tenant, cid)
    assert r.status_code == 200, r.text
    assert r.json()["redacted"]["audit_entries"] >= 6
    assert _where_found(backend, NEEDLES) == []
    assert verify(tenant)["ok"]
    assert get_customer(tenant, bystander).json()["email"]


def test_erasure_keeps_money_counts_stages_and_event_types(tenant):
    cid = _zelda(tenant)
    _erase(tenant, cid)
    body = get_customer(tenant, cid).json()
    assert body["email"] is None
    assert body["phone"] is None
    assert body["full_name"] is None
    assert body["notes"] is None
    assert body["attributes"] == {}
    assert (body["lifecycle_stage"], body["ltv"]) == ("customer", "65.00")
    assert body["tags"] == ["vip"]
    assert body["addresses"][0]["country"] == "US"
    assert body["addresses"][0]["line1"] is None
    ledger = tenant.client.get(f"/v1/customers/{cid}/ledger", headers=tenant.headers()).json()
    assert [e["amount"] for e in ledger["items"]] == ["20.00", "15.00", "30.00"]
    timeline = tenant.client.get(f"/v1/customers/{cid}/timeline", headers=tenant.headers()).json()
    kinds = [i["type"] for i in timeline["items"]]
    assert "page_view" in kinds
    assert "purchase" in kinds
    assert kinds[0] == "erased"
    page_view = next(i for i in timeline["items"] if i["type"] == "page_view")
    assert page_view["data"]["properties"] == {"cart_total": 99.5}
    assert page_view["data"]["session_id"] is None
    moves = tenant.client.get(f"/v1/customers/{cid}/transitions", headers=tenant.headers()).json()
    assert [t["reason"] for t in moves["items"]] == [None, None]
    assert [t["to_stage"] for t in moves["items"]] == ["customer", "lead_qualified"]


def test_erasure_is_itself_audited_without_personal_values(tenant):
    cid = _zelda(tenant)
    _erase(tenant, cid)
    items = tenant.client.get(f"/v1/customers/{cid}/audit", headers=tenant.headers()).json()[
        "items"
    ]
    erase = items[0]
    assert erase["action"] == "erase"
    assert "email" in erase["changed"]
    assert "phone" in erase["changed"]
    assert erase["after"]["email"] is None
    assert erase["before"] is None
    create = items[-1]
    assert create["action"] == "create"
    assert create["after"]["email"] is None
    assert create["after"]["lifecycle_stage"] == "prospect"
    assert create["ip"] is None
    assert create["user_agent"] is None


def test_erasure_needs_an_admin_and_the_customer_id_as_confirmation(tenant, backend):
    cid = _zelda(tenant)
    agent = tenant.key("agent")
    assert _erase(tenant, cid, key=agent).status_code == 403
    r = _erase(tenant, cid, confirm=str(uuid.uuid4()))
    assert r.status_code == 422
    assert r.json()["error"]["details"][0]["field"] == "confirm"
    r = tenant.client.post(f"/v1/customers/{cid}/erase", json={}, headers=tenant.headers())
    assert r.status_code == 422
    assert get_customer(tenant, cid).json()["email"] == PERSONAL["email"]
    assert _erase(tenant, str(uuid.uuid4())).status_code == 404


def test_a_deleted_customer_can_be_erased(tenant):
    cid = new_customer(tenant)["id"]
    tenant.client.delete(f"/v1/customers/{cid}", headers=tenant.headers())
    assert _erase(tenant, cid).status_code == 200
    body = get_customer(tenant, cid, include_deleted="true").json()
    assert body["email"] is None
    assert body["deleted_at"] is not None


def test_data_given_after_an_erasure_is_audited_and_erasable_again(tenant, backend):
    cid = _zelda(tenant)
    _erase(tenant, cid)
    r = tenant.client.patch(
        f"/v1/customers/{cid}", json={"email": "new.person@example.net"}, headers=tenant.headers()
    )
    assert r.status_code == 200
    assert verify(tenant)["ok"]
    assert _erase(tenant, cid).status_code == 200
    assert _where_found(backend, ["new.person@example.net", *NEEDLES]) == []
    assert verify(tenant)["ok"]


def test_the_trigger_refuses_redaction_outside_an_erasure(tenant, backend):
    cid = new_customer(tenant)["id"]
    with pytest.raises(DBAPIError, match="append-only"), backend.owner.begin() as conn:
        conn.execute(text("UPDATE audit_log SET before = NULL, after = NULL, ip = NULL"))
    assert get_customer(tenant, cid).status_code == 200
    assert verify(tenant)["ok"]
