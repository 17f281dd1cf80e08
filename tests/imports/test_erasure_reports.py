"""Erasure reaches the import reports: what an import wrote down about a customer (the
fields it changed and their values before, how a cell was read, a problem's value) is
personal data, and goes with the customer's erasure (SPEC §2, Deletion)."""

from __future__ import annotations

import uuid

from sqlalchemy import text

from rolodex.imports.erasure import blanking
from tests.audit.test_erasure import _where_found
from tests.imports.helpers import csv_text, drain, errors, imported, rows
from tests.plans import explain

# Zelda's values as the file and the customer hold them; none may remain after her erasure.
NEEDLES = ["zelda.quist@example.org", "quistwhistle", "zq-778899", "tinytown", "1990-04-03",
           "03/04/1990", "zq-bad-visits"]  # fmt: skip


def _zelda(tenant) -> str:
    made = tenant.client.post(
        "/v1/customers",
        json={"email": "Zelda.Quist@Example.org", "first_name": "Zelda", "last_name": "Q"},
        headers=tenant.headers(),
    )
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


FILE = csv_text(
    [
        ["email", "first_name", "last_name", "company", "city", "attr.loyalty_id",
         "attr.birthday", "attr.visits"],
        ["zelda.quist@example.org", "Zelda", "Quistwhistle", "Quistwhistle Carpentry",
         "Tinytown", "ZQ-778899", "03/04/1990", "zq-bad-visits"],
        ["bob@example.com", "Bob", "Stone", "", "Oslo", "B-1", "", ""],
    ]
)  # fmt: skip


def test_an_erasure_blanks_what_imports_wrote_down_about_the_customer(tenant, backend):
    zelda = _zelda(tenant)
    bob = tenant.client.post(
        "/v1/customers", json={"email": "bob@example.com"}, headers=tenant.headers()
    )
    assert bob.status_code == 201, bob.text
    dry = imported(tenant, FILE, dry_run=True)
    real = imported(tenant, FILE)
    for run in (dry, real):
        report = rows(tenant, run["id"])
        assert [(r["action"], r["customer_id"]) for r in report][0] == ("update", zelda)
        assert "quistwhistle" in str(report[0]).lower()  # what it wrote down, before
    assert _where_found(backend, NEEDLES)  # the test's needles are there to be found

    erased = tenant.client.post(
        f"/v1/customers/{zelda}/erase", json={"confirm": zelda}, headers=tenant.headers()
    )
    assert erased.status_code == 200, erased.text

    assert _where_found(backend, NEEDLES) == []
    assert erased.json()["redacted"]["imports"] == 2  # her row in each of the two runs
    for run in (dry, real):
        zelda_row, bob_row = rows(tenant, run["id"])
        assert (zelda_row["action"], zelda_row["customer_id"]) == ("update", zelda)
        assert (zelda_row["changes"], zelda_row["note"]) == (None, None)
        assert bob_row["action"] == "update"
        assert "Stone" in str(bob_row["changes"])  # the rest of the report stays
        assert errors(tenant, run["id"]) == []
    reverted = tenant.client.post(f"/v1/imports/{real['id']}/revert", headers=tenant.headers())
    assert reverted.status_code in (200, 202), reverted.text
    drain(tenant)
    zelda_row = rows(tenant, real["id"])[0]
    assert zelda_row["revert"] == "kept", zelda_row  # erased: nothing of hers comes back
    assert _where_found(backend, NEEDLES) == []


def test_the_blanking_reads_each_import_s_rows_about_the_customer_from_its_index(tenant, backend):
    people = [[f"p{i}@example.com", f"First{i}", f"Last{i}"] for i in range(400)]
    run = imported(tenant, csv_text([["email", "first_name", "last_name"], *people]))
    target = uuid.UUID(rows(tenant, run["id"])[7]["customer_id"])
    with backend.owner.begin() as conn:  # the statistics of a table that has rows
        conn.execute(text("ANALYZE import_rows"))
    plan = explain(backend, tenant, blanking(tenant.id, uuid.UUID(run["id"]), [target]))
    assert "ix_import_rows_target" in plan, plan


def test_a_row_failing_after_it_matched_names_no_customer(tenant, backend):
    """A record matched to Zelda that then fails (the email it gives her is Bob's, its phone
    reads in no region) names no customer: its problem's value is the record's, and stays in
    the report after Zelda's erasure as any failed row's does, tied to no one."""
    zelda = _zelda(tenant)
    bob = tenant.client.post(
        "/v1/customers", json={"email": "bob@example.com"}, headers=tenant.headers()
    )
    assert bob.status_code == 201, bob.text
    imported(tenant, csv_text([["external_id", "email"], ["ZQ-1", "zelda.quist@example.org"]]))
    table = [["external_id", "email", "phone"],
             ["ZQ-1", "bob@example.com", ""],  # her key, his email
             ["", "zelda.quist@example.org", "zq-778899"]]  # fmt: skip
    for dry_run in (True, False):
        run = imported(tenant, csv_text(table), dry_run=dry_run)
        report = rows(tenant, run["id"])
        assert [r["action"] for r in report] == ["fail", "fail"], report
        assert [(r["customer_id"], r["matched_by"]) for r in report] == [(None, None)] * 2
    assert zelda not in str(rows(tenant, run["id"]))
