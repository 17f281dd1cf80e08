"""The audit log on both engines: what is recorded, append-only triggers, chain verification
through the API and the CLI, and profiles rebuilt as of a past moment."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tests.factories.records import get_customer, new_customer, transition, verify


def _entries(tenant, cid=None, **params):
    path = f"/v1/customers/{cid}/audit" if cid else "/v1/audit"
    r = tenant.client.get(path, params=params, headers=tenant.headers())
    assert r.status_code == 200, r.text
    return r.json()["items"]


def test_writes_are_recorded_with_actor_origin_and_changed_fields_only(tenant):
    cid = new_customer(tenant, first_name="Ada")["id"]
    r = tenant.client.patch(
        f"/v1/customers/{cid}",
        json={"first_name": "Augusta", "company": "Analytical Engines"},
        headers={**tenant.headers(), "User-Agent": "crm-sync/2.1"},
    )
    assert r.status_code == 200
    update, create = _entries(tenant, cid)
    assert create["action"] == "create"
    assert create["after"]["email"]
    assert create["before"] is None
    assert update["action"] == "update"
    assert update["changed"] == ["company", "first_name", "full_name"]
    assert update["before"] == {
        "company": None,
        "first_name": "Ada",
        "full_name": create["after"]["full_name"],
    }
    assert update["after"]["first_name"] == "Augusta"
    assert update["actor"]["type"] == "api_key"
    assert update["user_agent"] == "crm-sync/2.1"
    assert update["ip"]
    assert update["prev_hash"] == create["hash"]


def test_a_patch_that_changes_nothing_records_nothing(tenant):
    cid = new_customer(tenant, company="Acme")["id"]
    tenant.client.patch(f"/v1/customers/{cid}", json={"company": "Acme"}, headers=tenant.headers())
    assert [e["action"] for e in _entries(tenant, cid)] == ["create"]


def test_filters_on_the_tenant_log(tenant, other_tenant):
    a = new_customer(tenant)["id"]
    b = new_customer(tenant)["id"]
    new_customer(other_tenant)
    transition(tenant, a, stage="customer", ltv_amount="5.00")
    agent = tenant.key("agent")
    tenant.client.patch(f"/v1/customers/{b}", json={"notes": "n"}, headers=tenant.headers(agent))
    assert len(_entries(tenant)) == 4
    assert {e["customer_id"] for e in _entries(tenant, customer_id=b)} == {b}
    assert [e["action"] for e in _entries(tenant, action="transition")] == ["transition"]
    assert len(_entries(tenant, action="create,transition")) == 3
    by_agent = [e for e in _entries(tenant) if e["action"] == "update"][0]["actor"]["id"]
    assert [e["action"] for e in _entries(tenant, actor_id=by_agent)] == ["update"]
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    assert _entries(tenant, since=future) == []
    page = tenant.client.get("/v1/audit", params={"limit": 3}, headers=tenant.headers()).json()
    rest = tenant.client.get(
        "/v1/audit", params={"cursor": page["next_cursor"]}, headers=tenant.headers()
    ).json()
    assert [e["seq"] for e in page["items"] + rest["items"]] == [4, 3, 2, 1]
    assert len(_entries(other_tenant)) == 1


def test_viewer_may_read_the_log_and_ingest_may_not(tenant):
    new_customer(tenant)
    assert (
        tenant.client.get("/v1/audit", headers=tenant.headers(tenant.key("viewer"))).status_code
        == 200
    )
    assert (
        tenant.client.get("/v1/audit", headers=tenant.headers(tenant.key("ingest"))).status_code
        == 403
    )


def _owner_exec(backend, sql, **params):
    with backend.owner.begin() as conn:
        return conn.execute(text(sql), params)


def _tid(backend, tenant):
    return tenant.id.hex if backend.name == "sqlite" else tenant.id


def test_tampering_in_the_database_is_refused_by_the_trigger(tenant, backend):
    cid = new_customer(tenant)["id"]
    transition(tenant, cid, stage="customer", ltv_amount="50.00")
    t = _tid(backend, tenant)
    statements = [
        'UPDATE audit_log SET after = \'{"ltv": "5000.00"}\' WHERE tenant_id = :t AND seq = 2',
        "UPDATE audit_log SET action = 'create' WHERE tenant_id = :t AND seq = 2",
        "UPDATE audit_log SET ip = NULL WHERE tenant_id = :t AND seq = 1",
        "DELETE FROM audit_log WHERE tenant_id = :t AND seq = 2",
        "DELETE FROM audit_log WHERE tenant_id = :t",
    ]
    for sql in statements:
        with pytest.raises(DBAPIError, match="append-only"):
            _owner_exec(backend, sql, t=t)
    # the app's own role cannot either
    with (
        pytest.raises(DBAPIError, match="append-only"),
        tenant.client.app.state.db.session(tenant.id) as session,
    ):
        session.execute(text("DELETE FROM audit_log"))
    result = verify(tenant)
    assert result["ok"]
    assert result["entries"] == 2


@pytest.fixture
def without_guard(backend):
    """The append-only trigger dropped, as an attacker with owner rights could; put back after."""
    if backend.name == "sqlite":
        _owner_exec(backend, "DROP TRIGGER audit_log_no_update")
        _owner_exec(backend, "DROP TRIGGER audit_log_no_delete")
        yield  # the SQLite file is this test's own copy
        return
    _owner_exec(backend, "DROP TRIGGER audit_log_guard ON audit_log")
    try:
        yield
    finally:
        _owner_exec(
            backend,
            "CREATE TRIGGER audit_log_guard BEFORE UPDATE OR DELETE ON audit_log"
            " FOR EACH ROW EXECUTE FUNCTION audit_log_guard()",
        )


def _three_entries(tenant):
    cid = new_customer(tenant)["id"]
    transition(tenant, cid, stage="lead_qualified", ltv_amount="25.50")
    transition(tenant, cid, stage="customer", ltv_amount="50.00")
    assert verify(tenant)["ok"]
    return cid


@pytest.mark.parametrize(
    ("sql", "broken", "reason"),
    [
        (
            'UPDATE audit_log SET after = \'{"lifecycle_stage": "customer", "ltv": "9999.00"}\''
            " WHERE tenant_id = :t AND seq = 3",
            3,
            "after.ltv",
        ),
        (
            "UPDATE audit_log SET actor_id = 'someone-else' WHERE tenant_id = :t AND seq = 2",
            2,
            "hash",
        ),
        (
            "UPDATE audit_log SET hash = '" + "a" * 64 + "' WHERE tenant_id = :t AND seq = 1",
            1,
            "hash",
        ),
        ("UPDATE audit_log SET ip = '10.9.9.9' WHERE tenant_id = :t AND seq = 2", 2, "ip"),
        ("DELETE FROM audit_log WHERE tenant_id = :t AND seq = 2", 2, "missing"),
        ("DELETE FROM audit_log WHERE tenant_id = :t AND seq = 3", 3, "missing"),
    ],
)
def test_with_the_trigger_dropped_verify_names_the_altered_entry(
    tenant, backend, without_guard, sql, broken, reason
):
    _three_entries(tenant)
    _owner_exec(backend, sql, t=_tid(backend, tenant))
    result = verify(tenant)
    assert result["ok"] is False
    assert result["broken_seq"] == broken
    assert reason in result["reason"]
    assert f"entry {broken}" in result["message"]


def test_cli_verify_reports_intact_and_broken_chains(tenant, backend, monkeypatch):
    from typer.testing import CliRunner

    from rolodex.cli.main import app
    from rolodex.config import get_settings

    _three_entries(tenant)
    monkeypatch.setenv("ROLODEX_DATABASE_URL", backend.url)
    monkeypatch.setenv("ROLODEX_DB_APP_ROLE", backend.db.settings.db_app_role)
    get_settings.cache_clear()
    try:
        ok = CliRunner().invoke(app, ["audit", "verify", "--tenant", tenant.slug])
        assert ok.exit_code == 0, ok.output
        assert "intact: 3 entries" in ok.output
        if backend.name == "sqlite":
            _owner_exec(backend, "DROP TRIGGER audit_log_no_update")
        else:
            _owner_exec(backend, "ALTER TABLE audit_log DISABLE TRIGGER audit_log_guard")
        try:
            _owner_exec(
                backend,
                "UPDATE audit_log SET changed = 'nothing' WHERE tenant_id = :t AND seq = 2",
                t=_tid(backend, tenant),
            )
        finally:
            if backend.name == "postgres":
                _owner_exec(backend, "ALTER TABLE audit_log ENABLE TRIGGER audit_log_guard")
        bad = CliRunner().invoke(app, ["audit", "verify", "--tenant", str(tenant.id)])
        assert bad.exit_code == 1
        assert "broken at entry 2" in bad.output
        unknown = CliRunner().invoke(app, ["audit", "verify", "--tenant", "no-such-tenant"])
        assert unknown.exit_code == 1
    finally:
        get_settings.cache_clear()


def test_chain_is_per_tenant(tenant, other_tenant):
    _three_entries(tenant)
    new_customer(other_tenant)
    assert verify(other_tenant)["entries"] == 1
    assert verify(tenant)["entries"] == 3


def test_odd_json_values_still_verify(tenant):
    # JSONB respells numbers (1.0, -0.0, 1e18, tiny ones, the largest integers); the hash must
    # not care (numbers beyond 64 bits are refused: tests/activities/test_inputs_never_500.py)
    attrs = {"x": 1.0, "y": -0.0, "z": 1e18, "v": 1.5e-300, "w": 9223372036854775807,
             "s": "é\u2028"}  # fmt: skip
    cid = new_customer(tenant, attributes=attrs)["id"]
    tenant.client.patch(
        f"/v1/customers/{cid}", json={"attributes": {"x": 2.5}}, headers=tenant.headers()
    )
    assert verify(tenant)["ok"]


def test_profile_as_of_a_past_moment(tenant):
    cid = new_customer(tenant, first_name="Ada", company="Babbage & Co")["id"]
    time.sleep(0.01)
    t1 = datetime.now(UTC)
    time.sleep(0.01)
    transition(tenant, cid, stage="customer", ltv_amount="50.00")
    tenant.client.patch(
        f"/v1/customers/{cid}",
        json={"first_name": "Augusta", "add_tags": ["vip"]},
        headers=tenant.headers(),
    )
    time.sleep(0.01)
    t2 = datetime.now(UTC)
    time.sleep(0.01)
    tenant.client.patch(f"/v1/customers/{cid}", json={"company": None}, headers=tenant.headers())

    then = get_customer(tenant, cid, as_of=t1.isoformat()).json()
    assert (then["first_name"], then["lifecycle_stage"], then["ltv"]) == ("Ada", "prospect", "0.00")
    assert then["tags"] == ["newsletter"]
    assert then["company"] == "Babbage & Co"
    later = get_customer(tenant, cid, as_of=t2.isoformat()).json()
    assert (later["first_name"], later["lifecycle_stage"], later["ltv"]) == (
        "Augusta",
        "customer",
        "50.00",
    )
    assert later["tags"] == ["newsletter", "vip"]
    assert later["company"] == "Babbage & Co"
    now = get_customer(tenant, cid).json()
    assert now["company"] is None
    naive = get_customer(tenant, cid, as_of=t1.replace(tzinfo=None).isoformat())
    assert naive.json()["first_name"] == "Ada"
    before_birth = get_customer(tenant, cid, as_of="2020-01-01T00:00:00Z")
    assert before_birth.status_code == 404
    assert get_customer(tenant, cid, as_of="yesterday").status_code == 422


def test_as_of_respects_deletion(tenant):
    cid = new_customer(tenant)["id"]
    time.sleep(0.01)
    alive = datetime.now(UTC).isoformat()
    time.sleep(0.01)
    tenant.client.delete(f"/v1/customers/{cid}", headers=tenant.headers())
    assert get_customer(tenant, cid, as_of=alive).status_code == 404
    r = get_customer(tenant, cid, as_of=alive, include_deleted="true")
    assert r.status_code == 200
    assert r.json()["deleted_at"] is None
    tenant.client.post(f"/v1/customers/{cid}/restore", headers=tenant.headers())
    assert get_customer(tenant, cid, as_of=alive).status_code == 200


def test_customer_audited_first_after_a_bulk_load_gets_a_baseline(tenant, backend):
    """A customer inserted without the service (bulk load) still rebuilds as of later times."""
    from rolodex.customers import service as customers
    from rolodex.models import Customer

    cid = uuid.uuid4()
    with tenant.client.app.state.db.session(tenant.id) as session:
        session.add(Customer(tenant_id=tenant.id, id=cid, first_name="Grace", attributes={}))
    tenant.client.patch(
        f"/v1/customers/{cid}", json={"first_name": "Hopper"}, headers=tenant.headers()
    )
    baseline, update = sorted(_entries(tenant, cid), key=lambda e: e["seq"])
    assert baseline["action"] == "baseline"
    assert baseline["after"]["first_name"] == "Grace"
    assert update["after"]["first_name"] == "Hopper"
    assert (
        get_customer(tenant, str(cid), as_of=datetime.now(UTC).isoformat()).json()["first_name"]
        == "Hopper"
    )
    assert verify(tenant)["ok"]
    assert customers  # the service is what the PATCH went through
