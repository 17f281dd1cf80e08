"""rolodex tenants / keys / users against a real database, on SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from rolodex.cli.main import app
from rolodex.config import get_settings

KEY_RE = re.compile(r"rdx_[0-9a-f]{32}_[0-9a-f]{32}_[A-Za-z0-9_-]+")


@pytest.fixture
def cli_db(backend, monkeypatch):
    """The URL the commands use: on PostgreSQL they connect as the app role, under RLS."""
    monkeypatch.setenv("ROLODEX_DATABASE_URL", backend.url)
    get_settings.cache_clear()
    yield backend.url
    get_settings.cache_clear()


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(app, list(args), input=input)


def test_tenant_create_prints_a_working_admin_key(cli_db, app_client):
    result = run("tenants", "create", "Blue Bottle Shop")
    assert result.exit_code == 0, result.output
    assert "blue-bottle-shop" in result.output
    key = KEY_RE.search(result.output).group(0)
    r = app_client.post(
        "/v1/customers", json={"email": "x@example.com"}, headers={"Authorization": f"Bearer {key}"}
    )
    assert r.status_code == 201
    assert "blue-bottle-shop" in run("tenants", "list").output


def test_keys_create_with_role_and_users_create(cli_db, app_client):
    assert run("tenants", "create", "Shop", "--slug", "shop").exit_code == 0
    result = run("keys", "create", "--tenant", "shop", "--role", "viewer")
    assert result.exit_code == 0, result.output
    viewer = KEY_RE.search(result.output).group(0)
    h = {"Authorization": f"Bearer {viewer}"}
    assert app_client.get("/v1/customers", headers=h).status_code == 200
    assert app_client.post("/v1/customers", json={}, headers=h).status_code == 403
    result = run(
        "users",
        "create",
        "--tenant",
        "shop",
        "--email",
        "Owner@Shop.com",
        "--password",
        "correct horse battery",
    )
    assert result.exit_code == 0, result.output
    assert "owner@shop.com" in result.output
    # The user was stored (in its tenant, under RLS on PostgreSQL): it can sign in.
    page = app_client.get("/signin")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    r = app_client.post(
        "/signin",
        data={"email": "owner@shop.com", "password": "correct horse battery", "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text


def test_cli_errors_are_one_line_not_tracebacks(cli_db):
    result = run("keys", "create", "--tenant", "nope", "--role", "admin")
    assert result.exit_code == 1
    assert "no tenant 'nope'" in result.output
    assert run("tenants", "create", "Shop", "--slug", "shop").exit_code == 0
    result = run("keys", "create", "--tenant", "shop", "--role", "god")
    assert result.exit_code == 1
    assert "role" in result.output
    result = run("tenants", "create", "Shop", "--slug", "shop")
    assert result.exit_code == 1
    assert "exists" in result.output
    result = run("users", "create", "--tenant", "shop", "--email", "a@b.co", "--password", "short")
    assert result.exit_code == 1
    assert "password" in result.output


def test_a_refused_value_is_one_readable_message(cli_db):
    """A domain error is the message and what was refused, not a Python repr of its details;
    brackets in a value are printed as typed (not taken for Rich markup)."""
    assert run("tenants", "create", "Shop", "--slug", "shop").exit_code == 0
    result = run(
        "sources", "add", "--tenant", "shop", "--provider", "sh[op]ify", "--secret", "x" * 20
    )
    assert result.exit_code == 1
    assert "error: provider: one of shopify, klaviyo" in result.output
    assert "got 'sh[op]ify'" in result.output
    assert "[{" not in result.output
    result = run("sources", "add", "--tenant", "shop", "--provider", "shopify", "--secret", "x")
    assert result.exit_code == 1
    assert result.output.strip() == "error: secret: a signing secret has 16 to 500 characters"


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("sqlite:///{tmp}/never-migrated.db", "has no Rolodex tables (no such table: tenants)"),
        ("postgresql://postgres:secret@127.0.0.1:1/none", "cannot use the database at"),
    ],
)
def test_a_database_the_command_cannot_use_is_one_line_not_a_traceback(tmp_path, url, says):
    import os
    import subprocess
    import sys

    env = {**os.environ, "ROLODEX_DATABASE_URL": url.format(tmp=tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "rolodex.cli.main", "tenants", "list"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    message = " ".join(done.stderr.split())
    assert message.startswith("error: ")
    assert says in message
    assert "secret" not in message  # a password in the URL is not printed
