"""Jobs sharing one transaction give what the same jobs give one transaction each.

The worker runs claimed webhook jobs in shared transactions (one SAVEPOINT per job), and a
transaction remembers what it learnt (a locked customer, a ledger's last entry, an audit key)
to skip queries. The same deliveries, applied once job by job and once in one shared
transaction (a poison payload failing in the middle of it), must leave the same customers,
orders, ledgers, transitions and audit trail.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest

from rolodex.jobs.worker import Worker
from tests.conftest import TenantCtx
from tests.ingest.conftest import Hooks, add_source
from tests.ingest.payloads import (
    KLAVIYO_SECRET,
    SHOPIFY_SECRET,
    email_consent_event,
    shopify_customer,
    shopify_order,
    shopify_refund,
    tags_event,
)


def deliveries() -> list[tuple[str, Any, str | None]]:
    """(topic, payload, triggered_at): creates, paid orders, a refund, an update, a stale
    update, tags, a profile that matches another by email, a deletion, a poison payload."""
    a, b, d = shopify_customer(), shopify_customer(), shopify_customer()
    c = shopify_customer(email=a["email"].upper(), first_name="Someone", phone=None)
    order_a = shopify_order(a, financial_status="paid", total_price="120.00")
    order_b = shopify_order(b, financial_status="paid", total_price="80.00")
    order_c = shopify_order(c, financial_status="paid", total_price="15.00")
    newer_a = dict(a, first_name="Renamed", updated_at="2025-03-01T00:00:00Z")
    older_b = dict(b, first_name="Stale", updated_at="2024-01-01T00:00:00Z")
    gone = {"id": b["id"], "phone": None, "addresses": [], "tax_exemptions": []}
    order_d = shopify_order(d, financial_status="paid", total_price="60.00")
    early_refund = shopify_refund(order_d["id"], "10.00")
    return [
        # remembered until their customer and order come: tags, a consent, a refund
        ("customer.tags_added", tags_event(d["id"], ["early"], "2025-01-05T10:00:00Z"), None),
        (
            "customers_email_marketing_consent/update",
            email_consent_event(d["id"], d["email"], "subscribed", "2025-01-05T10:00:00Z"),
            None,
        ),
        ("refunds/create", early_refund, None),
        ("customers/create", d, None),
        ("orders/paid", order_d, None),
        ("customers/create", a, None),
        ("orders/paid", order_a, None),
        ("customers/create", b, None),
        ("orders/paid", order_b, None),
        ("refunds/create", shopify_refund(order_a["id"], "20.00"), None),
        ("customers/update", newer_a, None),
        ("orders/paid", b"{not json", None),  # dead: its savepoint rolls back mid-transaction
        ("customers/update", older_b, None),
        ("customer.tags_added", tags_event(a["id"], ["VIP"], "2025-02-01T10:00:00Z"), None),
        ("customers/create", c, None),
        ("orders/paid", order_c, None),
        ("refunds/create", shopify_refund(order_b["id"], "80.00"), None),
        ("customers/delete", gone, "2025-04-01T00:00:00Z"),
    ]


def state(hooks: Hooks) -> dict[str, Any]:
    """What the tenant holds, without ids and times (customers named by email)."""
    t = hooks.tenant
    h = t.headers()
    found = hooks.client.get(
        "/v1/customers", params={"include_deleted": "true", "limit": 500}, headers=h
    ).json()["items"]
    email = {c["id"]: c["email"] for c in found}
    out: dict[str, Any] = {}

    def items(path: str) -> list[dict[str, Any]]:
        r = hooks.client.get(path, params={"limit": 100}, headers=h)
        return r.json()["items"] if r.status_code == 200 else [{"_http": r.status_code}]

    for c in sorted(found, key=lambda c: c["email"] or ""):
        cid = c["id"]
        ledger = items(f"/v1/customers/{cid}/ledger")
        moves = items(f"/v1/customers/{cid}/transitions")
        orders = items(f"/v1/customers/{cid}/orders")
        audit = items(f"/v1/customers/{cid}/audit")
        out[c["email"]] = {
            "profile": {
                k: c[k]
                for k in (
                    "first_name",
                    "last_name",
                    "phone",
                    "lifecycle_stage",
                    "status",
                    "ltv",
                    "tags",
                    "deleted_at",
                    "order_count",
                    "consent",
                )  # fmt: skip
                if k in c and k != "deleted_at"
            }
            | {"deleted": c.get("deleted_at") is not None},
            "ledger": [_pick(e, "seq", "kind", "amount", "ltv_after") for e in ledger],
            "transitions": [_pick(m, "from_stage", "to_stage", "reason") for m in moves],
            "orders": sorted(_pick(o, "number", "status", "amount") for o in orders),
            "audit": [_pick(e, "action", "changed") for e in audit],
        }
    jobs = hooks.client.get("/v1/jobs", params={"limit": 100}, headers=h).json()["items"]
    out["jobs"] = sorted(j["state"] for j in jobs)
    out["audit"] = [_pick(e, "action", "changed") for e in items("/v1/audit")]
    verify = hooks.client.get("/v1/audit/verify", headers=h).json()
    out["chain_ok"] = verify["ok"]
    assert set(email.values()) == set(out) - {"jobs", "chain_ok", "audit"}
    return out


def _pick(row: dict[str, Any], *names: str) -> tuple[Any, ...]:
    return tuple(str(row.get(n)) for n in names) if "_http" not in row else (row["_http"],)


def send_all(hooks: Hooks, items: list[tuple[str, Any, str | None]]) -> None:
    for topic, payload, triggered in items:
        r = hooks.shopify(topic, payload, triggered_at=triggered)
        assert r.status_code == 200, r.text


@pytest.mark.parametrize("poison", [False, True], ids=["all-good", "with-poison"])
def test_a_shared_transaction_gives_what_one_transaction_per_job_gives(
    hooks: Hooks, other_tenant: TenantCtx, caplog: pytest.LogCaptureFixture, poison: bool
):
    """All good: the jobs share the transaction with no savepoint between them. With a
    poison payload: that try fails and the jobs run again, each in a savepoint."""
    caplog.set_level(logging.INFO, logger="rolodex.jobs")
    items = [d for d in deliveries() if poison or not isinstance(d[1], bytes)]
    dead = 1 if poison else 0
    send_all(hooks, items)
    alone = Worker(hooks.db, batch=50, batch_seconds=0).drain()  # one transaction per job
    assert (alone.done, alone.dead) == (len(items) - dead, dead)

    shared_hooks = Hooks(
        other_tenant,
        add_source(other_tenant, "shopify", SHOPIFY_SECRET),
        add_source(other_tenant, "klaviyo", KLAVIYO_SECRET),
    )
    send_all(shared_hooks, items)
    worker = Worker(hooks.db, batch=50, batch_seconds=60)  # every job in one transaction
    shared = worker.drain()
    assert (shared.done, shared.dead) == (len(items) - dead, dead)
    # ... really shared: not failed and run again one job per transaction
    assert not [r for r in caplog.records if "one at a time" in r.getMessage()]
    assert not [r for r in caplog.records if "prefetch" in r.getMessage()]
    # the poison payload failed the first try (no savepoints), then the jobs ran again
    again = [r for r in caplog.records if "each in a savepoint" in r.getMessage()]
    assert len(again) == (1 if poison else 0)

    expected, got = state(hooks), state(shared_hooks)
    assert got == expected
    assert expected["chain_ok"]
    a = next(v for k, v in expected.items() if k.endswith("@example.com") and v["ledger"])
    assert a["ledger"]  # the comparison compares something
    (d,) = [
        v
        for v in expected.values()
        if isinstance(v, dict) and v.get("profile", {}).get("tags") == ["early"]
    ]
    assert d["profile"]["ltv"] == "50.00"  # the early refund netted into its order
    assert d["profile"]["consent"]["email"] is True  # the consent that came first


def test_matching_in_a_shared_transaction_sees_what_it_has_not_flushed(
    hooks: Hooks, other_tenant: TenantCtx, caplog: pytest.LogCaptureFixture
):
    """A shared transaction writes its jobs' changes in one flush at its end, so the matcher's
    blocking query cannot see them; it flushes first when one of them could change what it
    finds. Three cases, each against one transaction per job:

    * a new customer, not flushed, found by name and phone (no unique email to catch it);
    * a stored customer whose name and phone change in the transaction, then a profile with
      the old name and phone: read as stored, it would match; as it is now, it does not;
    * a profile with the new name and phone of that customer: it matches."""
    caplog.set_level(logging.INFO, logger="rolodex.jobs")
    e, g = shopify_customer(), shopify_customer()
    same_as_e = {k: e[k] for k in ("first_name", "last_name", "phone", "addresses")}
    # no email: an email of its own would count against the match
    f = shopify_customer(**same_as_e, default_address=e["addresses"][0], email=None)
    renamed_g = dict(
        g, first_name="Wilhelmina", last_name="Zed", phone="+16139990001",
        updated_at="2025-03-01T00:00:00Z",
    )  # fmt: skip
    like_old_g = shopify_customer(
        first_name=g["first_name"], last_name=g["last_name"], phone=g["phone"],
        addresses=g["addresses"], default_address=g["addresses"][0], email=None,
    )  # fmt: skip
    like_new_g = shopify_customer(
        first_name="Wilhelmina", last_name="Zed", phone="+16139990001",
        addresses=g["addresses"], default_address=g["addresses"][0], email=None,
    )  # fmt: skip
    first = [("customers/create", g, None)]
    chunk = [
        ("customers/create", e, None),
        ("customers/create", f, None),
        ("customers/update", renamed_g, None),
        ("customers/create", like_old_g, None),
        ("customers/create", like_new_g, None),
    ]
    send_all(hooks, first)
    Worker(hooks.db, batch=50, batch_seconds=0).drain()
    send_all(hooks, chunk)
    alone = Worker(hooks.db, batch=50, batch_seconds=0).drain()  # one transaction per job
    assert (alone.done, alone.dead) == (len(chunk), 0)

    shared_hooks = Hooks(
        other_tenant,
        add_source(other_tenant, "shopify", SHOPIFY_SECRET),
        add_source(other_tenant, "klaviyo", KLAVIYO_SECRET),
    )
    send_all(shared_hooks, first)
    Worker(hooks.db, batch=50, batch_seconds=0).drain()
    send_all(shared_hooks, chunk)
    shared = Worker(hooks.db, batch=50, batch_seconds=60).drain()  # the chunk in one
    assert (shared.done, shared.dead) == (len(chunk), 0)
    assert not [r for r in caplog.records if "one at a time" in r.getMessage()]
    assert not [r for r in caplog.records if "each in a savepoint" in r.getMessage()]

    expected, got = state(hooks), state(shared_hooks)
    assert got == expected
    people = {k for k in expected if k and "@" in k}
    # f and like_new_g were matched; like_old_g was not (it is someone else now)
    assert people == {e["email"], g["email"]}
    assert expected[None]["profile"]["first_name"] == g["first_name"]  # like_old_g
    assert expected[g["email"]]["profile"]["first_name"] == "Wilhelmina"
