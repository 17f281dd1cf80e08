"""Klaviyo webhook batches end to end on SQLite and PostgreSQL."""

from __future__ import annotations

import time
import uuid

from sqlalchemy import select

from rolodex.models import CustomerPrediction
from tests.ingest.conftest import Hooks
from tests.ingest.payloads import (
    body_of,
    klaviyo_batch,
    klaviyo_event,
    klaviyo_headers,
    klaviyo_profile,
)


def test_a_batch_applies_profiles_predictions_consent_and_email_activity(hooks: Hooks):
    profile = klaviyo_profile()
    batch = klaviyo_batch(
        ("profile:updated", profile),
        ("event:klaviyo.opened_email", klaviyo_event(profile, "Opened Email")),
        ("event:klaviyo.clicked_email", klaviyo_event(profile, "Clicked Email")),
        ("event:klaviyo.bounced_email", klaviyo_event(profile, "Bounced Email")),
    )
    r = hooks.klaviyo(batch)
    assert r.status_code == 200
    assert r.json()["status"] == "accepted"
    assert hooks.work().done == 1
    got = hooks.customer(profile["attributes"]["email"])
    assert (got["first_name"], got["last_name"], got["company"]) == ("Sarah", "Mason", "Klaviyo")
    assert got["phone_e164"] == "+15005550006"
    assert got["consent"]["email"] is True
    assert got["consent"]["sms"] is False
    assert got["addresses"][0]["city"] == "New York"
    assert got["addresses"][0]["timezone"] == "America/New_York"
    assert got["addresses"][0]["lat"] == 40.7527
    assert got["attributes"]["klaviyo"]["properties"]["plan"] == "gold"
    assert {(s["source"], s["external_id"]) for s in got["sources"]} == {("klaviyo", profile["id"])}
    with hooks.db.session(hooks.tenant.id, write=False) as s:
        [p] = s.scalars(select(CustomerPrediction)).all()
    assert str(p.predicted_clv) == "27.24"
    assert str(p.total_clv) == "121.11"
    assert p.churn_probability == 0.36
    assert p.expected_next_order_at.year == 2025
    timeline = hooks.client.get(
        f"/v1/customers/{got['id']}/timeline", headers=hooks.tenant.headers()
    )
    assert timeline.status_code == 200, timeline.text
    types = [i["type"] for i in timeline.json()["items"]]
    assert "email_open" in types
    assert "email_click" in types
    inbox = hooks.client.get("/v1/inbox", headers=hooks.tenant.headers()).json()["items"]
    assert inbox[0]["result"]["events"] == {
        "profile_created": 1,
        "activity_created": 2,
        "ignored": 1,
    }


def test_bad_missing_or_stale_klaviyo_signatures_get_401(hooks: Hooks):
    body = body_of(klaviyo_batch(("profile:updated", klaviyo_profile())))
    url = f"/v1/hooks/{hooks.tenant.slug}/klaviyo"
    good = klaviyo_headers(body)
    stale = klaviyo_headers(body, timestamp=str(int(time.time()) - 3600))
    cases = [
        {**good, "Klaviyo-Signature": "00" * 32},
        {k: v for k, v in good.items() if k != "Klaviyo-Signature"},
        {k: v for k, v in good.items() if k != "Klaviyo-Timestamp"},
        {**good, "Klaviyo-Timestamp": str(int(good["Klaviyo-Timestamp"]) + 5)},
        stale,
        klaviyo_headers(body, secret="not-the-klaviyo-secret-123"),
    ]
    for headers in cases:
        r = hooks.client.post(url, content=body, headers=headers)
        assert r.status_code == 401, r.text
    assert (
        "too old" in hooks.client.post(url, content=body, headers=stale).json()["error"]["message"]
    )
    assert hooks.counts() == (0, 0)


def test_redelivered_batch_is_stored_once_and_events_apply_once(hooks: Hooks):
    profile = klaviyo_profile()
    opened = klaviyo_event(profile, "Opened Email")
    batch = klaviyo_batch(("profile:created", profile), ("event:klaviyo.opened_email", opened))
    assert hooks.klaviyo(batch).json()["status"] == "accepted"
    assert hooks.klaviyo(batch).json()["status"] == "duplicate"
    # The same event in another delivery (other meta) is not counted twice either.
    again = dict(batch, meta={**batch["meta"], "timestamp": "2025-03-02T11:00:00+00:00"})
    again["data"] = [batch["data"][1]]
    assert hooks.klaviyo(again).json()["status"] == "accepted"
    hooks.work()
    got = hooks.customer(profile["attributes"]["email"])
    timeline = hooks.client.get(
        f"/v1/customers/{got['id']}/timeline", headers=hooks.tenant.headers()
    ).json()["items"]
    assert [i["type"] for i in timeline].count("email_open") == 1


def test_unsubscribe_events_and_older_profiles(hooks: Hooks):
    profile = klaviyo_profile()
    hooks.klaviyo(klaviyo_batch(("profile:created", profile)))
    hooks.work()
    unsub = klaviyo_event(profile, "Unsubscribed", when="2025-03-05T10:00:00+00:00")
    hooks.klaviyo(klaviyo_batch(("event:klaviyo.unsubscribed_from_email_marketing", unsub)))
    older = klaviyo_profile(
        profile["id"],
        **{**profile["attributes"], "first_name": "Old", "updated": "2025-01-01T00:00:00+00:00"},
    )
    hooks.klaviyo(klaviyo_batch(("profile:updated", older)))
    hooks.work()
    got = hooks.customer(profile["attributes"]["email"])
    assert got["consent"]["email"] is False
    assert got["first_name"] == "Sarah"


def test_a_bad_event_is_reported_and_the_others_apply(hooks: Hooks):
    profile = klaviyo_profile()
    batch = klaviyo_batch(
        ("profile:created", profile),
        ("event:klaviyo.opened_email", {"type": "event", "attributes": {}}),
    )
    hooks.klaviyo(batch)
    assert hooks.work().done == 1
    hooks.customer(profile["attributes"]["email"])
    item = hooks.client.get("/v1/inbox", headers=hooks.tenant.headers()).json()["items"][0]
    assert item["result"]["events"]["invalid"] == 1
    assert "no profile" in item["result"]["errors"][0]["error"]
    # A delivery that is not a batch at all is poison: dead, with why.
    hooks.klaviyo({"profile": str(uuid.uuid4())})
    assert hooks.work().dead == 1
