"""Other writers change customers while an import runs (SQLite and PostgreSQL): a merge, a
soft delete or an erasure of a customer the import is about to update, made by the API between
the import's batches or, on PostgreSQL, between a batch's decision and its write."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import pytest

from rolodex.imports import batch as batch_module
from tests.conftest import Backend, TenantCtx, make_tenant
from tests.imports.helpers import csv_text, customers, drain, rows, status
from tests.imports.test_runs import run_inline, start


def made(tenant: TenantCtx, **body: Any) -> dict[str, Any]:
    response = tenant.client.post("/v1/customers", json=body, headers=tenant.headers())
    assert response.status_code == 201, response.text
    return dict(response.json())


def stored(tenant: TenantCtx, customer_id: str) -> dict[str, Any]:
    """The customer as stored, deleted or not."""
    response = tenant.client.get(
        f"/v1/customers/{customer_id}",
        params={"include_deleted": "true"},
        headers=tenant.headers(),
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def write(tenant: TenantCtx, what: str, customer: dict[str, Any], other: dict[str, Any]) -> None:
    """Erase, merge away (into ``other``) or delete ``customer`` through the API."""
    cid, h = customer["id"], tenant.headers()
    if what == "erase":
        r = tenant.client.post(f"/v1/customers/{cid}/erase", json={"confirm": cid}, headers=h)
    elif what == "merge":
        r = tenant.client.post(
            "/v1/merges", json={"survivor_id": other["id"], "duplicate_id": cid}, headers=h
        )
    else:
        r = tenant.client.delete(f"/v1/customers/{cid}", headers=h)
    assert r.status_code in (200, 201, 204), r.text


def between_decision_and_write(monkeypatch: pytest.MonkeyPatch, action: Callable[[], None]) -> None:
    """Run ``action`` once, after the first batch has matched its records and before it locks
    and reads again the customers it updates (batch.Batch.replay)."""
    real = batch_module.repository.children
    done: list[bool] = []

    def children(*args: Any, **kwargs: Any) -> Any:
        if not done:
            done.append(True)
            action()
        return real(*args, **kwargs)

    monkeypatch.setattr(batch_module.repository, "children", children)


# PostgreSQL only: on SQLite a batch holds the one writer lock from its decision to its
# commit, so no other writer can come between (the writes between batches are tested on both
# engines below).
@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
@pytest.mark.parametrize("what", ["erase", "merge", "delete"])
def test_a_customer_erased_merged_or_deleted_while_its_batch_decides_is_not_written(
    tenant: TenantCtx, backend: Backend, monkeypatch: pytest.MonkeyPatch, what: str
) -> None:
    assert backend.name == "postgres"
    survivor = made(tenant, email="zed@example.com", first_name="Zed", last_name="Quill")
    dee = made(tenant, email="dee@example.com", first_name="Dee", last_name="Lee")
    iid = start(
        tenant,
        csv_text(
            [
                ["email", "first_name", "last_name", "company", "phone"],
                ["dee@example.com", "Dee", "Lee", "Acme", "+1 415 555 0123"],
            ]
        ),
    )
    before = stored(tenant, dee["id"])
    between_decision_and_write(monkeypatch, lambda: write(tenant, what, dee, survivor))

    run_inline(tenant, iid, batch_rows=1)

    assert status(tenant, iid)["state"] == "done"
    after = stored(tenant, dee["id"])
    # the erased, merged-away or deleted customer is as that writer left it: the import
    # wrote neither its values back nor onto a record that is gone
    assert after["company"] is None
    assert after["phone"] is None
    if what == "erase":
        assert (after["email"], after["first_name"], after["last_name"]) == (None, None, None)
    else:
        assert after["deleted_at"] is not None
        profile = ("email", "first_name", "last_name", "company", "phone", "attributes")
        assert {k: after[k] for k in profile} == {k: before[k] for k in profile}
    (row,) = rows(tenant, iid)
    assert row["customer_id"] != dee["id"]
    # decided again on what is now stored: the email is nobody's live one any more
    assert row["action"] == "create"
    assert [c["email"] for c in customers(tenant) if c["id"] == row["customer_id"]] == [
        "dee@example.com"
    ]


def after_batch(k: int, action: Callable[[], None]) -> Callable[[Any], None]:
    """A progress callback running ``action`` once the import has committed ``k`` rows."""

    def progress(run: Any) -> None:
        if run.rows_read == k:
            action()

    return progress


@pytest.mark.parametrize("what", ["erase", "merge", "delete"])
def test_a_dry_run_reads_a_customer_gone_between_its_batches_as_the_real_run_does(
    app_client: Any, what: str
) -> None:
    file = csv_text(
        [
            ["email", "first_name", "last_name", "company"],
            ["dee@example.com", "Dee", "Lee", "Acme"],
            ["dee@example.com", "Dee", "Lee", "Beta"],
        ]
    )
    seen = {}
    for dry_run in (False, True):
        tenant = make_tenant(app_client)
        survivor = made(tenant, email="zed@example.com", first_name="Zed", last_name="Quill")
        dee = made(tenant, email="dee@example.com", first_name="Dee", last_name="Lee")
        iid = start(tenant, file, dry_run=dry_run)
        gone = functools.partial(write, tenant, what, dee, survivor)
        run_inline(tenant, iid, 1, after_batch(1, gone))
        seen[dry_run] = [
            (r["row"], r["action"], r["matched_by"], "Dee" if r["customer_id"] == dee["id"] else "")
            for r in rows(tenant, iid)
        ]
    # the dry run's second row does not find her in what its first row would have written
    assert seen[True] == seen[False]
    # the second row is decided on what is stored then: the email is nobody's live one
    assert seen[False] == [(1, "update", "email", "Dee"), (2, "create", None, "")]


def test_merges_between_batches_send_later_rows_to_the_survivor_and_the_revert_keeps_both(
    tenant: TenantCtx,
) -> None:
    """Rows naming, by id or by external key, a customer an earlier batch made that was
    merged away since (or that absorbed another since) update the survivor, with no duplicate
    made; the revert keeps the survivor that absorbed a customer and the merged-away ones,
    each row saying why. (A row naming only the email of a customer merged away since makes
    a new customer, as POST /v1/customers?match=true does: matching finds live customers.)"""
    zed = made(tenant, email="zed@example.com", first_name="Zed", last_name="Quill")
    ids = ["6a1f0c52-3f0e-4c9b-9d0e-0d1b5b0a0001", "6a1f0c52-3f0e-4c9b-9d0e-0d1b5b0a0002"]
    iid = start(
        tenant,
        csv_text(
            [
                ["id", "external_id", "email", "first_name", "last_name", "company"],
                [ids[0], "", "ann@example.com", "Ann", "Lee", ""],
                ["", "77", "bo@example.com", "Bo", "Ray", ""],
                [ids[1], "", "cy@example.com", "Cy", "Fox", "Cyco"],
                [ids[0], "", "ann@example.com", "Ann", "Lee", "Annco"],  # Ann: merged into Zed
                ["", "77", "bo@example.com", "Bo", "Ray", "Boco"],  # Bo: absorbed Cy
            ]
        ),
    )

    def merges() -> None:
        bo = next(c for c in customers(tenant) if c["email"] == "bo@example.com")
        for survivor, duplicate in ((zed["id"], ids[0]), (bo["id"], ids[1])):
            write(tenant, "merge", {"id": duplicate}, {"id": survivor})

    run_inline(tenant, iid, batch_rows=1, progress=after_batch(3, merges))

    report = rows(tenant, iid)
    bo_id = report[1]["customer_id"]
    assert [(r["action"], r["matched_by"], r["customer_id"]) for r in report[3:]] == [
        ("update", "merged_id", zed["id"]),
        ("update", "external_id", bo_id),
    ]
    assert (stored(tenant, zed["id"])["company"], stored(tenant, bo_id)["company"]) == (
        "Annco",
        "Boco",
    )
    assert [c["email"] for c in customers(tenant, sort="email")] == [
        "bo@example.com",
        "zed@example.com",
    ]  # no duplicate: the merged-away ones are not made again

    revert = tenant.client.post(f"/v1/imports/{iid}/revert", headers=tenant.headers())
    assert revert.status_code == 202, revert.text
    drain(tenant)
    after = {r["row"]: (r["revert"], r["revert_reason"]) for r in rows(tenant, iid)}
    assert after[1] == ("kept", "the customer was deleted or merged since the import")
    assert after[3] == ("kept", "the customer was deleted or merged since the import")
    # Bo absorbed Cy after the import made him: kept whole, with all the import's rows about
    # him (a later merge keeps the whole customer, revert.py)
    for row in (2, 5):
        assert after[row][0] == "kept"
        assert "merge by" in str(after[row][1])
    assert after[4] == ("reverted", None)  # Zed merged Ann in before the import wrote Annco
    assert stored(tenant, zed["id"])["company"] is None
    assert stored(tenant, bo_id)["company"] == "Boco"
    for merged_away in ids:
        assert stored(tenant, merged_away)["deleted_at"] is not None
    assert [c["email"] for c in customers(tenant, sort="email")] == [
        "bo@example.com",
        "zed@example.com",
    ]
