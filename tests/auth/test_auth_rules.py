"""Pure rules: key format, password hashing, role permissions, settings."""

from __future__ import annotations

import uuid

import pytest
from pydantic import ValidationError

from rolodex.auth.keys import new_key, parse_key, secret_matches
from rolodex.auth.passwords import hash_password, verify_password
from rolodex.auth.roles import Permission, Principal
from rolodex.config import DEFAULT_SECRET, Settings


def test_key_round_trip_and_only_hash_stored():
    tenant = uuid.uuid4()
    key_id, full, stored = new_key(tenant)
    parsed = parse_key(full)
    assert parsed is not None
    assert (parsed.tenant_id, parsed.key_id) == (tenant, key_id)
    assert secret_matches(parsed.secret, stored)
    assert parsed.secret not in stored
    assert not secret_matches(parsed.secret + "x", stored)


@pytest.mark.parametrize("raw", ["", "rdx_", "rdx_zz_zz_zz", "sk_live_abc", "rdx_" + "0" * 32])
def test_malformed_keys_do_not_parse(raw):
    assert parse_key(raw) is None


def test_the_app_hashes_passwords_with_argon2id_at_its_recommended_cost():
    """The tests' users get cheap hashes (tests/conftest.py); the app's own hasher is this."""
    from argon2 import Type

    from tests.conftest import APP_HASHER

    assert APP_HASHER.type is Type.ID
    assert APP_HASHER.time_cost >= 3  # argon2-cffi's recommended cost, as the app uses it
    assert APP_HASHER.memory_cost >= 65536
    stored = APP_HASHER.hash("correct horse battery")
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert verify_password("correct horse battery", stored)


def test_passwords_are_argon2_and_verify():
    stored = hash_password("correct horse battery")
    assert stored.startswith("$argon2id$")
    assert verify_password("correct horse battery", stored)
    assert not verify_password("wrong horse battery", stored)
    assert not verify_password("anything", None)
    with pytest.raises(ValueError, match="at least"):
        hash_password("short")


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("admin", set(Permission)),
        ("agent", {Permission.READ, Permission.WRITE, Permission.INGEST}),
        ("viewer", {Permission.READ}),
        ("ingest", {Permission.INGEST}),
        ("unknown", set()),
    ],
)
def test_role_permissions(role, allowed):
    p = Principal(uuid.uuid4(), role, "api_key", "k")
    assert {perm for perm in Permission if p.can(perm)} == allowed


def test_production_refuses_the_default_secret():
    with pytest.raises(ValidationError, match="ROLODEX_SECRET_KEY"):
        Settings(env="production", secret_key=DEFAULT_SECRET)
    assert Settings(env="production", secret_key="s" * 40).env == "production"
