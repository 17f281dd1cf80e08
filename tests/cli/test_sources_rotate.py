"""rolodex sources rotate, on SQLite and PostgreSQL: an unknown source (or another tenant's)
is said before the new signing secret is asked for; it was asked for, then refused."""

from __future__ import annotations

import re
import uuid

import pytest

PROMPT = "Signing secret"
NEW = "a-new-signing-secret-0123\n"


@pytest.fixture
def shop(cli, monkeypatch):
    monkeypatch.delenv("ROLODEX_WEBHOOK_SECRET", raising=False)
    for slug in ("shop", "other"):
        assert cli("tenants", "create", slug.title(), "--slug", slug).exit_code == 0
    added = cli("sources", "add", "--tenant", "shop", "--provider", "shopify", "--secret", "s" * 20)
    assert added.exit_code == 0, added.output
    return re.search(r"source\s+(\S+)", added.output).group(1)


def test_an_unknown_source_is_said_before_the_secret_is_asked(cli, shop):
    missing = uuid.uuid4()
    result = cli("sources", "rotate", missing, "--tenant", "shop", input=NEW)
    assert result.exit_code == 1, result.output
    assert f"no webhook source {missing}" in result.output
    assert PROMPT not in result.output


def test_another_tenants_source_is_unknown_before_the_prompt(cli, shop):
    result = cli("sources", "rotate", shop, "--tenant", "other", input=NEW)
    assert result.exit_code == 1, result.output
    assert f"no webhook source {shop}" in result.output
    assert PROMPT not in result.output
    result = cli("sources", "rotate", shop, "--tenant", "nowhere", input=NEW)
    assert result.exit_code == 1, result.output
    assert PROMPT not in result.output


def test_a_known_source_asks_for_the_secret_and_rotates(cli, shop):
    result = cli("sources", "rotate", shop, "--tenant", "shop", input=NEW)
    assert result.exit_code == 0, result.output
    assert PROMPT in result.output
    assert "rotated; the old secret is valid until" in result.output
    # a refused secret is still refused, after the prompt
    result = cli("sources", "rotate", shop, "--tenant", "shop", input="short\n")
    assert result.exit_code == 1, result.output
    assert "a signing secret has 16 to 500 characters" in result.output
