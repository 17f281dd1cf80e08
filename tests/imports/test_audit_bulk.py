"""The bulk audit form: the fast encoder is byte for byte the reference one, and entries
written in bulk verify like entries written one by one (both engines)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from rolodex.audit import bulk, hashing
from rolodex.audit import service as audit
from rolodex.auth.roles import Principal
from rolodex.demo.load import customer_id_for, load_people
from rolodex.demo.synth import generate_people

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**30), 10**30)
    | st.floats(allow_nan=False)
    | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=300)
@given(json_values)
def test_fast_canonical_is_canonical(value):
    assert bulk.fast_canonical(value) == hashing.canonical(value)


@settings(max_examples=150)
@given(
    st.dictionaries(
        st.sampled_from(sorted(hashing.PERSONAL_FIELDS) + ["status", "tags"]),
        json_values,
        max_size=8,
    ),
    st.none() | st.text(max_size=20),
)
def test_fast_seal_is_seal(values, ip):
    key = hashing.new_key()
    assert bulk.seal(key, values, values, ip, None) == hashing.seal(key, values, values, ip, None)


@given(st.integers(1, 10**12), st.dictionaries(st.text(max_size=5), json_values, max_size=3))
def test_fast_entry_hash_is_entry_hash(seq, meta):
    values = {
        "tenant_id": uuid.uuid4(),
        "seq": seq,
        "at": datetime(2024, 5, 6, 7, 8, 9, 10, tzinfo=UTC),
        "actor_type": "api_key",
        "actor_id": "k",
        "actor_name": "Key",
        "action": "update",
        "customer_id": uuid.uuid4(),
        "changed": "email,status",
        "meta": meta,
        "sealed": {"before": None, "after": {"status": "vip"}, "ip": None, "user_agent": None},
        "prev_hash": "ab" * 32,
    }
    assert bulk.entry_hash(values) == hashing.entry_hash(hashing.Hashed(**values))


def test_bulk_entries_verify_and_baseline_customers_first_audited_by_them(backend, tenant):
    db = backend.db
    with backend.owner.begin() as conn:  # customers written before auditing (a bulk load)
        load_people(conn, tenant.id, generate_people(3, seed=5))
    ids = [customer_id_for(tenant.id, n) for n in (1, 2, 3)]
    principal = Principal(tenant.id, "admin", "system", "test", "test")
    new_id = uuid.uuid4()
    with db.session(tenant.id) as session:
        audit.record(session, principal, "export", None, None, None, meta={"n": 1})
        seqs = bulk.record_many(
            session,
            principal,
            [
                bulk.Change(
                    "create", new_id, None, {"id": str(new_id), "email": "n@x.com"}, {}, True
                ),
                bulk.Change(
                    "update",
                    ids[0],
                    {"status": "active", "email": "a@x.com"},
                    {"status": "vip", "email": "a@x.com"},
                    {"row": 2},
                ),
                bulk.Change("update", ids[1], {"status": "active"}, {"status": "active"}),
                bulk.Change("update", new_id, {"email": "n@x.com"}, {"email": "m@x.com"}, {}, True),
                bulk.Change("update", ids[0], {"status": "vip"}, {"status": "blocked"}),
            ],
        )
    # 1 export, create (2), baseline + update of ids[0] (3, 4), nothing for ids[1],
    # update of the new one (5), second update of ids[0] without a second baseline (6)
    assert seqs == [2, 4, None, 5, 6]
    result = tenant.client.get("/v1/audit/verify", headers=tenant.headers()).json()
    assert result["ok"], result
    assert result["entries"] == 6
    history = tenant.client.get(f"/v1/customers/{ids[0]}/audit", headers=tenant.headers())
    actions = [e["action"] for e in history.json()["items"]]
    assert sorted(actions) == ["baseline", "update", "update"]
