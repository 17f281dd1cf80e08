"""A customer a merge made bigger than one API write may give (the notes of both, their
addresses, links, tags and attributes together) is exported and copied whole: it failed its
row, and a copy of the tenant lost it (a CSV lost its addresses past the 50th)."""

from __future__ import annotations

import pytest

from tests.conftest import make_tenant
from tests.exports.test_exports_api import export
from tests.exports.test_round_trip import comparable
from tests.imports.helpers import imported


def _made(tenant, tag: str) -> str:
    body = {
        "email": f"{tag}@merge.example",
        "first_name": "Merged",
        "last_name": tag,
        "notes": f"{tag} " + "n" * 12_000,
        "internal_notes": f"{tag} " + "i" * 12_000,
        "addresses": [
            {"line1": f"{i} {tag} Street", "city": "Portland", "country": "US"} for i in range(40)
        ],
        "sources": [{"source": "api", "external_id": f"{tag}-{i}"} for i in range(15)],
        "attributes": {f"{tag}_{i}": i for i in range(150)},
        "tags": [f"{tag}-{i}" for i in range(60)],
    }
    made = tenant.client.post("/v1/customers", json=body, headers=tenant.headers())
    assert made.status_code == 201, made.text
    return made.json()["id"]


@pytest.mark.parametrize("fmt", ["csv", "json", "ndjson", "xlsx"])
def test_a_merged_customer_beyond_one_writes_limits_is_copied_whole(tenant, fmt):
    survivor, duplicate = _made(tenant, "ann"), _made(tenant, "bob")
    merge = {"survivor_id": survivor, "duplicate_id": duplicate}
    merged = tenant.client.post("/v1/merges", json=merge, headers=tenant.headers())
    assert merged.status_code in (200, 201), merged.text
    (original,) = export(tenant, "json")
    # more than one write gives: 50 addresses, 20 links, 100 tags, 200 attributes and
    # 20,000 characters of notes at most
    sizes = [len(original[k]) for k in ("addresses", "sources", "tags", "attributes", "notes")]
    assert sizes == [80, 30, 120, 300, len(original["notes"])]
    assert len(original["notes"]) > 20_000
    file = tenant.client.get("/v1/exports", params={"format": fmt}, headers=tenant.headers())
    empty = make_tenant(tenant.client, f"Copy {fmt}")
    run = imported(empty, file.content, f"customers.{fmt}")
    assert (run["progress"]["created"], run["progress"]["failed"]) == (1, 0), run
    synced = fmt in ("json", "ndjson")  # a sheet and a CSV hold no last sync times
    assert comparable(export(empty, "json"), synced) == comparable([original], synced)
    again = imported(empty, file.content, f"customers.{fmt}")
    assert (again["progress"]["created"], again["progress"]["updated"]) == (0, 0), again
