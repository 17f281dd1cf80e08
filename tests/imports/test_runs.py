"""An import's life on SQLite and PostgreSQL: dry run, batches, cancellation, a crash and the
resume, revert."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update

from rolodex.imports import runner
from rolodex.kit.time import utcnow
from rolodex.models import AuditHead, ImportKey, ImportOverlay, ImportRun
from tests.conftest import TenantCtx
from tests.imports.helpers import csv_text, customers, drain, rows, status, upload


def run_inline(
    tenant: TenantCtx, import_id: str, batch_rows: int, progress: Any = None, name: str = "test"
) -> None:
    db = tenant.client.app.state.db  # type: ignore[attr-defined]
    with db.session(tenant.id) as session:
        runner.run_import(
            session,
            tenant.id,
            uuid.UUID(import_id),
            runner=name,
            batch_rows=batch_rows,
            progress=progress,
        )


def start(tenant: TenantCtx, text: str, **fields: Any) -> str:
    response = upload(tenant, text, **fields)
    assert response.status_code == 202, response.text
    return response.json()["id"]


def seed(tenant: TenantCtx) -> dict[str, str]:
    h = tenant.headers()
    out = {}
    for body in (
        {"email": "ada@example.com", "first_name": "Ada", "last_name": "Lovelace"},
        {"first_name": "Bob", "last_name": "Builder", "phone": "+1 415 555 0101"},
        {"email": "cy@example.com", "first_name": "Cy", "status": "inactive"},
    ):
        made = tenant.client.post("/v1/customers", json=body, headers=h).json()
        out[body["first_name"]] = made["id"]
    return out


FILE = csv_text(
    [
        ["email", "first_name", "last_name", "phone", "company", "tags"],
        ["ada@example.com", "Ada", "Lovelace", "", "Engines", "x"],  # update Ada
        ["new1@example.com", "Nina", "New", "+1 415 555 0200", "", ""],  # create
        ["", "Bob", "Builder", "(415) 555-0101", "Fix It", ""],  # update Bob (phone + name)
        ["bad-email", "Zed", "", "", "", ""],  # fail
        ["", "", "", "", "", ""],  # empty: skip
        ["NEW1@example.com", "", "", "", "Nina Co", "y"],  # update row 2's customer (2nd batch)
        ["", "Nina", "New", "415-555-0200", "", "z"],  # same again by phone + name
        ["cy@example.com", "", "", "", "", ""],  # matched, nothing to change
        ["new2@example.com", "Otto", "", "", "", ""],  # create
    ]
)


def _summary(report: list[dict], people: dict[str, str], made: dict[int, str]) -> list[tuple]:
    """Comparable outcome of each row: action, how matched, and who (existing or which row)."""
    names = {v: k for k, v in people.items()}
    out = []
    for r in report:
        target = r["customer_id"]
        who = names.get(target) or (f"row {made[target]}" if target in made else target)
        out.append((r["row"], r["action"], r["matched_by"], r["matched_row"], who))
    return out


def test_a_dry_run_reports_exactly_what_the_real_run_then_does_and_writes_nothing(tenant, backend):
    people = seed(tenant)
    before = customers(tenant)
    with backend.db.session(tenant.id) as s:
        head_before = s.scalar(select(AuditHead.seq).where(AuditHead.tenant_id == tenant.id))
    dry = start(tenant, FILE, dry_run=True)
    run_inline(tenant, dry, batch_rows=3)
    dry_status = status(tenant, dry)
    assert dry_status["state"] == "done"
    assert dry_status["dry_run"]
    # Nothing written: customers, their audit trail, the overlay scratch all as before
    assert customers(tenant) == before
    with backend.db.session(tenant.id) as s:
        assert (
            s.scalar(select(AuditHead.seq).where(AuditHead.tenant_id == tenant.id)) == head_before
        )
        assert s.scalar(select(func.count()).select_from(ImportOverlay)) == 0
        assert s.scalar(select(func.count()).select_from(ImportKey)) == 0
    dry_rows = rows(tenant, dry)
    dry_made = {r["customer_id"]: r["row"] for r in dry_rows if r["action"] == "create"}
    expected = [
        (1, "update", "email", None, "Ada"),
        (2, "create", None, None, "row 2"),
        (3, "update", "phone", None, "Bob"),
        (4, "fail", None, None, None),
        (5, "skip", None, None, None),
        (6, "update", "email", 2, "row 2"),
        (7, "update", "phone", 2, "row 2"),
        (8, "unchanged", "email", None, "Cy"),
        (9, "create", None, None, "row 9"),
    ]
    assert _summary(dry_rows, people, dry_made) == expected
    assert dry_rows[0]["changes"]["cols"]["company"] == [None, "Engines"]
    real = start(tenant, FILE)
    run_inline(tenant, real, batch_rows=3)
    real_rows = rows(tenant, real)
    real_made = {r["customer_id"]: r["row"] for r in real_rows if r["action"] == "create"}
    assert _summary(real_rows, people, real_made) == expected
    for d, r in zip(dry_rows, real_rows, strict=True):
        assert (d["changes"] or {}).get("cols", {}).keys() == (r["changes"] or {}).get(
            "cols", {}
        ).keys()
    counts = ("created", "updated", "unchanged", "skipped", "failed")
    assert [dry_status["progress"][k] for k in counts] == [
        status(tenant, real)["progress"][k] for k in counts
    ]
    nina = {c["email"]: c for c in customers(tenant)}["new1@example.com"]
    assert nina["company"] == "Nina Co"
    assert nina["tags"] == ["y", "z"]


def test_a_queued_import_cancels_at_once(tenant):
    run_id = start(tenant, FILE)
    response = tenant.client.post(f"/v1/imports/{run_id}/cancel", headers=tenant.headers())
    assert response.status_code == 200
    assert response.json()["state"] == "cancelled"
    drain(tenant)
    assert status(tenant, run_id)["progress"]["rows_read"] == 0
    assert customers(tenant) == []


def test_a_running_import_stops_at_a_batch_boundary_keeping_what_is_done(tenant):
    run_id = start(tenant, csv_text([["email"], *[[f"p{i}@example.com"] for i in range(10)]]))

    def cancel_after_first_batch(run: ImportRun) -> None:
        if run.rows_read == 3:
            tenant.client.post(f"/v1/imports/{run_id}/cancel", headers=tenant.headers())

    run_inline(tenant, run_id, batch_rows=3, progress=cancel_after_first_batch)
    done = status(tenant, run_id)
    assert done["state"] == "cancelled"
    assert (done["progress"]["rows_read"], done["progress"]["created"]) == (3, 3)
    assert len(customers(tenant)) == 3
    again = tenant.client.post(f"/v1/imports/{run_id}/cancel", headers=tenant.headers())
    assert again.status_code == 200
    assert again.json()["state"] == "cancelled"


class Crash(Exception):
    pass


def crash_after(tenant: TenantCtx, run_id: str, rows_read: int) -> None:
    """Run the import in batches of 2 rows until ``rows_read`` are committed, then let its
    runner die there (as a worker killed mid-import), its lease still held."""

    def crash(run: ImportRun) -> None:
        if run.rows_read == rows_read:
            raise Crash("the worker died")

    with pytest.raises(Crash):
        run_inline(tenant, run_id, batch_rows=2, progress=crash, name="dead")


def test_a_crashed_import_resumes_from_its_last_committed_batch_without_duplicates(tenant, backend):
    text = csv_text([["email", "first_name"], *[[f"p{i}@example.com", f"P{i}"] for i in range(11)]])
    run_id = start(tenant, text)
    crash_after(tenant, run_id, 4)
    halfway = status(tenant, run_id)
    assert halfway["state"] == "running"
    assert halfway["progress"]["rows_read"] == 4
    assert 0 < halfway["progress"]["percent"] <= 100
    # Another runner must wait for the dead one's lease...
    with pytest.raises(runner.Busy):
        run_inline(tenant, run_id, batch_rows=2, name="other")
    # ...and takes over once it has passed (here: by a queued job)
    with backend.db.session(tenant.id) as s:
        s.execute(update(ImportRun).values(lease_until=utcnow() - timedelta(seconds=1)))
    drain(tenant)
    done = status(tenant, run_id)
    assert done["state"] == "done"
    assert (done["progress"]["rows_read"], done["progress"]["created"]) == (11, 11)
    emails = sorted(c["email"] for c in customers(tenant))
    assert emails == sorted(f"p{i}@example.com" for i in range(11))
    assert [r["row"] for r in rows(tenant, run_id)] == list(range(1, 12))
    assert tenant.client.get("/v1/audit/verify", headers=tenant.headers()).json()["ok"]


def test_revert_removes_what_was_created_restores_what_was_updated_and_keeps_the_rest(tenant):
    h = tenant.headers()
    people = seed(tenant)
    text = csv_text(
        [
            ["email", "first_name", "last_name", "phone", "company", "tags", "address1_city"],
            ["ada@example.com", "", "", "", "Engines", "x", "London"],
            ["new1@example.com", "Nina", "New", "", "", "", ""],
            ["new2@example.com", "Otto", "", "", "", "", ""],
            ["cy@example.com", "", "", "+1 415 555 0300", "Cy Co", "", ""],
        ]
    )
    run_id = start(tenant, text)
    drain(tenant)
    made = {c["email"]: c["id"] for c in customers(tenant)}
    # Afterwards someone edits a created customer, a field the import set on Ada, and a field
    # the import left alone on Cy.
    tenant.client.patch(
        f"/v1/customers/{made['new2@example.com']}", json={"company": "Mine"}, headers=h
    )
    tenant.client.patch(f"/v1/customers/{people['Ada']}", json={"company": "Ada Ltd"}, headers=h)
    tenant.client.patch(f"/v1/customers/{people['Cy']}", json={"status": "vip"}, headers=h)
    response = tenant.client.post(f"/v1/imports/{run_id}/revert", headers=h)
    assert response.status_code == 202
    assert response.json()["revert"]["state"] == "queued"
    drain(tenant)
    done = status(tenant, run_id)["revert"]
    assert (done["state"], done["reverted"], done["partly"], done["kept"]) == ("partial", 2, 1, 1)
    assert (
        tenant.client.get(f"/v1/customers/{made['new1@example.com']}", headers=h).status_code == 404
    )
    # Ada: the company someone set since stays; the import's tag and address go
    ada = tenant.client.get(f"/v1/customers/{people['Ada']}", headers=h).json()
    assert (ada["company"], ada["tags"], ada["addresses"]) == ("Ada Ltd", [], [])
    assert (
        tenant.client.get(f"/v1/customers/{made['new2@example.com']}", headers=h).json()["company"]
        == "Mine"
    )
    # Cy: the import's phone and company go back; the status set since stays
    cy = tenant.client.get(f"/v1/customers/{people['Cy']}", headers=h).json()
    assert (cy["phone_e164"], cy["company"], cy["status"]) == (None, None, "vip")
    # What was kept, whole (row 3) or in part (row 1, Ada), is listed
    kept = {r["row"]: r for r in rows(tenant, run_id, revert="kept")}
    assert {n: r["revert"] for n, r in kept.items()} == {1: "partly", 3: "kept"}
    assert "changed since the import" in kept[3]["revert_reason"]
    assert kept[1]["revert_reason"].startswith(
        "partly: kept company, changed since the import (audit entry"
    )
    assert ": update by api_key " in kept[1]["revert_reason"]  # who did it, by name
    reverted = {r["row"]: r["revert_reason"] for r in rows(tenant, run_id, revert="reverted")}
    assert reverted == {2: None, 4: None}
    assert tenant.client.get("/v1/audit/verify", headers=h).json()["ok"]
    # A partial revert may run again: nothing new is revertible, so it ends the same
    again = tenant.client.post(f"/v1/imports/{run_id}/revert", headers=h)
    assert again.status_code == 202
    drain(tenant)
    done = status(tenant, run_id)["revert"]
    assert (done["state"], done["reverted"], done["partly"], done["kept"]) == ("partial", 2, 1, 1)
    # What was removed can be imported again (its external keys and emails are free)
    rerun = upload(tenant, text)
    assert rerun.status_code == 202


def test_an_order_since_the_import_leaves_its_update_revertible_a_merge_does_not(tenant):
    h = tenant.headers()
    buyer = tenant.client.post("/v1/customers", json={"email": "b@example.com"}, headers=h)
    merged = tenant.client.post("/v1/customers", json={"email": "m@example.com"}, headers=h)
    other = tenant.client.post("/v1/customers", json={"email": "o@example.com"}, headers=h)
    buyer_id, merged_id = buyer.json()["id"], merged.json()["id"]
    run_id = start(
        tenant,
        csv_text(
            [
                ["email", "phone", "lifecycle_stage"],
                ["b@example.com", "+1 415 555 0400", "lead_qualified"],
                ["m@example.com", "+1 415 555 0401", ""],
            ]
        ),
        overwrite=True,  # the stage too, not only empty fields
    )
    drain(tenant)
    order = {"customer_id": buyer_id, "amount": "25.00", "status": "paid"}
    assert tenant.client.post("/v1/orders", json=order, headers=h).status_code == 201
    merge = tenant.client.post(
        "/v1/merges",
        json={"survivor_id": other.json()["id"], "duplicate_id": merged_id},
        headers=h,
    )
    assert merge.status_code == 201, merge.text
    tenant.client.post(f"/v1/imports/{run_id}/revert", headers=h)
    drain(tenant)
    after = tenant.client.get(f"/v1/customers/{buyer_id}", headers=h).json()
    # The order made them a customer and gave them LTV: both stay; the import's phone goes
    assert (after["phone_e164"], after["lifecycle_stage"], after["ltv"]) == (
        None,
        "customer",
        "25.00",
    )
    report = {r["row"]: r for r in rows(tenant, run_id)}
    assert report[1]["revert"] == "partly"
    assert "partly: kept lifecycle_stage" in report[1]["revert_reason"]
    assert report[2]["revert"] == "kept"  # merged since: kept whole
    assert "merge" in report[2]["revert_reason"]
    assert tenant.client.get("/v1/audit/verify", headers=h).json()["ok"]


def test_a_created_customer_with_orders_is_kept_and_a_dry_run_cannot_be_reverted(tenant):
    h = tenant.headers()
    run_id = start(tenant, csv_text([["email"], ["buyer@example.com"]]))
    drain(tenant)
    (buyer,) = customers(tenant)
    order = {
        "customer_id": buyer["id"],
        "number": "1001",
        "amount": "25.00",
        "currency": "USD",
        "status": "paid",
    }
    assert tenant.client.post("/v1/orders", json=order, headers=h).status_code in (200, 201)
    tenant.client.post(f"/v1/imports/{run_id}/revert", headers=h)
    drain(tenant)
    (kept,) = rows(tenant, run_id, revert="kept")
    assert "since the import" in kept["revert_reason"]
    assert tenant.client.get(f"/v1/customers/{buyer['id']}", headers=h).status_code == 200
    dry = start(tenant, csv_text([["email"], ["x@example.com"]]), dry_run=True)
    drain(tenant)
    assert tenant.client.post(f"/v1/imports/{dry}/revert", headers=h).status_code == 409


def test_other_writers_get_through_while_an_import_runs(tenant):
    import threading

    text = csv_text([["email", "first_name"], *[[f"bulk{i}@example.com", "B"] for i in range(600)]])
    run_id = start(tenant, text)
    worker = threading.Thread(target=run_inline, args=(tenant, run_id, 100))
    worker.start()
    written = 0
    while worker.is_alive() or written == 0:
        response = tenant.client.post(
            "/v1/customers", json={"email": f"api{written}@example.com"}, headers=tenant.headers()
        )
        assert response.status_code == 201, response.text
        written += 1
    worker.join()
    assert status(tenant, run_id)["progress"]["created"] == 600
    assert len(customers(tenant)) == 600 + written


def _max_attempts(kind: str) -> int:
    from rolodex.jobs.registry import registry

    found = registry.get(kind)
    assert found is not None
    assert found.max_attempts is not None
    return found.max_attempts


def test_an_import_whose_job_fails_says_why_and_resumes_when_retried(tenant, monkeypatch):
    from rolodex.imports import writes
    from rolodex.models import Job

    run_id = start(tenant, csv_text([["email"], *[[f"s{i}@example.com"] for i in range(5)]]))
    db = tenant.client.app.state.db  # type: ignore[attr-defined]

    def due_now(**values: Any) -> str:
        with db.session(tenant.id) as session:
            (job,) = session.scalars(select(Job).where(Job.tenant_id == tenant.id)).all()
            session.execute(update(Job).where(Job.id == job.id).values(run_at=utcnow(), **values))
            session.commit()
            return str(job.id)

    store = writes.store

    def full_disk(batch: Any, columns: Any) -> Any:
        raise OSError("the disk is full")

    monkeypatch.setattr(writes, "store", full_disk)
    drain(tenant)
    stopped = status(tenant, run_id)
    assert stopped["state"] == "running"  # with what it committed: nothing yet
    assert "OSError: the disk is full" in stopped["error"]
    assert "tried again automatically" in stopped["error"]
    # Its last try fails too: the job gives up and says so.
    job_id = due_now(attempts=_max_attempts("import.run") - 1)
    drain(tenant)
    stopped = status(tenant, run_id)
    assert stopped["state"] == "running"
    assert "gave up: retry it in the job monitor" in stopped["error"]
    dead = tenant.client.get(f"/v1/jobs/{job_id}", headers=tenant.headers()).json()
    assert dead["state"] == "dead"
    # Retried once the disk has room: it resumes and finishes, the error gone.
    monkeypatch.setattr(writes, "store", store)
    retried = tenant.client.post(f"/v1/jobs/{job_id}/retry", headers=tenant.headers())
    assert retried.status_code == 200, retried.text
    drain(tenant)
    done = status(tenant, run_id)
    assert (done["state"], done["error"], done["progress"]["created"]) == ("done", None, 5)
