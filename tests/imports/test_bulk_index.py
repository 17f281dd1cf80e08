"""Imports write batches in bulk: on SQLite the new customers' search entries are made
set-based (search.sql.sqlite_bulk_index) rather than by the per-row trigger. The index must
come out exactly as the triggers (and search.rebuild) make it, whatever the batch size, and a
batch that fails part way must leave nothing behind (both engines)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlalchemy import text

from rolodex.imports import writes
from rolodex.search import rebuild
from tests.conftest import TenantCtx
from tests.imports.helpers import csv_text, customers, errors, rows, status
from tests.imports.test_runs import run_inline, start

FILE = csv_text(
    [
        ["email", "first_name", "last_name", "phone", "company", "notes"],
        ["zoe@example.com", "Zoë", "O'Brien-Smith", "+44 20 7946 0958", "Ænima Ltd.", ""],
        ["jurgen@example.com", "Jürgen", "Groß", "", "Straße & Co", ""],
        ["not-an-email", "Bad", "Row", "", "", ""],  # fails, mid-batch
        ["", "Ana", "Lima", "+1 415 555 0199", "", "likes tea"],
        ["ZOE@example.com", "", "", "", "", "VIP! second visit"],  # matches row 1
        ["", "Ana", "Lima", "(415) 555-0199", "Lima Imports", ""],  # matches row 4
        ["kim@example.com", "Kim", "Ngô", "", "", ""],
    ]
)


def _index(backend: Any, tenant_id: uuid.UUID) -> list[tuple[Any, ...]]:
    """The tenant's search rows (without the SQLite rowid), sorted."""
    t = tenant_id.hex if backend.name == "sqlite" else tenant_id
    extra = ", pending" if backend.name == "sqlite" else ", doc::text"
    with backend.owner.connect() as conn:
        found = conn.execute(
            text(
                "SELECT customer_id, name, email, phone, company"
                f"{', notes' if backend.name == 'sqlite' else ''}{extra} "
                "FROM customer_search WHERE tenant_id = :t"
            ),
            {"t": t},
        )
        return sorted(tuple(str(v) for v in row) for row in found)


def _terms(backend: Any, tenant_id: uuid.UUID) -> list[str]:
    t = tenant_id.hex if backend.name == "sqlite" else tenant_id
    with backend.owner.connect() as conn:
        found = conn.execute(
            text("SELECT term FROM search_terms WHERE tenant_id = :t ORDER BY term"), {"t": t}
        )
        return [r[0] for r in found]


def _rebuilt(backend: Any, tenant_id: uuid.UUID) -> tuple[list[tuple[Any, ...]], list[str]]:
    with backend.owner.begin() as conn:
        rebuild.rebuild(conn, tenant_id)
    return _index(backend, tenant_id), _terms(backend, tenant_id)


def _ids(tenant: TenantCtx, q: str) -> set[str]:
    return {c["id"] for c in customers(tenant, q=q)}


@pytest.mark.parametrize("batch_rows", [1, 2, 3, 1000])
def test_imported_customers_are_indexed_as_the_triggers_index_them(
    tenant: TenantCtx, backend: Any, batch_rows: int
) -> None:
    run_id = start(tenant, FILE)
    run_inline(tenant, run_id, batch_rows=batch_rows)
    done = status(tenant, run_id)
    assert done["state"] == "done"
    assert (done["progress"]["created"], done["progress"]["updated"]) == (4, 2)
    report = {r["row"]: r for r in rows(tenant, run_id)}
    zoe, ana, kim = report[1]["customer_id"], report[4]["customer_id"], report[7]["customer_id"]
    assert report[5]["customer_id"] == zoe
    assert report[6]["customer_id"] == ana

    index, terms = _index(backend, tenant.id), _terms(backend, tenant.id)
    assert len(index) == 4
    if backend.name == "sqlite":
        assert all(row[-1] == "0" for row in index)  # nothing left pending
    assert (index, terms) == _rebuilt(backend, tenant.id)  # what the set-based rebuild makes

    assert _ids(tenant, "zoe") == {zoe}
    assert _ids(tenant, "obrien") == {zoe}
    assert _ids(tenant, "aenima") == {zoe}
    assert _ids(tenant, "jurgen gross") == {report[2]["customer_id"]}
    assert _ids(tenant, "lima imports") == {ana}
    assert _ids(tenant, "4155550199") == {ana}
    assert _ids(tenant, "kim@exam") == {kim}
    assert _ids(tenant, "ngo") == {kim}


def test_customers_written_after_an_import_are_indexed_by_the_triggers(
    tenant: TenantCtx, backend: Any
) -> None:
    run_inline(tenant, start(tenant, FILE), batch_rows=2)
    h = tenant.headers()
    made = tenant.client.post(
        "/v1/customers", json={"first_name": "Quentin", "last_name": "Quill"}, headers=h
    ).json()
    assert _ids(tenant, "quentin") == {made["id"]}
    patched = tenant.client.patch(
        f"/v1/customers/{made['id']}", json={"last_name": "Zebulon"}, headers=h
    )
    assert patched.status_code == 200, patched.text
    assert _ids(tenant, "zebulon") == {made["id"]}
    index, terms = _index(backend, tenant.id), _terms(backend, tenant.id)
    assert len(index) == 5
    fresh_index, fresh_terms = _rebuilt(backend, tenant.id)
    assert index == fresh_index
    assert set(fresh_terms) <= set(terms)  # the triggers keep words nobody has any more


def test_a_failing_row_mid_batch_keeps_the_rest_of_the_batch(tenant: TenantCtx) -> None:
    run_id = start(tenant, FILE)
    run_inline(tenant, run_id, batch_rows=5)  # row 3 fails inside the first batch
    done = status(tenant, run_id)
    assert done["progress"]["failed"] == 1
    report = rows(tenant, run_id)
    assert [r["action"] for r in report] == [
        "create",
        "create",
        "fail",
        "create",
        "update",
        "update",
        "create",
    ]
    assert [(e["row"], e["field"]) for e in errors(tenant, run_id)] == [(3, "email")]
    assert len(customers(tenant)) == 4


class Boom(Exception):
    pass


def test_a_batch_that_fails_after_its_customers_went_in_leaves_nothing_behind(
    tenant: TenantCtx, backend: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_id = start(tenant, FILE)
    real = writes._audit
    calls = {"n": 0}

    def audit_then_die(batch: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 2:  # the second batch: its customers and search rows are written
            raise Boom("the worker died")
        real(batch)

    monkeypatch.setattr(writes, "_audit", audit_then_die)
    with pytest.raises(Boom):
        run_inline(tenant, run_id, batch_rows=3)
    assert status(tenant, run_id)["progress"]["rows_read"] == 3
    index = _index(backend, tenant.id)
    assert len(index) == 2 == len(customers(tenant))  # the first batch's two, indexed
    if backend.name == "sqlite":
        assert all(row[-1] == "0" for row in index)
    monkeypatch.setattr(writes, "_audit", real)
    run_inline(tenant, run_id, batch_rows=3)
    assert status(tenant, run_id)["state"] == "done"
    assert len(customers(tenant)) == 4
    assert (_index(backend, tenant.id), _terms(backend, tenant.id)) == _rebuilt(backend, tenant.id)


def test_an_email_passed_on_within_a_batch_is_written_in_the_right_order(
    tenant: TenantCtx,
) -> None:
    """Rows matched by external key may pass an email from one customer to another in one
    batch; the batch writes customers in id order, so the taker may come first."""
    first = csv_text(
        [["Customer ID", "email"], ["c-1", "one@example.com"], ["c-2", "two@example.com"]]
    )
    run_inline(tenant, start(tenant, first, source="shopify"), batch_rows=100)
    ids = {c["email"]: c["id"] for c in customers(tenant)}
    # the customer with the smaller id takes the other's email, which moves on first
    taker, giver = sorted(ids.items(), key=lambda kv: uuid.UUID(kv[1]))
    by_email = {"one@example.com": "c-1", "two@example.com": "c-2"}
    second = csv_text(
        [
            ["Customer ID", "email"],
            [by_email[giver[0]], "moved@example.com"],
            [by_email[taker[0]], giver[0]],
        ]
    )
    run_id = start(tenant, second, source="shopify")
    run_inline(tenant, run_id, batch_rows=100)
    done = status(tenant, run_id)
    assert done["state"] == "done"
    assert done["progress"]["updated"] == 2
    now = {c["id"]: c["email"] for c in customers(tenant)}
    assert now == {taker[1]: giver[0], giver[1]: "moved@example.com"}


def test_an_import_leaves_nothing_of_the_search_index_pending(
    tenant: TenantCtx, backend: Any
) -> None:
    """PostgreSQL's GIN indexes of the search take new entries in a pending list (migration
    0106) that every search reads in full: an import merges it after each batch. SQLite's
    bulk index marks its rows indexed."""
    run_inline(tenant, start(tenant, FILE), batch_rows=3)
    assert len(customers(tenant)) == 4
    if backend.name == "sqlite":
        assert all(row[-1] == "0" for row in _index(backend, tenant.id))
        return
    with backend.owner.connect() as conn:
        options = dict(
            conn.execute(
                text(
                    "SELECT relname, array_to_string(reloptions, ',') FROM pg_class "
                    "WHERE relname IN ('ix_customer_search_doc', "
                    "'ix_customer_search_email_trgm', 'ix_customer_search_phone_trgm')"
                )
            ).all()
        )
    assert options == dict.fromkeys(options, "fastupdate=on,gin_pending_list_limit=256")
    assert len(options) == 3
    db = tenant.client.app.state.db  # type: ignore[attr-defined]
    with db.session(tenant.id) as session:  # the app role may merge: nothing was left
        assert session.execute(text("SELECT rolodex_search_flush()")).scalar() == 0
    made = tenant.client.post(
        "/v1/customers", json={"first_name": "Quentin"}, headers=tenant.headers()
    )
    assert made.status_code == 201, made.text
    assert _ids(tenant, "quentin") == {made.json()["id"]}  # found while still pending
    with db.session(tenant.id) as session:  # one write of the API's is left pending
        assert session.execute(text("SELECT rolodex_search_flush()")).scalar() > 0
    assert _ids(tenant, "quentin") == {made.json()["id"]}
