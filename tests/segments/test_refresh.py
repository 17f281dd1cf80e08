"""The segment job and merges, on SQLite and PostgreSQL: system segments from RFM,
engagement and churn; dynamic segment history; memberships following a merge; the CLI."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from typer.testing import CliRunner

from rolodex.auth.roles import Principal
from rolodex.cli.main import app as cli
from rolodex.config import get_settings
from rolodex.models import CustomerPrediction
from rolodex.segments import service, tasks
from rolodex.segments.schemas import AssignmentIn, SegmentIn
from tests.search.helpers import all_ids, create


def _order(tenant, customer_id, amount, days_ago):
    placed = (datetime.now(UTC) - timedelta(days=days_ago)).isoformat()
    r = tenant.client.post(
        "/v1/orders",
        json={"customer_id": customer_id, "amount": amount, "placed_at": placed},
        headers=tenant.headers(),
    )
    assert r.status_code == 201, r.text


def _keys(tenant, customer_id):
    r = tenant.client.get(f"/v1/customers/{customer_id}/segments", headers=tenant.headers())
    return {i["segment_key"] for i in r.json()["items"]}


def test_refresh_places_customers_in_system_segments(db, tenant):
    now = datetime.now(UTC)
    whale = create(tenant, last_active_at=now.isoformat())["id"]
    for days in (60, 40, 20, 3):
        _order(tenant, whale, "900.00", days)
    lapsed = create(tenant, last_active_at=(now - timedelta(days=200)).isoformat())["id"]
    for days in (400, 380, 360):  # bought every ~20 days, then stopped a year ago
        _order(tenant, lapsed, "20.00", days)
    browser = create(tenant, last_active_at=(now - timedelta(days=50)).isoformat())["id"]
    predicted = create(tenant)["id"]
    _order(tenant, predicted, "10.00", 1)
    with db.session(tenant.id) as s:
        s.add(CustomerPrediction(tenant_id=tenant.id, customer_id=uuid.UUID(predicted),
                                 source="klaviyo", churn_probability=0.91))  # fmt: skip
    with db.session(tenant.id) as s:
        report = tasks.refresh_system_segments(s, tenant.id)
    assert report.segments["value_high"].entered >= 1
    assert {"value_high", "engagement_active", "churn_risk_low"} <= _keys(tenant, whale)
    assert {"engagement_dormant", "churn_risk_high"} <= _keys(tenant, lapsed)
    assert "value_high" not in _keys(tenant, lapsed)
    assert {"value_low", "engagement_cooling"} <= _keys(tenant, browser)
    assert not any(k.startswith("churn_risk") for k in _keys(tenant, browser))
    assert "churn_risk_high" in _keys(tenant, predicted)  # the prediction wins over rhythm
    # system segments are filters like any other
    assert all_ids(tenant, segment="churn_risk_high", sort="created_at") == [lapsed, predicted]
    # a second run with nothing changed moves nobody
    with db.session(tenant.id) as s:
        again = tasks.refresh_system_segments(s, tenant.id)
    assert all(c.entered == 0 and c.left == 0 for c in again.segments.values())
    # the whale goes quiet for a year: they leave "active", and the history says when
    later = now + timedelta(days=365)
    with db.session(tenant.id) as s:
        tasks.refresh_system_segments(s, tenant.id, later)
        out = service.customer_segments(s, tenant.id, uuid.UUID(whale), history=True, now=later)
    stays = {(h.segment_key, h.left_reason) for h in out.history or []}
    assert ("engagement_active", "refresh") in stays
    assert ("engagement_dormant", None) in stays


def test_refresh_records_dynamic_segment_history_and_closes_expired(db, tenant):
    principal = Principal(tenant.id, "admin", "system", "test")
    c = create(tenant, status="vip")["id"]
    other = create(tenant)["id"]
    with db.session(tenant.id) as s:
        vip = service.create_segment(s, principal, SegmentIn(name="VIPs", filter="status:vip"))
        trial = service.create_segment(s, principal, SegmentIn(name="Trial"))
        vip_id, trial_id = vip.id, trial.id
        soon = datetime.now(UTC) + timedelta(hours=1)
        service.assign(s, principal, uuid.UUID(other), trial_id, AssignmentIn(expires_at=soon))
    with db.session(tenant.id) as s:
        report = tasks.refresh_system_segments(s, tenant.id)
    assert report.segments["vips"].entered == 1
    tenant.client.patch(f"/v1/customers/{c}", json={"status": "active"}, headers=tenant.headers())
    later = datetime.now(UTC) + timedelta(hours=2)
    with db.session(tenant.id) as s:
        report = tasks.refresh_system_segments(s, tenant.id, later)
        assert report.segments["vips"].left == 1
        assert report.expired == 1
        mine = service.customer_segments(s, tenant.id, uuid.UUID(c), history=True, now=later)
        theirs = service.customer_segments(s, tenant.id, uuid.UUID(other), history=True, now=later)
    assert [h.left_reason for h in mine.history or [] if h.segment_id == vip_id] == ["refresh"]
    [stay] = [h for h in theirs.history or [] if h.segment_id == trial_id]
    assert (stay.left_reason, stay.left_at) == ("expired", soon)


def test_memberships_follow_a_customer_through_a_merge(db, tenant):
    principal = Principal(tenant.id, "admin", "system", "test")
    survivor, duplicate = (uuid.UUID(create(tenant)["id"]) for _ in range(2))
    with db.session(tenant.id) as s:
        only_dup = service.create_segment(s, principal, SegmentIn(name="Only dup")).id
        both = service.create_segment(s, principal, SegmentIn(name="Both")).id
        service.assign(s, principal, duplicate, only_dup, AssignmentIn(confidence=0.4))
        service.assign(
            s, principal, duplicate, both, AssignmentIn(assigned_by="model", confidence=0.9)
        )
        service.assign(s, principal, survivor, both, AssignmentIn(confidence=0.6))
    with db.session(tenant.id) as s:
        moved = service.move_memberships(s, tenant.id, duplicate, survivor)
    assert moved == 2
    with db.session(tenant.id) as s:
        kept = service.customer_segments(s, tenant.id, survivor, history=True)
    by_id = {i.segment_id: i for i in kept.items}
    assert set(by_id) == {only_dup, both}
    assert (by_id[both].confidence, by_id[both].assigned_by) == (0.9, "model")
    assert by_id[only_dup].confidence == 0.4
    history = [(h.segment_id, h.left_reason) for h in kept.history or []]
    assert sorted(history, key=str) == sorted(
        [(only_dup, None), (both, "merged"), (both, None)], key=str
    )
    with db.session(tenant.id) as s:
        left = service.customer_segments(s, tenant.id, duplicate, history=True)
    assert left.items == []
    assert left.history == []


def test_cli_refresh(backend, tenant, monkeypatch):
    create(tenant)
    monkeypatch.setenv("ROLODEX_DATABASE_URL", backend.url)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["segments", "refresh", "--tenant", tenant.slug])
        listed = CliRunner().invoke(cli, ["segments", "list", "--tenant", tenant.slug])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "engagement_active" in result.output
    assert listed.exit_code == 0, listed.output
    line = next(x for x in listed.output.splitlines() if x.startswith("engagement_active"))
    assert line.split()[3] == "1"


def test_a_merge_through_the_api_carries_segments_to_the_survivor(tenant):
    survivor, duplicate = create(tenant)["id"], create(tenant)["id"]
    r = tenant.client.post("/v1/segments", json={"name": "Upsell"}, headers=tenant.headers())
    seg = r.json()
    r = tenant.client.post(
        f"/v1/customers/{duplicate}/segments/{seg['id']}",
        json={"assigned_by": "model", "confidence": 0.7},
        headers=tenant.headers(),
    )
    assert r.status_code == 201
    r = tenant.client.post(
        "/v1/merges",
        json={"survivor_id": survivor, "duplicate_id": duplicate},
        headers=tenant.headers(),
    )
    assert r.status_code in (200, 201), r.text
    assert _keys(tenant, survivor) == {"upsell"}
    members = tenant.client.get(f"/v1/segments/{seg['id']}/members", headers=tenant.headers())
    assert [c["id"] for c in members.json()["items"]] == [survivor]
    history = tenant.client.get(
        f"/v1/customers/{survivor}/segments", params={"history": "true"}, headers=tenant.headers()
    ).json()["history"]
    assert [(h["segment_key"], h["left_at"]) for h in history] == [("upsell", None)]
