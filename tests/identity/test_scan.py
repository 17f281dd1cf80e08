"""The full-tenant scan: CLI, API job, auto-merge; found pairs against generated ground truth."""

from __future__ import annotations

import uuid
from collections import defaultdict
from itertools import combinations

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from rolodex.cli.main import app as cli
from rolodex.config import get_settings
from rolodex.demo.load import customer_id_for, load_people
from rolodex.demo.synth import generate_people
from rolodex.models import Customer, MergeLog

N = 400


def load(backend, tenant, seed=7):
    """N generated people (about 10% near-duplicates); the true duplicate pairs."""
    people = list(generate_people(N, seed=seed, duplicate_rate=0.1))
    with backend.owner.begin() as conn:
        load_people(conn, tenant.id, people)
    by_person = defaultdict(list)
    for rec in people:
        by_person[rec.person_id].append(customer_id_for(tenant.id, rec.record_id))
    return {
        tuple(sorted((str(a), str(b))))
        for ids in by_person.values()
        for a, b in combinations(ids, 2)
    }


@pytest.fixture
def run_cli(backend, monkeypatch):
    monkeypatch.setenv("ROLODEX_DATABASE_URL", backend.url)
    get_settings.cache_clear()

    def run(*args):
        result = CliRunner().invoke(cli, list(args))
        assert result.exit_code == 0, result.output
        return result.output

    yield run
    get_settings.cache_clear()


def listed_pairs(tenant):
    pairs, cursor = [], None
    while True:
        params = {"limit": 200, **({"cursor": cursor} if cursor else {})}
        body = tenant.client.get("/v1/duplicates", params=params, headers=tenant.headers()).json()
        pairs += body["items"]
        cursor = body["next_cursor"]
        if not cursor:
            return pairs


def test_cli_scan_finds_the_true_duplicates(backend, tenant, run_cli):
    truth = load(backend, tenant)
    output = run_cli("dedupe", "scan", "--tenant", tenant.slug)
    assert "Reading customers:" in output  # plain progress lines off a terminal
    assert f"scanned {N} customers" in output
    found = {
        tuple(sorted((p["customer_a"]["id"], p["customer_b"]["id"]))) for p in listed_pairs(tenant)
    }
    correct = found & truth
    assert len(correct) / len(found) >= 0.95  # precision
    assert len(correct) / len(truth) >= 0.90  # recall (pairs only linked through a third miss)
    with backend.db.session(tenant.id, write=False) as session:
        missing = session.scalar(
            select(func.count()).where(Customer.tenant_id == tenant.id, Customer.name_key.is_(None))
        )
        assert missing == 0  # the scan repaired the keys the bulk load left empty


def test_auto_merge_merges_clusters_into_their_oldest_customer(backend, tenant, run_cli):
    truth = load(backend, tenant)
    output = run_cli("dedupe", "scan", "--tenant", tenant.slug, "--auto-merge")
    merged = int(output.split(" merged")[0].rsplit(" ", 1)[1].replace(",", ""))
    assert merged > 0
    with backend.db.session(tenant.id, write=False) as session:
        logs = session.scalars(select(MergeLog).where(MergeLog.tenant_id == tenant.id)).all()
        live = session.scalar(
            select(func.count()).where(
                Customer.tenant_id == tenant.id, Customer.deleted_at.is_(None)
            )
        )
        assert len(logs) == merged
        assert live == N - merged
        wrong = [
            m for m in logs if tuple(sorted((str(m.survivor_id), str(m.duplicate_id)))) not in truth
        ]
        assert wrong == []
        for log in logs:
            survivor = session.get(Customer, (tenant.id, log.survivor_id))
            duplicate = session.get(Customer, (tenant.id, log.duplicate_id))
            assert survivor.deleted_at is None
            assert duplicate.merged_into_id == survivor.id
            assert survivor.created_at <= duplicate.created_at


def test_scan_job_through_the_api_and_dismissals_stick(backend, tenant, other_tenant):
    load(backend, tenant)
    viewer = tenant.key("viewer")
    r = tenant.client.post("/v1/duplicates/scan", headers=tenant.headers(viewer))
    assert r.status_code == 403
    r = tenant.client.post("/v1/duplicates/scan", json={}, headers=tenant.headers())
    assert r.status_code == 202, r.text
    assert r.json()["state"] == "queued"
    job = tenant.client.get(f"/v1/duplicates/scans/{r.json()['id']}", headers=tenant.headers())
    assert job.json()["state"] == "done", job.text
    assert job.json()["customers"] == N
    pairs = listed_pairs(tenant)
    assert len(pairs) == job.json()["candidates"] > 0
    ours = {str(customer_id_for(tenant.id, i)) for i in range(1, N + 1)}
    assert all({p["customer_a"]["id"], p["customer_b"]["id"]} <= ours for p in pairs)
    assert listed_pairs(other_tenant) == []
    r = other_tenant.client.get(
        f"/v1/duplicates/scans/{job.json()['id']}", headers=other_tenant.headers()
    )
    assert r.status_code == 404

    dismissed = pairs[0]
    r = tenant.client.post(f"/v1/duplicates/{dismissed['id']}/dismiss", headers=tenant.headers())
    assert r.status_code == 200
    again = tenant.client.post("/v1/duplicates/scan", json={}, headers=tenant.headers())
    assert again.status_code == 202
    after = listed_pairs(tenant)
    assert len(after) == len(pairs) - 1
    gone = {dismissed["customer_a"]["id"], dismissed["customer_b"]["id"]}
    assert all({p["customer_a"]["id"], p["customer_b"]["id"]} != gone for p in after)
    assert str(uuid.UUID(dismissed["id"])) not in {p["id"] for p in after}
