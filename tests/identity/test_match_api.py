"""Match on ingest (POST /v1/customers?match=true), duplicate review, thresholds."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from rolodex.models import IdentityMatch
from tests.identity.helpers import create

MAIN_ST = [{"line1": "12 Main St", "city": "New York", "postcode": "10001", "country": "US"}]


def ingest(tenant, key=None, **fields):
    return tenant.client.post(
        "/v1/customers", params={"match": "true"}, json=fields, headers=tenant.headers(key)
    )


def test_seed_example_ends_as_one_customer_with_both(backend, tenant):
    first = ingest(tenant, first_name="John", email="john@email.com")
    assert first.status_code == 201, first.text
    assert first.headers["x-match-outcome"] == "created"
    later = ingest(
        tenant,
        first_name="John",
        last_name="Smith",
        email="John@Email.com ",
        phone="(212) 555-0142",
    )
    assert later.status_code == 200, later.text
    assert later.headers["x-match-outcome"] == "matched"
    assert later.headers["x-match-score"] == "1.0000"
    body = later.json()
    assert body["id"] == first.json()["id"]
    assert (body["first_name"], body["last_name"]) == ("John", "Smith")
    assert body["email"] == "john@email.com"
    assert body["phone_e164"] == "+12125550142"
    listed = tenant.client.get("/v1/customers", headers=tenant.headers()).json()["items"]
    assert len(listed) == 1
    with backend.db.session(tenant.id, write=False) as session:
        record = session.scalars(select(IdentityMatch)).one()
        assert str(record.id) == later.headers["x-match-id"]
        assert record.channel == "api"
        assert [r["code"] for r in record.reasons] == ["same_email"]
        assert sorted(record.filled) == ["last_name", "phone"]


def test_without_match_a_duplicate_email_is_still_a_conflict(tenant):
    create(tenant, email="ann@lee.org")
    r = tenant.client.post("/v1/customers", json={"email": "ANN@lee.org"}, headers=tenant.headers())
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "duplicate_email"


def test_gmail_variants_and_phone_with_similar_name_match(tenant):
    a = ingest(tenant, first_name="Zoe", last_name="Adams", email="zoe.adams@gmail.com").json()
    r = ingest(tenant, first_name="Zoe", email="ZoeAdams+shop@googlemail.com")
    assert r.status_code == 200, r.text
    assert r.json()["id"] == a["id"]
    b = ingest(tenant, first_name="John", last_name="Smith", phone="+1 212 555 0199").json()
    r = ingest(
        tenant,
        first_name="Jon",
        last_name="Smith",
        phone="(212) 555-0199",
        tags=["chat"],
        addresses=MAIN_ST,
    )
    assert r.status_code == 200, r.text
    matched = r.json()
    assert matched["id"] == b["id"]
    assert matched["first_name"] == "John"  # a present value is never overwritten
    assert "chat" in matched["tags"]
    assert matched["addresses"][0]["line1"] == "12 Main St"  # it had none: filled


def test_equal_names_with_other_email_and_phone_are_queued_not_merged(tenant):
    a = ingest(
        tenant,
        first_name="John",
        last_name="Smith",
        email="john@a.com",
        phone="+1 212 555 0100",
        addresses=MAIN_ST,
    ).json()
    r = ingest(
        tenant,
        first_name="John",
        last_name="Smith",
        email="jsmith@b.com",
        phone="+1 212 555 0111",
        addresses=MAIN_ST,
    )
    assert r.status_code == 201, r.text
    b = r.json()
    assert b["id"] != a["id"]
    assert float(r.headers["x-match-score"]) < 0.95
    listed = tenant.client.get("/v1/duplicates", headers=tenant.headers()).json()["items"]
    assert len(listed) == 1
    pair = listed[0]
    assert {pair["customer_a"]["id"], pair["customer_b"]["id"]} == {a["id"], b["id"]}
    codes = [x["code"] for x in pair["reasons"]]
    assert codes[0] == "similar_name"
    assert {"same_postcode", "different_email", "different_phone"} <= set(codes)
    assert 0.70 <= pair["score"] < 0.95
    # a namesake elsewhere is not even a candidate
    ingest(
        tenant,
        first_name="John",
        last_name="Smith",
        email="js@c.com",
        phone="+1 312 555 0123",
        addresses=[{"line1": "5 Oak Ave", "city": "Chicago", "postcode": "60601", "country": "US"}],
    )
    assert len(tenant.client.get("/v1/duplicates", headers=tenant.headers()).json()["items"]) == 1


def test_dismissed_pair_is_not_shown_again(tenant):
    ingest(tenant, first_name="Ann", last_name="Lee", email="ann@a.com", addresses=MAIN_ST)
    ingest(tenant, first_name="Ann", last_name="Lee", email="ann@b.com", addresses=MAIN_ST)
    pairs = tenant.client.get("/v1/duplicates", headers=tenant.headers()).json()["items"]
    assert len(pairs) == 1
    viewer = tenant.key("viewer")
    r = tenant.client.post(
        f"/v1/duplicates/{pairs[0]['id']}/dismiss", headers=tenant.headers(viewer)
    )
    assert r.status_code == 403
    r = tenant.client.post(f"/v1/duplicates/{pairs[0]['id']}/dismiss", headers=tenant.headers())
    assert r.status_code == 200, r.text
    assert tenant.client.get("/v1/duplicates", headers=tenant.headers()).json()["items"] == []
    r = tenant.client.post(f"/v1/duplicates/{uuid.uuid4()}/dismiss", headers=tenant.headers())
    assert r.status_code == 404


def test_duplicates_best_first_with_cursor_and_tenant_isolation(tenant, other_tenant):
    for n in range(3):
        where = [{**MAIN_ST[0], "line1": f"{n + 1} Elm Rd"}]
        ingest(tenant, first_name="Kim", last_name=f"Park{n}", email=f"k{n}@a.com", addresses=where)
        ingest(
            tenant,
            first_name="Kim",
            last_name=f"Park{n}",
            email=f"k{n}@b.com",
            phone=None if n else "+1 212 555 0177",
            addresses=where,
        )
    page = tenant.client.get("/v1/duplicates", params={"limit": 2}, headers=tenant.headers())
    body = page.json()
    assert len(body["items"]) == 2
    assert body["next_cursor"]
    rest = tenant.client.get(
        "/v1/duplicates",
        params={"limit": 2, "cursor": body["next_cursor"]},
        headers=tenant.headers(),
    ).json()
    scores = [p["score"] for p in body["items"] + rest["items"]]
    assert len(scores) == 3
    assert scores == sorted(scores, reverse=True)
    assert rest["next_cursor"] is None
    r = tenant.client.get("/v1/duplicates", params={"cursor": "garbage"}, headers=tenant.headers())
    assert r.status_code == 422
    assert other_tenant.client.get("/v1/duplicates", headers=other_tenant.headers()).json() == {
        "items": [],
        "next_cursor": None,
    }


def test_ingest_role_can_match_viewer_cannot(tenant):
    r = ingest(tenant, tenant.key("viewer"), first_name="Ann", email="ann@x.org")
    assert r.status_code == 403
    r = ingest(tenant, tenant.key("ingest"), first_name="Ann", email="ann@x.org")
    assert r.status_code == 201
    r = ingest(tenant, tenant.key("ingest"), first_name="Ann", last_name="Lee", email="ann@x.org")
    assert r.status_code == 200
    # a key that cannot read learns the id, not the stored record
    assert r.json() == {"id": r.headers["Location"].rsplit("/", 1)[1], "matched": True}
    assert r.headers["X-Match-Outcome"] == "matched"
    admin = ingest(tenant, None, first_name="Ann", last_name="Lee", email="ann@x.org")
    assert (admin.status_code, admin.json()["email"]) == (200, "ann@x.org")
    assert ingest(tenant, phone="not a phone").status_code == 422
    assert ingest(tenant, email="nope").status_code == 422


def test_thresholds_change_what_is_merged(tenant):
    h = tenant.headers()
    assert tenant.client.get("/v1/identity/settings", headers=h).json() == {
        "auto_merge_threshold": 0.95,
        "review_threshold": 0.7,
    }
    r = tenant.client.put(
        "/v1/identity/settings",
        json={"auto_merge_threshold": 0.6, "review_threshold": 0.8},
        headers=h,
    )
    assert r.status_code == 422
    assert r.json()["error"]["details"][0]["field"] == "review_threshold"
    r = tenant.client.put("/v1/identity/settings", json={"auto_merge_threshold": 2}, headers=h)
    assert r.status_code == 422
    agent = tenant.key("agent")
    r = tenant.client.put(
        "/v1/identity/settings", json={"auto_merge_threshold": 0.7}, headers=tenant.headers(agent)
    )
    assert r.status_code == 403
    r = tenant.client.put(
        "/v1/identity/settings",
        json={"auto_merge_threshold": 0.7, "review_threshold": 0.5},
        headers=h,
    )
    assert r.status_code == 200
    a = ingest(tenant, first_name="Ann", last_name="Lee", email="ann@a.com", addresses=MAIN_ST)
    b = ingest(tenant, first_name="Ann", last_name="Lee", email="ann@b.com", addresses=MAIN_ST)
    assert b.status_code == 200  # 0.79 ≥ 0.70 now
    assert b.json()["id"] == a.json()["id"]
    assert b.json()["email"] == "ann@a.com"


def test_blocking_looks_up_only_the_keys_a_probe_has(backend, tenant):
    """A key the probe lacks gets no lookup at all (bound as NULL, PostgreSQL plans
    ``column = NULL`` as a scan it starts), and every key it has still finds its customers."""
    from sqlalchemy.dialects import sqlite

    from rolodex.identity import repository
    from rolodex.identity.normalize import name_key

    only_name = str(repository._block_statement(("nk",)).compile(dialect=sqlite.dialect()))
    assert only_name.count("LIMIT") == 1
    assert "name_key" in only_name
    assert "phone_e164 =" not in only_name
    both = ingest(tenant, first_name="Ada", last_name="Byron", phone="(212) 555-0199")
    assert both.status_code == 201, both.text
    db = tenant.client.app.state.db
    with db.session(tenant.id, write=False) as session:
        by_phone = repository.block(
            session, tenant.id, email_key=None, email_normalized=None, phone="+12125550199",
            name_key=None,
        )  # fmt: skip
        by_name = repository.block(
            session, tenant.id, email_key=None, email_normalized=None, phone=None,
            name_key=name_key("Ada", "Byron"),
        )  # fmt: skip
        nothing = repository.block(
            session, tenant.id, email_key=None, email_normalized=None, phone=None, name_key=None
        )
    assert [str(r.id) for r in by_phone] == [both.json()["id"]]
    assert [str(r.id) for r in by_name] == [both.json()["id"]]
    assert nothing == []


def test_a_family_sharing_one_gmail_mailbox_is_queued_not_merged(tenant):
    jane = ingest(tenant, first_name="Jane", last_name="Doe", email="jane.doe+shop@gmail.com")
    assert jane.status_code == 201, jane.text
    john = ingest(tenant, first_name="John", last_name="Doe", email="janedoe+kids@gmail.com")
    assert john.status_code == 201, john.text
    assert john.headers["x-match-outcome"] == "created"
    assert john.json()["email"] == "janedoe+kids@gmail.com"
    pairs = tenant.client.get("/v1/duplicates", headers=tenant.headers()).json()["items"]
    assert [
        (sorted((p["customer_a"]["id"], p["customer_b"]["id"])), p["score"]) for p in pairs
    ] == [(sorted((jane.json()["id"], john.json()["id"])), 0.8)]
    # Jane again, her address written as Gmail also delivers it: still Jane.
    again = ingest(tenant, first_name="Jane", last_name="Doe", email="Jane.Doe@googlemail.com")
    assert again.status_code == 200, again.text
    assert again.json()["id"] == jane.json()["id"]
