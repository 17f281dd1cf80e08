"""Round trip of the demo's customers on SQLite and PostgreSQL: the tenant ``rolodex demo``
makes (load_people of generate_demo_people: stages, statuses, types, tags, attributes, one
address, an import source, consents, LTV), then lived in through the API (its duplicates
merged: two addresses and two sources on a survivor; orders paid, refunded and cancelled;
transitions with LTV; notes, consent withdrawn, UTM, a shipping address for the demo's; a
few deleted), is exported to each format, the file imported into an empty tenant and exported
again: the same content, order-insensitive (``test_round_trip.comparable``), and the same file
but for what the system assigns; the file imported once more changes no one.

Left out of the comparison: the order figures (``order_count``, ``first_order_at``,
``last_order_at``). An export holds customers, not their orders; an import does not store an
order count (imports/mapping.py), the copy counts its own orders: none. Its LTV is the file's
(an import sets it), so it is compared."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import openpyxl
import pytest

from rolodex.demo.load import customer_id_for, load_people
from rolodex.demo.record import SynthRecord
from rolodex.demo.synth import generate_demo_people
from tests.conftest import Backend, TenantCtx, make_tenant
from tests.exports.test_exports_api import export
from tests.exports.test_round_trip import comparable
from tests.imports.helpers import imported

NOW = datetime(2026, 6, 1, tzinfo=UTC)
ORDER_FIGURES = ("order_count", "first_order_at", "last_order_at")


def lived_in_demo(tenant: TenantCtx, backend: Backend, n: int = 120) -> int:
    """Make the tenant; returns how many customers it lists (merged and deleted ones not)."""
    records = list(generate_demo_people(n, seed=7, now=NOW))
    with backend.owner.begin() as conn:
        load_people(conn, tenant.id, records)
    ids = {r.record_id: str(customer_id_for(tenant.id, r.record_id)) for r in records}
    post, h = tenant.client.post, tenant.headers()
    for dup in (r for r in records if r.duplicate_of is not None):
        body = {"survivor_id": ids[dup.duplicate_of], "duplicate_id": ids[dup.record_id]}
        assert post("/v1/merges", json=body, headers=h).status_code == 201
    live: list[SynthRecord] = [r for r in records if r.duplicate_of is None]
    for i, rec in enumerate(live[:30]):
        for k in range(1 + i % 3):
            order = {
                "customer_id": ids[rec.record_id],
                "source": "shopify",
                "external_id": f"o-{i}-{k}",
                "status": ("paid", "refunded", "cancelled", "paid")[(i + k) % 4],
                "placed_at": (NOW - timedelta(days=i + k)).isoformat(),
                "items": [{"product": "Mug", "category": "Home", "quantity": 1 + k, "price": "5"}],
            }
            assert post("/v1/orders", json=order, headers=h).status_code == 201
    for i, rec in enumerate(live[30:45]):
        step = {"stage": ("customer", "churned", "lead_qualified")[i % 3], "ltv_amount": f"{i}.5"}
        url = f"/v1/customers/{ids[rec.record_id]}/transitions"
        assert post(url, json=step, headers=h).status_code in (200, 201)
    for i, rec in enumerate(live[45:60]):
        change = {
            "notes": f"Asked about bulk pricing ({i})",
            "internal_notes": "call back",
            "consent": {"email": i % 2 == 0, "sms": i % 3 == 0},
            "utm": {"term": "mugs", "content": "hero"},
            "addresses": [{"type": "shipping", "line1": f"{i} Dock Rd", "country": "US"}],
        }
        url = f"/v1/customers/{ids[rec.record_id]}"
        assert tenant.client.patch(url, json=change, headers=h).status_code == 200
    for rec in live[60:63]:
        assert tenant.client.delete(f"/v1/customers/{ids[rec.record_id]}", headers=h).is_success
    return len(live) - 3


def without(records: list[dict[str, Any]], names: tuple[str, ...]) -> list[dict[str, Any]]:
    return [{k: v for k, v in r.items() if k not in names} for r in records]


def parsed(content: bytes, fmt: str) -> list[dict[str, Any]]:
    if fmt == "xlsx":  # the workbook's rows as its CSV's, a cell as text (LTV a number)
        rows = list(openpyxl.load_workbook(io.BytesIO(content))["Customers"].values)
        return [
            {k: "" if v is None else str(v) for k, v in zip(rows[0], row, strict=True)}
            for row in rows[1:]
        ]
    text = content.decode("utf-8")
    if fmt == "json":
        return list(json.loads(text))
    if fmt == "ndjson":
        return [json.loads(line) for line in text.splitlines()]
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


def as_file(records: list[dict[str, Any]]) -> list[str]:
    """Records as the file holds them, but for update times, order figures and address ids."""
    out = []
    for record in without(records, ("updated_at", *ORDER_FIGURES)):
        if isinstance(record.get("addresses"), list):
            record["addresses"] = [{k: v for k, v in a.items() if k != "id"}
                                   for a in record["addresses"]]  # fmt: skip
        out.append(json.dumps(record, sort_keys=True))
    return sorted(out)


@pytest.mark.parametrize("fmt", ["csv", "json", "ndjson", "xlsx"])
def test_the_demo_tenant_lived_in_is_copied_by_every_format(tenant, backend, fmt):
    listed = lived_in_demo(tenant, backend)
    original = export(tenant, "json")
    assert len(original) == listed
    assert sum(len(c["addresses"]) == 2 and len(c["sources"]) == 2 for c in original) >= 10
    assert sum(c["order_count"] > 0 for c in original) >= 20  # paid ones count
    file = tenant.client.get("/v1/exports", params={"format": fmt}, headers=tenant.headers())
    empty = make_tenant(tenant.client, f"Copy {fmt}")
    run = imported(empty, file.content, f"customers.{fmt}")
    assert (run["state"], run["progress"]["created"], run["progress"]["failed"]) == (
        "done",
        len(original),
        0,
    )
    copied = export(empty, "json")
    assert {(c["order_count"], c["first_order_at"], c["last_order_at"]) for c in copied} == {
        (0, None, None)
    }
    # CSV (and a workbook, of its columns) has no column for when a source was last synced
    synced = fmt in ("json", "ndjson")
    assert comparable(without(copied, ORDER_FIGURES), synced) == comparable(
        without(original, ORDER_FIGURES), synced
    )
    again = empty.client.get("/v1/exports", params={"format": fmt}, headers=empty.headers())
    assert as_file(parsed(again.content, fmt)) == as_file(parsed(file.content, fmt))
    rerun = imported(empty, file.content, f"customers.{fmt}")
    assert (rerun["progress"]["unchanged"], rerun["progress"]["created"]) == (len(original), 0)
