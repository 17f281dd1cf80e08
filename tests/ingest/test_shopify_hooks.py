"""Shopify webhooks end to end on SQLite and PostgreSQL: signed as Shopify signs, stored before
the 200, applied by the worker."""

from __future__ import annotations

from decimal import Decimal

from tests.ingest.conftest import Hooks
from tests.ingest.payloads import (
    SHOPIFY_SECRET,
    body_of,
    email_consent_event,
    purchasing_summary_event,
    shopify_customer,
    shopify_headers,
    shopify_order,
    shopify_refund,
    sms_consent_event,
    tags_event,
)


def test_customers_create_maps_every_field(hooks: Hooks):
    c = shopify_customer(
        email="Bob.Biller@Example.com",
        phone="613-555-0135",
        state="enabled",
        first_name="Bob",
        last_name="Biller",
        email_marketing_consent={
            "state": "subscribed",
            "opt_in_level": "single_opt_in",
            "consent_updated_at": "2025-01-09T08:00:00-05:00",
        },
        sms_marketing_consent={
            "state": "not_subscribed",
            "opt_in_level": None,
            "consent_updated_at": None,
            "consent_collected_from": "OTHER",
        },
        tags="wholesale-lead, newsletter",
    )
    second = dict(
        c["default_address"],
        id=99,
        default=False,
        address1="2 Side St",
        city="Toronto",
        zip="M5V 2T6",
    )
    c["addresses"] = [second, c["default_address"]]
    r = hooks.shopify("customers/create", c)
    assert r.status_code == 200
    assert r.json()["status"] == "accepted"
    assert hooks.counts() == (1, 1)
    assert hooks.work().done == 1
    got = hooks.customer("bob.biller@example.com")
    assert (got["first_name"], got["last_name"], got["email"]) == (
        "Bob",
        "Biller",
        "Bob.Biller@Example.com",
    )
    assert got["phone_e164"] == "+16135550135"
    assert got["internal_notes"] == "This customer loves ice cream"
    assert got["customer_type"] == "registered"
    assert got["company"] == "Biller & Co"
    assert sorted(got["tags"]) == ["newsletter", "wholesale-lead"]
    assert got["consent"]["email"] is True
    assert got["consent"]["sms"] is False
    assert got["consent"]["email_at"].startswith("2025-01-09T13:00:00")
    assert got["sources"][0]["source"] == "shopify"
    assert got["sources"][0]["external_id"] == str(c["id"])
    default = [a for a in got["addresses"] if a["is_default"]]
    assert len(got["addresses"]) == 2
    assert default[0]["city"] == "Ottawa"
    assert default[0]["region"] == "ON"
    assert default[0]["country"] == "CA"
    assert got["attributes"]["shopify"]["currency"] == "CAD"


def test_bad_missing_or_foreign_signatures_get_401_and_store_nothing(hooks: Hooks):
    body = body_of(shopify_customer())
    url = f"/v1/hooks/{hooks.tenant.slug}/shopify"
    good = shopify_headers("customers/create", body)
    cases = [
        {**good, "X-Shopify-Hmac-Sha256": "AAAA"},
        {k: v for k, v in good.items() if k != "X-Shopify-Hmac-Sha256"},
        shopify_headers("customers/create", body, secret="someone-elses-secret-123"),
        {**good, "X-Shopify-Hmac-Sha256": "%%%not-base64%%%"},
    ]
    for headers in cases:
        r = hooks.client.post(url, content=body, headers=headers)
        assert r.status_code == 401, r.text
        assert r.json()["error"]["code"] == "invalid_signature"
    # A body changed after signing.
    r = hooks.client.post(url, content=body + b" ", headers=good)
    assert r.status_code == 401
    # An unknown tenant answers the same (no tenant enumeration).
    r = hooks.client.post("/v1/hooks/no-such-shop/shopify", content=body, headers=good)
    assert r.status_code == 401
    assert hooks.counts() == (0, 0)
    sources = hooks.client.get("/v1/sources", headers=hooks.tenant.headers()).json()["items"]
    shopify = [s for s in sources if s["provider"] == "shopify"][0]
    assert shopify["rejected_last_hour"] == 5
    assert shopify["webhook_path"] == f"/v1/hooks/{hooks.tenant.slug}/shopify"
    assert "secret" not in str(sources).lower().replace("secret_", "")


def test_the_same_webhook_id_twice_has_one_effect(hooks: Hooks):
    c = shopify_customer()
    first = hooks.shopify("customers/create", c, webhook_id="wh-1")
    second = hooks.shopify("customers/create", c, webhook_id="wh-1")
    assert first.json()["status"] == "accepted"
    assert second.status_code == 200
    assert second.json() == {"status": "duplicate", "id": None}
    assert hooks.counts() == (1, 1)
    hooks.work()
    order = shopify_order(c)
    for _ in range(3):
        hooks.shopify("orders/paid", order, webhook_id="wh-order")
    hooks.work()
    assert hooks.counts() == (2, 2)
    assert hooks.customer(c["email"])["ltv"] == "219.00"
    assert len(hooks.customers()) == 1


def test_an_older_update_arriving_late_leaves_newer_data(hooks: Hooks):
    c = shopify_customer(updated_at="2025-01-10T09:00:00-05:00")
    hooks.shopify("customers/create", c)
    newer = dict(
        c, first_name="Robert", note="Prefers phone", updated_at="2025-01-12T09:00:00-05:00"
    )
    older = dict(
        c,
        first_name="Bobby",
        note="stale note",
        phone="+16135550199",
        updated_at="2025-01-11T09:00:00-05:00",
    )
    hooks.shopify("customers/update", newer)
    hooks.shopify("customers/update", older)
    stats = hooks.work()
    assert stats.done == 3
    got = hooks.customer(c["email"])
    assert got["first_name"] == "Robert"
    assert got["internal_notes"] == "Prefers phone"
    assert got["phone_e164"] == c["phone"]
    # Without updated_at, X-Shopify-Triggered-At is the version.
    stale = {k: v for k, v in dict(c, first_name="Ghost").items() if k != "updated_at"}
    hooks.shopify("customers/update", stale, triggered_at="2025-01-01T00:00:00Z")
    hooks.work()
    assert hooks.customer(c["email"])["first_name"] == "Robert"


def test_orders_paid_then_refund_moves_ltv_up_and_down_through_the_ledger(hooks: Hooks):
    c = shopify_customer()
    hooks.shopify("customers/create", c)
    order = shopify_order(c)
    hooks.shopify("orders/paid", order)
    hooks.work()
    got = hooks.customer(c["email"])
    assert got["ltv"] == "219.00"
    assert got["lifecycle_stage"] == "customer"  # the paid order converted the prospect
    hooks.shopify("refunds/create", shopify_refund(order["id"], "20.00"))
    hooks.work()
    assert hooks.customer(c["email"])["ltv"] == "199.00"
    hooks.shopify("refunds/create", shopify_refund(order["id"], "199.00"))
    hooks.work()
    assert hooks.customer(c["email"])["ltv"] == "0.00"
    assert hooks.customer(c["email"])["lifecycle_stage"] == "customer"  # a refund keeps it
    ledger = hooks.client.get(f"/v1/customers/{got['id']}/ledger", headers=hooks.tenant.headers())
    assert ledger.status_code == 200, ledger.text
    entries = sorted(ledger.json()["items"], key=lambda e: e["seq"])
    assert [(e["kind"], e["amount"]) for e in entries] == [
        ("purchase", "219.00"),
        ("refund", "20.00"),
        ("refund", "199.00"),
    ]
    orders = hooks.client.get(f"/v1/customers/{got['id']}/orders", headers=hooks.tenant.headers())
    [row] = orders.json()["items"]
    assert (row["status"], row["amount"], row["source"]) == ("refunded", "219.00", "shopify")
    assert [i["product"] for i in row["items"]] == ["IPod Nano - 8GB", "Case"]
    assert row["items"][0]["brand"] == "Apple"


def test_refund_before_its_order_and_repeated_updates_count_once(hooks: Hooks):
    c = shopify_customer()
    order = shopify_order(c, total_price="100.00")
    refund = shopify_refund(order["id"], "30.00")
    hooks.shopify("refunds/create", refund)
    hooks.work()
    hooks.shopify("orders/create", order)
    later = dict(
        order,
        financial_status="partially_refunded",
        updated_at="2025-02-04T10:00:00-05:00",
        refunds=[refund],
    )
    hooks.shopify("orders/updated", later)
    hooks.shopify("orders/updated", later)  # Shopify sends an update twice (new webhook id)
    hooks.work()
    got = hooks.customer(c["email"])
    assert got["ltv"] == "70.00"
    ledger = hooks.client.get(f"/v1/customers/{got['id']}/ledger", headers=hooks.tenant.headers())
    assert [e["kind"] for e in ledger.json()["items"]] == ["purchase"]


def test_unpaid_and_cancelled_orders_do_not_count(hooks: Hooks):
    c = shopify_customer()
    pending = shopify_order(c, financial_status="pending", total_price="50.00")
    hooks.shopify("orders/create", pending)
    hooks.work()
    assert hooks.customer(c["email"])["ltv"] == "0.00"
    assert hooks.customer(c["email"])["lifecycle_stage"] == "prospect"  # not paid yet
    paid = dict(pending, financial_status="paid", updated_at="2025-02-01T11:00:00-05:00")
    hooks.shopify("orders/paid", paid)
    hooks.work()
    assert hooks.customer(c["email"])["ltv"] == "50.00"
    cancelled = dict(
        paid,
        cancelled_at="2025-02-02T10:00:00-05:00",
        financial_status="voided",
        updated_at="2025-02-02T10:00:00-05:00",
    )
    hooks.shopify("orders/updated", cancelled)
    hooks.work()
    assert hooks.customer(c["email"])["ltv"] == "0.00"


def test_a_poison_payload_ends_dead_with_its_error(hooks: Hooks):
    c = shopify_customer()
    poison = shopify_order(c, total_price="12,50 EUR")
    assert hooks.shopify("orders/paid", poison).status_code == 200
    not_json = b'{"id": 1, "email": '
    assert hooks.shopify("customers/create", not_json).status_code == 200
    stats = hooks.work()
    assert stats.dead == 2
    assert stats.retried == 0
    dead = hooks.client.get("/v1/jobs", params={"state": "dead"}, headers=hooks.tenant.headers())
    errors = sorted(j["last_error"] for j in dead.json()["items"])
    assert "the body is not JSON" in errors[1]
    assert "total_price: not a money amount" in errors[0]
    assert "orders/paid" in errors[0]
    inbox = hooks.client.get("/v1/inbox", headers=hooks.tenant.headers()).json()["items"]
    assert {i["job_state"] for i in inbox} == {"dead"}
    assert all(i["processed_at"] is None for i in inbox)
    # Retried, a poison payload goes dead again (and nothing half-applied stays behind).
    job_id = [j["id"] for j in dead.json()["items"] if "total_price" in j["last_error"]][0]
    assert (
        hooks.client.post(f"/v1/jobs/{job_id}/retry", headers=hooks.tenant.headers()).status_code
        == 200
    )
    assert hooks.work().dead == 1
    assert hooks.customers() == []


def test_split_topics_tags_consent_and_purchasing_summary(hooks: Hooks):
    c = shopify_customer()
    hooks.shopify("customers/create", c)
    cid = c["id"]
    hooks.shopify("customer.tags_added", tags_event(cid, ["VIP", "spring"], "2025-02-01T10:00:00Z"))
    hooks.shopify("customer.tags_removed", tags_event(cid, ["spring"], "2025-02-02T10:00:00Z"))
    # Late and older: adding "spring" at 09:00 on the 2nd does not undo the removal at 10:00.
    hooks.shopify("customer.tags_added", tags_event(cid, ["spring"], "2025-02-02T09:00:00Z"))
    hooks.shopify(
        "customers_email_marketing_consent/update",
        email_consent_event(cid, c["email"], "subscribed", "2025-02-01T10:00:00Z"),
    )
    hooks.shopify(
        "customers_email_marketing_consent/update",
        email_consent_event(cid, c["email"], "unsubscribed", "2025-01-01T10:00:00Z"),
    )
    hooks.shopify(
        "customers_marketing_consent/update",
        sms_consent_event(cid, c["phone"], "subscribed", "2025-02-01T11:00:00Z"),
    )
    hooks.shopify(
        "customers/purchasing_summary",
        purchasing_summary_event(cid, "438.00", 2, "2025-02-05T10:00:00Z"),
    )
    stats = hooks.work()
    assert stats.done == 8
    assert stats.dead == 0
    got = hooks.customer(c["email"])
    assert got["tags"] == ["VIP"]
    assert got["consent"]["email"] is True
    assert got["consent"]["sms"] is True
    assert got["consent"]["email_at"].startswith("2025-02-01T10:00:00")
    summary = got["attributes"]["shopify"]["purchasing_summary"]
    assert summary["amount_spent"] == "438.00"
    assert summary["number_of_orders"] == 2
    assert got["ltv"] == "0.00"  # Shopify's totals are kept beside ours, not added to LTV


def test_split_topics_before_the_customer_exists_are_remembered(hooks: Hooks):
    """Tags and both consents arrive before the customer does; all apply when it comes."""
    c = shopify_customer()
    cid = c["id"]
    hooks.shopify("customer.tags_added", tags_event(cid, ["early-bird"], "2025-01-10T14:00:00Z"))
    hooks.shopify(
        "customers_email_marketing_consent/update",
        email_consent_event(cid, c["email"], "subscribed", "2025-01-10T14:00:00Z"),
    )
    hooks.shopify(
        "customers_marketing_consent/update",
        sms_consent_event(cid, c["phone"], "subscribed", "2025-01-10T15:00:00Z"),
    )
    hooks.work()
    hooks.shopify("customers/create", c)
    hooks.work()
    got = hooks.customer(c["email"])
    assert got["tags"] == ["early-bird"]
    assert got["consent"]["email"] is True
    assert got["consent"]["email_at"].startswith("2025-01-10T14:00:00")
    assert got["consent"]["sms"] is True
    assert got["consent"]["sms_at"].startswith("2025-01-10T15:00:00")


def test_customers_delete_soft_deletes_and_later_updates_do_not_revive(hooks: Hooks):
    c = shopify_customer()
    hooks.shopify("customers/create", c)
    hooks.shopify(
        "customers/delete",
        {
            "id": c["id"],
            "phone": None,
            "addresses": [],
            "tax_exemptions": [],
            "admin_graphql_api_id": c["admin_graphql_api_id"],
        },
        triggered_at="2025-01-20T00:00:00Z",
    )
    hooks.shopify("customers/update", dict(c, first_name="Zombie"))
    hooks.work()
    assert hooks.customers() == []
    got = hooks.customer(c["email"])
    assert got["deleted_at"] is not None
    assert got["first_name"] == c["first_name"]


def test_a_known_email_is_matched_not_duplicated(hooks: Hooks):
    r = hooks.client.post(
        "/v1/customers",
        json={"email": "ada@example.com", "first_name": "Ada"},
        headers=hooks.tenant.headers(),
    )
    existing = r.json()
    c = shopify_customer(email="ADA@example.com", first_name="Ada", last_name="Lovelace")
    hooks.shopify("customers/create", c)
    hooks.work()
    [only] = hooks.customers()
    assert only["id"] == existing["id"]
    assert only["last_name"] == "Lovelace"
    assert {s["source"] for s in only["sources"]} == {"api", "shopify"}


def test_secret_rotation_keeps_the_old_secret_for_the_grace_period(hooks: Hooks):
    url = f"/v1/sources/{hooks.shopify_source}/rotate"
    new_secret = "shpss_new-secret-0123456789abcdef"
    r = hooks.client.post(
        url, json={"secret": new_secret, "grace_hours": 1}, headers=hooks.tenant.headers()
    )
    assert r.status_code == 200
    assert r.json()["previous_valid_until"] is not None
    assert hooks.shopify("customers/create", shopify_customer()).status_code == 200
    assert (
        hooks.shopify("customers/create", shopify_customer(), secret=new_secret).status_code == 200
    )
    r = hooks.client.post(
        url,
        json={"secret": "shpss_third-secret-0123456789ab", "grace_hours": 0},
        headers=hooks.tenant.headers(),
    )
    assert (
        hooks.shopify("customers/create", shopify_customer(), secret=new_secret).status_code == 401
    )
    assert (
        hooks.shopify("customers/create", shopify_customer(), secret=SHOPIFY_SECRET).status_code
        == 401
    )
    assert hooks.counts()[0] == 2
    short = hooks.client.post(url, json={"secret": "short"}, headers=hooks.tenant.headers())
    assert short.status_code == 422


def test_sources_need_an_admin_and_a_disabled_source_accepts_nothing(hooks: Hooks):
    agent = hooks.tenant.key("agent")
    r = hooks.client.post(
        "/v1/sources",
        json={"provider": "shopify", "secret": "x" * 20},
        headers=hooks.tenant.headers(agent),
    )
    assert r.status_code == 403
    dup = hooks.client.post(
        "/v1/sources",
        json={"provider": "shopify", "secret": "x" * 20},
        headers=hooks.tenant.headers(),
    )
    assert dup.status_code == 409
    gone = hooks.client.delete(
        f"/v1/sources/{hooks.shopify_source}", headers=hooks.tenant.headers()
    )
    assert gone.status_code == 204
    assert hooks.shopify("customers/create", shopify_customer()).status_code == 401


def test_orders_feed_items_and_guest_checkouts(hooks: Hooks):
    guest = shopify_customer()
    order = shopify_order(
        guest,
        customer=None,
        email="guest.buyer@example.com",
        contact_email="guest.buyer@example.com",
        total_price="35.50",
    )
    hooks.shopify("orders/paid", order)
    hooks.work()
    got = hooks.customer("guest.buyer@example.com")
    assert got["ltv"] == "35.50"
    assert got["first_name"] == guest["first_name"]
    assert Decimal(got["ltv"]) == Decimal("35.50")
