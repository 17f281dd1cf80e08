"""Name-key blocks an import run keeps from batch to batch (imports.blocks; SQLite keeps them,
PostgreSQL reads every batch). A batch finds what the run's earlier batches created and
changed, and what other writers did in between, exactly as if it had read everything again;
and on SQLite it does not read again what it kept."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, update
from sqlalchemy.orm import Session, object_session

from rolodex.config import Settings
from rolodex.db import Database, make_owner_engine
from rolodex.identity import batch_repository
from rolodex.imports.blocks import NameBlocks
from rolodex.kit.time import utcnow
from rolodex.models import Customer, ImportRun, Tenant
from rolodex.tenants import service as tenants
from tests.conftest import TenantCtx, make_tenant
from tests.imports.helpers import (
    crowd,
    customers,
    label,
    post_labelled,
    posted_one_by_one,
    profiles_and_pairs,
    rows,
    upload,
)
from tests.imports.test_runs import run_inline

ZED = {"first_name": "Zed", "last_name": "Quill"}
ULA = {"first_name": "Ula", "last_name": "Vance"}
NELL = {"first_name": "Nell", "last_name": "Okafor"}


def _labelled(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {**d, "attributes": {**d.get("attributes", {}), "row": n}}
        for n, d in enumerate(docs, start=1)
    ]


def _import(
    tenant: TenantCtx, docs: list[dict[str, Any]], batch_rows: int, progress: Any = None
) -> list[dict[str, Any]]:
    """``docs`` (labelled ``row N``) imported ``batch_rows`` at a time: the report's rows."""
    response = upload(tenant, json.dumps(_labelled(docs)), "incoming.json")
    assert response.status_code == 202, response.text
    run_id = response.json()["id"]
    run_inline(tenant, run_id, batch_rows=batch_rows, progress=progress)
    return rows(tenant, run_id)


def _pairs(tenant: TenantCtx) -> set[tuple[str, ...]]:
    return {pair for pair, _score in profiles_and_pairs(tenant)[1]}


@pytest.mark.parametrize("batch_rows", [1, 2, 1000])
def test_a_later_batch_finds_what_earlier_batches_created_and_renamed(
    tenant: TenantCtx, batch_rows: int
) -> None:
    one_by_one = make_tenant(tenant.client, "One by one")
    for t in (tenant, one_by_one):
        post_labelled(t, [{"email": "nameless@example.com"}])  # base 0: no name yet
    incoming = [
        ZED,  # row 1: a name nobody holds
        ZED,  # row 2: finds row 1 (0.80: queued for review)
        {"email": "nameless@example.com", **ULA},  # row 3: base 0 by email, gets a name
        ULA,  # row 4: finds base 0 by its new name
        ZED,  # row 5: finds rows 1 and 2
    ]
    report = _import(tenant, incoming, batch_rows)
    assert [r["action"] for r in report] == ["create", "create", "update", "create", "create"]
    posted_one_by_one(one_by_one, _labelled(incoming))
    assert profiles_and_pairs(tenant) == profiles_and_pairs(one_by_one)
    assert _pairs(tenant) == {
        ("row 1", "row 2"),
        ("base 0", "row 4"),
        ("row 1", "row 5"),
        ("row 2", "row 5"),
    }


def test_a_namesake_the_run_changed_is_matched_as_changed(tenant: TenantCtx) -> None:
    one_by_one = make_tenant(tenant.client, "One by one")
    for t in (tenant, one_by_one):
        post_labelled(t, [{**ZED, "email": "zed@example.com"}])  # base 0
    born = {"attributes": {"date_of_birth": "1980-05-17"}}
    incoming = [
        {**ZED, "email": "other@example.com"},  # row 1: meets base 0 by name alone
        {"email": "zed@example.com", **born},  # row 2: base 0 by email, gets a birth date
        {**ZED, **born},  # row 3: meets base 0 by name alone, now with its birth date
    ]
    report = _import(tenant, incoming, batch_rows=1)
    assert [r["action"] for r in report][:2] == ["create", "update"]
    posted_one_by_one(one_by_one, _labelled(incoming))
    state = profiles_and_pairs(tenant)
    assert state == profiles_and_pairs(one_by_one)
    # row 3 met base 0 with its birth date: more than a name alone scores (0.80)
    assert report[2]["score"] > 0.8
    assert ("base 0", "row 3") in {pair for pair, _ in state[1]} or report[2]["action"] == "update"


def test_a_full_block_keeps_its_oldest_fifty_from_batch_to_batch(tenant: TenantCtx) -> None:
    one_by_one = make_tenant(tenant.client, "One by one")
    crowd(tenant, ZED, 55)
    crowd(one_by_one, ZED, 55)
    report = _import(tenant, [ZED, ZED, ZED], batch_rows=1)
    assert [r["action"] for r in report] == ["create"] * 3
    posted_one_by_one(one_by_one, _labelled([ZED, ZED, ZED]))
    state = profiles_and_pairs(tenant)
    assert state == profiles_and_pairs(one_by_one)
    for row in ("row 1", "row 2", "row 3"):
        met = {a if b == row else b for a, b in (p for p, _ in state[1]) if row in (a, b)}
        assert len(met) == 50
        assert {f"base {i}" for i in range(50, 55)} <= met  # the oldest five


def test_what_other_writers_did_between_batches_is_seen(tenant: TenantCtx) -> None:
    made: dict[str, str] = {}

    def between(run: ImportRun) -> None:
        if run.rows_read != 1:
            return
        h = tenant.headers()
        (first,) = [c for c in customers(tenant) if label(c) == "row 1"]
        assert tenant.client.delete(f"/v1/customers/{first['id']}", headers=h).status_code in (
            200,
            204,
        )
        other = tenant.client.post("/v1/customers", json=NELL, headers=h)
        assert other.status_code == 201, other.text
        made["id"] = other.json()["id"]

    report = _import(tenant, [NELL, NELL], batch_rows=1, progress=between)
    assert [r["action"] for r in report] == ["create", "create"]
    pairs = tenant.client.get("/v1/duplicates", headers=tenant.headers()).json()["items"]
    ends = [{p["customer_a"]["id"], p["customer_b"]["id"]} for p in pairs]
    # row 2 meets the customer made between the batches, not the one deleted then
    assert ends == [{made["id"], report[1]["customer_id"]}]


def test_a_write_through_the_runs_own_connection_between_batches_is_seen(
    tenant: TenantCtx,
) -> None:
    def between(run: ImportRun) -> None:
        if run.rows_read != 1:
            return
        session = object_session(run)  # the runner's: on SQLite, the connection it reads with
        assert session is not None
        session.execute(
            update(Customer)
            .where(Customer.tenant_id == tenant.id, Customer.first_name == "Nell")
            .values(deleted_at=utcnow() - timedelta(seconds=1))
        )
        session.commit()

    report = _import(tenant, [NELL, NELL], batch_rows=1, progress=between)
    assert [r["action"] for r in report] == ["create", "create"]
    assert _pairs(tenant) == set()  # row 1 was deleted before row 2 was matched


def test_a_kept_block_is_not_read_again(
    tenant: TenantCtx, backend: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored = post_labelled(tenant, [{**ZED, "email": f"zed{i}@example.com"} for i in range(10)])
    asked: list[set[str]] = []
    read: list[set[str]] = []
    block_many, match_rows = batch_repository.block_many, batch_repository.match_rows

    def counted_blocks(session: Any, tenant_id: Any, keys: Any, *args: Any, **kw: Any) -> Any:
        asked.append(set(keys["k"]))
        return block_many(session, tenant_id, keys, *args, **kw)

    def counted_rows(session: Any, tenant_id: Any, ids: Any) -> Any:
        read.append({str(i) for i in ids})
        return match_rows(session, tenant_id, ids)

    monkeypatch.setattr(batch_repository, "block_many", counted_blocks)
    monkeypatch.setattr(batch_repository, "match_rows", counted_rows)
    docs = [{**ZED, "email": f"new{n}@example.com"} for n in range(3)]
    report = _import(tenant, docs, batch_rows=1)
    assert [r["action"] for r in report] == ["create"] * 3
    made = [r["customer_id"] for r in report]
    assert read[0] == set(stored)
    if backend.name == "sqlite":
        assert [len(a) for a in asked] == [1, 0, 0]  # the name is looked up once
        assert read[1:] == [{made[0]}, {made[1]}]  # only what the run itself added since
    else:
        assert [len(a) for a in asked] == [1, 1, 1]
        assert read[1:] == [{*stored, made[0]}, {*stored, *made[:2]}]


@pytest.fixture
def sqlite_db(sqlite_template: Path, tmp_path: Path) -> Iterator[tuple[Database, Engine]]:
    path = tmp_path / "rolodex.db"
    shutil.copy(sqlite_template, path)
    url = f"sqlite:///{path}"
    db, owner = Database(Settings(database_url=url, env="test")), make_owner_engine(url)
    yield db, owner
    db.dispose()
    owner.dispose()


def test_sqlite_tells_a_run_whether_anyone_else_wrote_between_batches(
    sqlite_db: tuple[Database, Engine],
) -> None:
    db, owner = sqlite_db
    with db.session() as session:
        tid = tenants.create_tenant(session, "Blocks").id
    blocks = NameBlocks(active=True)

    def kept(session: Session) -> bool:
        """A batch: whether it finds the block the last one kept; it keeps one."""
        blocks.check(session)
        found = "k" in blocks.blocks
        blocks.blocks["k"] = []
        blocks.seal(session)
        session.commit()
        return found

    renamed = update(Tenant).where(Tenant.id == tid).values(name="Renamed")
    with db.session(tid) as session:
        assert not kept(session)  # nothing kept yet
        assert kept(session)  # nobody wrote since
        session.execute(renamed)  # through the very connection the run reads with
        session.commit()
        assert not kept(session)
        assert kept(session)
        with owner.begin() as conn:  # another connection
            conn.execute(renamed.values(name="Again"))
        assert not kept(session)
        assert kept(session)
