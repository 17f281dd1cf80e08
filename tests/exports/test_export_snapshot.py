"""An export on SQLite and PostgreSQL is one view of the customers: what changes while it
streams (an import, an edit) is in it entirely or not at all, never in part."""

from __future__ import annotations

import json

from rolodex.demo.load import load_people
from rolodex.demo.synth import generate_people
from rolodex.exports import service
from rolodex.search import filters
from tests.conftest import TenantCtx
from tests.exports.test_exports_api import export


def _patch(tenant: TenantCtx, customer_id: str, body: dict) -> None:
    r = tenant.client.patch(f"/v1/customers/{customer_id}", json=body, headers=tenant.headers())
    assert r.status_code == 200, r.text


def test_a_sorted_export_holds_each_customer_once_while_their_values_change(tenant, backend):
    with backend.owner.begin() as conn:
        load_people(conn, tenant.id, generate_people(1500, seed=9))
    before = [c["id"] for c in export(tenant, "ndjson", sort="last_name")]
    selection = service.Selection(filters.TRUE, "last_name")
    pieces = service.stream(backend.db, tenant.id, "ndjson", selection)
    head = next(pieces) + next(pieces)  # the file's head, then the first page of 1,000
    first_page = [json.loads(line)["id"] for line in head.splitlines()]
    assert first_page == before[:1000]
    # meanwhile: one of the first page moves to the end, one of the rest to the start
    _patch(tenant, first_page[10], {"last_name": "Zzzz"})
    _patch(tenant, before[-1], {"last_name": "Aaaa", "attributes": {"late": True}})
    rest = [json.loads(line) for line in b"".join(pieces).splitlines()]
    exported = first_page + [c["id"] for c in rest]
    assert len(set(exported)) == len(exported) == 1500  # each once
    assert exported == before  # in the order they had when the export began
    assert "late" not in rest[-1]["attributes"]


def test_a_csv_header_and_its_rows_are_of_the_same_moment(tenant, backend):
    with backend.owner.begin() as conn:
        load_people(conn, tenant.id, generate_people(1500, seed=9))
    last = export(tenant, "ndjson")[-1]
    pieces = service.stream(backend.db, tenant.id, "csv", service.Selection(filters.TRUE))
    head = next(pieces).decode("utf-8-sig")
    assert "attr.late" not in head.splitlines()[0]
    _patch(tenant, last["id"], {"email": "changed@example.com", "attributes": {"late": 1}})
    rest = b"".join(pieces).decode()
    assert last["email"] in rest
    assert "changed@example.com" not in rest  # not a row of after the header
