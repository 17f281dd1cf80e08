"""rolodex sources add, rolodex worker --once, rolodex jobs list / retry, on both engines;
and `rolodex serve`'s embedded worker (one process is a whole system)."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from rolodex.app import create_app
from rolodex.cli.main import app as cli
from tests.conftest import make_tenant
from tests.ingest.payloads import body_of, shopify_customer, shopify_headers, shopify_order


def run(*args: str):
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_sources_add_then_worker_then_jobs_retry(cli_env, app_client):
    tenant = make_tenant(app_client)
    secret = "shpss_cli-secret-0123456789abcdef"
    out = run(
        "sources", "add", "--tenant", tenant.slug, "--provider", "shopify", "--secret", secret
    )
    assert f"POST /v1/hooks/{tenant.slug}/shopify" in out
    assert "shopify  active" in run("sources", "list", "--tenant", tenant.slug)
    url = f"/v1/hooks/{tenant.slug}/shopify"
    customer = shopify_customer()
    good = body_of(customer)
    poison = body_of(shopify_order(customer, total_price="lots"))
    for topic, body in (("customers/create", good), ("orders/paid", poison)):
        r = app_client.post(url, content=body, headers=shopify_headers(topic, body, secret=secret))
        assert r.status_code == 200, r.text
    assert "done 1, retried 0, dead 1" in run("worker", "--once")
    listed = run("jobs", "list", "--tenant", tenant.slug, "--state", "dead")
    job_id = listed.split()[0]
    assert "total_price" in listed
    assert "queued again" in run("jobs", "retry", job_id)  # no --tenant: found across tenants
    assert "dead 1" in run("worker", "--once")
    bad = CliRunner().invoke(cli, ["jobs", "retry", "00000000-0000-0000-0000-000000000000"])
    assert bad.exit_code == 1
    assert "no job" in bad.output
    rotated = run("sources", "list", "--tenant", tenant.slug).split()[0]
    out = run(
        "sources",
        "rotate",
        rotated,
        "--tenant",
        tenant.slug,
        "--secret",
        "n" * 20,
        "--grace-hours",
        "2",
    )
    assert "old secret is valid until" in out


def test_serve_runs_an_embedded_worker(backend):
    settings = backend.db.settings.model_copy(update={"embedded_worker": True})
    with TestClient(create_app(settings, backend.db)) as client:
        tenant = make_tenant(client)
        secret = "shpss_embedded-0123456789abcdef"
        r = client.post(
            "/v1/sources", json={"provider": "shopify", "secret": secret}, headers=tenant.headers()
        )
        assert r.status_code == 201
        customer = shopify_customer()
        body = body_of(customer)
        r = client.post(
            f"/v1/hooks/{tenant.slug}/shopify",
            content=body,
            headers=shopify_headers("customers/create", body, secret=secret),
        )
        assert r.status_code == 200
        deadline = time.monotonic() + 15
        found = []
        while time.monotonic() < deadline and not found:
            found = client.get("/v1/customers", headers=tenant.headers()).json()["items"]
            time.sleep(0.05)
        assert [c["email"] for c in found] == [customer["email"]]
