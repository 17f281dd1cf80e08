"""Reverting an import on SQLite and PostgreSQL: where its audit entries came from (the
upload's and the revert's request), a revert that kept customers run again once what was in
its way is undone, and customers reverted in part counted and listed apart."""

from __future__ import annotations

from typing import Any

from tests.conftest import TenantCtx
from tests.imports.helpers import csv_text, customers, drain, rows, status

UPLOADER = "importer-script/1.0"
REVERTER = "ops-console/7.2"


def _start(tenant: TenantCtx, text: str, agent: str = UPLOADER, **fields: Any) -> str:
    form = {k: ("true" if v is True else "false" if v is False else v) for k, v in fields.items()}
    r = tenant.client.post(
        "/v1/imports",
        files={"file": ("people.csv", text.encode(), "text/csv")},
        data=form,
        headers={**tenant.headers(), "User-Agent": agent},
    )
    assert r.status_code == 202, r.text
    drain(tenant)
    assert status(tenant, r.json()["id"])["state"] == "done"
    return str(r.json()["id"])


def _revert(tenant: TenantCtx, run_id: str, agent: str = REVERTER) -> dict[str, Any]:
    r = tenant.client.post(
        f"/v1/imports/{run_id}/revert", headers={**tenant.headers(), "User-Agent": agent}
    )
    assert r.status_code == 202, r.text
    drain(tenant)
    return dict(status(tenant, run_id)["revert"])


def _audit(tenant: TenantCtx, customer_id: str) -> list[dict[str, Any]]:
    r = tenant.client.get(  # the tenant's log: a customer a revert removed is gone
        "/v1/audit", params={"customer_id": customer_id, "limit": 500}, headers=tenant.headers()
    )
    assert r.status_code == 200, r.text
    return list(reversed(r.json()["items"]))  # oldest first


def _all_audit(tenant: TenantCtx) -> list[dict[str, Any]]:
    r = tenant.client.get("/v1/audit", params={"limit": 500}, headers=tenant.headers())
    return list(reversed(r.json()["items"]))


def _verified(tenant: TenantCtx) -> None:
    check = tenant.client.get("/v1/audit/verify", headers=tenant.headers()).json()
    assert check["ok"], check


def _get(tenant: TenantCtx, customer_id: str) -> dict[str, Any]:
    r = tenant.client.get(f"/v1/customers/{customer_id}", headers=tenant.headers())
    assert r.status_code == 200, r.text
    return dict(r.json())


# -- where the audit entries of an import and of its revert come from ----------------------


def test_import_and_revert_entries_record_the_ip_and_user_agent_of_their_requests(tenant):
    h = tenant.headers()
    ada = tenant.client.post("/v1/customers", json={"email": "ada@example.com"}, headers=h)
    run_id = _start(
        tenant,
        csv_text([["email", "company"], ["ada@example.com", "Engines"], ["new@example.com", ""]]),
    )
    made = next(c for c in customers(tenant) if c["email"] == "new@example.com")
    (create,) = [e for e in _audit(tenant, made["id"]) if e["action"] == "create"]
    update = [e for e in _audit(tenant, ada.json()["id"]) if e["action"] == "update"][-1]
    for entry in (create, update):
        assert entry["meta"]["import_id"] == run_id
        assert (entry["ip"], entry["user_agent"]) == ("testclient", UPLOADER)
    _revert(tenant, run_id)
    (remove,) = [e for e in _audit(tenant, made["id"]) if e["action"] == "remove"]
    undo = [e for e in _audit(tenant, ada.json()["id"]) if e["action"] == "update"][-1]
    for entry in (remove, undo):
        assert entry["meta"] == {"import_id": run_id, "revert": True}
        assert (entry["ip"], entry["user_agent"]) == ("testclient", REVERTER)
    assert _get(tenant, ada.json()["id"])["company"] is None
    _verified(tenant)


def test_a_cli_import_and_revert_record_no_ip_like_other_cli_actions(cli, tenant, tmp_path):
    path = tmp_path / "cli.csv"
    path.write_text(csv_text([["email"], ["cli@example.com"]]))
    made = cli("import", path, "--tenant", tenant.slug)
    assert made.exit_code == 0, made.output
    import_id = made.output.split("import ", 1)[1].split()[0]
    assert cli("revert-import", import_id, "--tenant", tenant.slug).exit_code == 0
    entries = [e for e in _all_audit(tenant) if e["meta"].get("import_id") == import_id]
    assert [(e["action"], e["actor"]["id"]) for e in entries] == [
        ("create", "cli:import"),
        ("remove", "cli:revert"),
    ]
    assert {(e["ip"], e["user_agent"]) for e in entries} == {(None, None)}
    _verified(tenant)


# -- a revert that kept customers runs again ---------------------------------------------


def test_a_revert_run_too_early_can_run_again_once_the_later_import_is_reverted(tenant):
    h = tenant.headers()
    a = _start(tenant, csv_text([["email", "company"], ["p1@example.com", "A"],
                                 ["p2@example.com", "A"]]))  # fmt: skip
    b = _start(tenant, csv_text([["email", "company"], ["p1@example.com", "B"],
                                 ["p2@example.com", "B"]]), overwrite=True)  # fmt: skip
    first = _revert(tenant, a)
    assert (first["state"], first["reverted"], first["partly"], first["kept"]) == (
        "partial", 0, 0, 2
    )  # fmt: skip
    kept = rows(tenant, a, revert="kept")
    assert [r["revert"] for r in kept] == ["kept", "kept"]
    for r in kept:  # the change in the way is import B's, and the reason says so
        assert f"update by import {b}, started by api_key " in r["revert_reason"]
    assert _revert(tenant, b)["state"] == "done"
    assert {c["company"] for c in customers(tenant)} == {"A"}
    again = _revert(tenant, a)
    assert (again["state"], again["reverted"], again["partly"], again["kept"]) == (
        "done", 2, 0, 0
    )  # fmt: skip
    assert customers(tenant) == []
    assert rows(tenant, a, revert="kept") == []
    assert [r["revert"] for r in rows(tenant, a)] == ["reverted", "reverted"]
    third = tenant.client.post(f"/v1/imports/{a}/revert", headers=h)
    assert third.status_code == 409
    assert "reverted already" in third.json()["error"]["message"]
    _verified(tenant)


def test_a_second_pass_leaves_alone_what_the_first_put_back_and_finishes_the_rest(tenant):
    h = tenant.headers()
    x = tenant.client.post("/v1/customers", json={"email": "x@example.com"}, headers=h).json()
    a = _start(tenant, csv_text([["email", "company", "notes"], ["x@example.com", "A1", "nA"]]),
               overwrite=True)  # fmt: skip
    b = _start(tenant, csv_text([["email", "notes"], ["x@example.com", "nB"]]), overwrite=True)
    first = _revert(tenant, a)
    assert (first["state"], first["reverted"], first["partly"], first["kept"]) == (
        "partial", 0, 1, 0
    )  # fmt: skip
    (row,) = rows(tenant, a, revert="kept")
    assert row["revert"] == "partly"
    assert row["revert_reason"].startswith("partly: kept notes, changed since the import")
    assert f"import {b}" in row["revert_reason"]
    assert rows(tenant, a, revert="partly") == [row]
    assert rows(tenant, a, revert="reverted") == []
    assert (_get(tenant, x["id"])["company"], _get(tenant, x["id"])["notes"]) == (None, "nB")
    # someone sets the company the first pass put back: a later pass must not undo that
    tenant.client.patch(f"/v1/customers/{x['id']}", json={"company": "Mine"}, headers=h)
    assert _revert(tenant, b)["state"] == "done"
    assert _get(tenant, x["id"])["notes"] == "nA"
    again = _revert(tenant, a)
    assert (again["state"], again["reverted"], again["partly"], again["kept"]) == (
        "done", 1, 0, 0
    )  # fmt: skip
    after = _get(tenant, x["id"])
    assert (after["company"], after["notes"]) == ("Mine", None)
    (row,) = rows(tenant, a)
    assert (row["revert"], row["revert_reason"]) == ("reverted", None)
    _verified(tenant)


def test_a_pass_that_finds_nothing_new_keeps_the_same_and_changes_nothing(tenant):
    h = tenant.headers()
    x = tenant.client.post("/v1/customers", json={"email": "y@example.com"}, headers=h).json()
    a = _start(tenant, csv_text([["email", "company", "notes"], ["y@example.com", "A1", "nA"]]))
    tenant.client.patch(f"/v1/customers/{x['id']}", json={"notes": "mine"}, headers=h)
    first = _revert(tenant, a)
    before = _all_audit(tenant)
    second = _revert(tenant, a)
    for done in (first, second):
        assert (done["state"], done["reverted"], done["partly"], done["kept"]) == (
            "partial", 0, 1, 0
        )  # fmt: skip
    assert _all_audit(tenant) == before  # nothing written: it was all decided before
    (row,) = rows(tenant, a, revert="kept")
    assert row["revert_reason"].startswith("partly: kept notes, changed since the import")
    assert ": update by api_key " in row["revert_reason"]
    assert (_get(tenant, x["id"])["company"], _get(tenant, x["id"])["notes"]) == (None, "mine")
    _verified(tenant)


def test_the_cli_reverts_again_and_counts_partly_reverted_customers(cli, tenant, tmp_path):
    h = tenant.headers()
    x = tenant.client.post("/v1/customers", json={"email": "c@example.com"}, headers=h).json()
    path = tmp_path / "a.csv"
    path.write_text(csv_text([["email", "company", "notes"], ["c@example.com", "A1", "nA"],
                              ["made@example.com", "", ""]]))  # fmt: skip
    made = cli("import", path, "--tenant", tenant.slug)
    assert made.exit_code == 0, made.output
    a = made.output.split("import ", 1)[1].split()[0]
    b = _start(tenant, csv_text([["email", "notes"], ["c@example.com", "nB"]]), overwrite=True)
    out = cli("revert-import", a, "--tenant", tenant.slug)
    assert out.exit_code == 0, out.output
    assert "partly reverted: 1 customers reverted, 1 partly reverted, 0 kept" in out.output
    assert "row 1 partly reverted: partly: kept notes" in out.output
    assert "run this again" in out.output
    assert _revert(tenant, b)["state"] == "done"
    out = cli("revert-import", a, "--tenant", tenant.slug)
    assert out.exit_code == 0, out.output
    assert f"import {a} reverted: 2 customers reverted, 0 partly reverted, 0 kept" in out.output
    assert _get(tenant, x["id"])["notes"] is None
    again = cli("revert-import", a, "--tenant", tenant.slug)
    assert again.exit_code == 1
    assert "reverted already" in again.output


# -- the row report's revert filter ------------------------------------------------------


def test_an_unknown_revert_filter_is_a_clear_error(tenant):
    run_id = _start(tenant, csv_text([["email"], ["f@example.com"]]))
    r = tenant.client.get(
        f"/v1/imports/{run_id}/rows", params={"revert": "half"}, headers=tenant.headers()
    )
    assert r.status_code == 422
    assert r.json()["error"]["code"]


# -- the dashboard: partly reverted customers shown, a partial revert revertible again ------


def test_the_dashboard_shows_partly_reverted_customers_and_reverts_again(tenant):
    from rolodex.jobs.worker import Worker
    from tests.web.helpers import assert_page, signed_in

    csrf = signed_in(tenant)
    client, h = tenant.client, tenant.headers()
    x = client.post("/v1/customers", json={"email": "w@example.com"}, headers=h).json()
    text = "email,company,notes\nw@example.com,A1,nA\nmade@example.com,,\n"
    files = {"file": ("a.csv", text.encode(), "text/csv")}
    r = client.post("/imports", data={"csrf_token": csrf, "overwrite": "true"}, files=files,
                    follow_redirects=False)  # fmt: skip
    page_url = r.headers["location"]
    a = page_url.rsplit("/", 1)[1]
    Worker(client.app.state.db).drain()
    b = _start(tenant, csv_text([["email", "notes"], ["w@example.com", "nB"]]), overwrite=True)
    hx = {"HX-Request": "true"}
    client.post(f"/imports/{a}/revert", data={"csrf_token": csrf}, headers=hx)
    Worker(client.app.state.db).drain()
    panel = assert_page(client.get(f"/imports/{a}/progress"))
    assert 'data-testid="revert-state">Partly reverted<' in panel
    assert 'data-testid="reverted">1<' in panel  # made@ removed
    assert 'data-testid="revert-partly">1<' in panel  # w@: company back, notes kept
    assert 'data-testid="revert-kept">0<' in panel
    assert (
        'partly reverted</td><td class="value">partly: kept notes, changed since the import'
    ) in panel
    assert ">Revert again</button>" in panel
    report = assert_page(client.get(page_url))
    assert '<span class="badge" title="partly: kept notes' in report
    assert _revert(tenant, b)["state"] == "done"
    panel = assert_page(client.post(f"/imports/{a}/revert", data={"csrf_token": csrf}, headers=hx))
    assert 'data-testid="revert-state">Waiting to start<' in panel
    Worker(client.app.state.db).drain()
    panel = assert_page(client.get(f"/imports/{a}/progress"))
    assert 'data-testid="revert-state">Finished<' in panel
    assert 'data-testid="reverted">2<' in panel
    assert 'data-testid="revert"' not in panel  # nothing is left to revert
    assert _get(tenant, x["id"])["notes"] is None
    again = client.post(f"/imports/{a}/revert", data={"csrf_token": csrf}, follow_redirects=True)
    assert "Could not revert" in assert_page(again)
    assert "reverted already" in again.text
