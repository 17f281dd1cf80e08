"""The audit hash chain's pure parts: canonical form, sealing, redaction, entry hashes."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rolodex.audit import hashing
from rolodex.audit.hashing import GENESIS, Hashed

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=15,
)


def _like_jsonb(value):
    """What PostgreSQL's JSONB gives back: numbers reparsed from their exact decimal text."""
    text = json.dumps(value)
    return json.loads(text, parse_float=lambda s: _num(Decimal(s)), parse_int=int)


def _num(d: Decimal):
    return int(d) if d == d.to_integral_value() and abs(d) > 10**17 else float(d)


@given(json_values)
def test_canonical_survives_a_jsonb_round_trip(value):
    assert hashing.canonical(value) == hashing.canonical(_like_jsonb(value))


@pytest.mark.parametrize(
    ("a", "b"),
    [(1.0, 1), (-0.0, 0), (1e300, 10**300), ({"b": 1, "a": 2}, {"a": 2, "b": 1}), (0.1, 0.1)],
)
def test_canonical_equal_spellings(a, b):
    assert hashing.canonical(a) == hashing.canonical(b)


@pytest.mark.parametrize(
    ("a", "b"), [(1, "1"), (None, "null"), (True, 1), ([1, 2], [2, 1]), (10**40, 10**40 + 1)]
)
def test_canonical_different_values(a, b):
    assert hashing.canonical(a) != hashing.canonical(b)


def _entry(**over):
    base = dict(
        tenant_id=uuid.UUID(int=1),
        seq=1,
        at=datetime(2026, 3, 1, 12, tzinfo=UTC),
        actor_type="api_key",
        actor_id="k1",
        actor_name="key",
        action="update",
        customer_id=uuid.UUID(int=2),
        changed="email",
        meta={},
        sealed={"after": {"email": "h:x"}},
        prev_hash=GENESIS,
    )
    base.update(over)
    return Hashed(**base)


@pytest.mark.parametrize(
    "change",
    [
        {"seq": 2},
        {"action": "delete"},
        {"actor_id": "k2"},
        {"changed": "phone"},
        {"meta": {"x": 1}},
        {"sealed": {"after": {"email": "h:y"}}},
        {"prev_hash": "1" * 64},
        {"at": datetime(2026, 3, 1, 12, 0, 0, 1, tzinfo=UTC)},
        {"customer_id": None},
    ],
)
def test_every_hashed_field_changes_the_hash(change):
    assert hashing.entry_hash(_entry()) != hashing.entry_hash(_entry(**change))


def test_seal_hides_personal_values_and_keeps_the_rest():
    key = hashing.new_key()
    # Personal values with letters a hex digest never holds ("ada" could appear in one).
    after = {"email": "zoe.quinn@example.com", "ltv": "10.00", "notes": None, "tags": ["vip"]}
    sealed = hashing.seal(key, None, after, "203.0.113.7", "curl")
    assert sealed["after"]["email"].startswith("h:")
    assert "zoe" not in json.dumps(sealed)
    assert "quinn" not in json.dumps(sealed)
    assert "203.0.113" not in json.dumps(sealed)
    assert sealed["after"]["ltv"] == "10.00"
    assert sealed["after"]["notes"] is None
    assert sealed["after"]["tags"] == ["vip"]
    assert (
        hashing.plain_matches_sealed(key, False, None, after, "203.0.113.7", "curl", sealed) is None
    )


def test_digests_are_unlinkable_across_keys():
    assert hashing.digest(hashing.new_key(), "a@b.c") != hashing.digest(hashing.new_key(), "a@b.c")


def test_altered_plain_values_do_not_match_their_seal():
    key = hashing.new_key()
    after = {"email": "ada@example.com", "ltv": "10.00"}
    sealed = hashing.seal(key, None, after, None, None)
    forged = {"email": "eve@example.com", "ltv": "10.00"}
    assert "email" in hashing.plain_matches_sealed(key, False, None, forged, None, None, sealed)
    richer = {"email": "ada@example.com", "ltv": "99.00"}
    assert "ltv" in hashing.plain_matches_sealed(key, False, None, richer, None, None, sealed)


def test_redacted_values_match_only_after_an_erasure():
    key = hashing.new_key()
    after = {"email": "ada@example.com", "phone": "", "ltv": "10.00"}
    sealed = hashing.seal(key, None, after, "198.51.100.1", None)
    blank = hashing.redact_values(after)
    assert blank == {"email": None, "phone": "", "ltv": "10.00"}
    assert hashing.plain_matches_sealed(None, True, None, blank, None, None, sealed) is None
    assert hashing.plain_matches_sealed(key, False, None, blank, None, None, sealed) is not None


def test_personal_value_without_a_key_is_refused():
    with pytest.raises(ValueError, match="subject key"):
        hashing.seal(None, None, {"email": "x@y.z"}, None, None)
