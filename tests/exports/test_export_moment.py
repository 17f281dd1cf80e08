"""An export on SQLite and PostgreSQL reads its filter at one moment: a relative time
(``last_active_before=-30d``) means the same instant for the CSV header (which addresses and
attributes have columns) as for the rows under it."""

from __future__ import annotations

import csv
import io
import time
from datetime import timedelta

from rolodex.exports import service
from rolodex.kit.time import utcnow
from rolodex.search import params


def test_a_customer_crossing_a_relative_time_mid_export_keeps_its_columns(tenant, backend):
    h = tenant.headers()
    old = {"email": "old@example.com", "last_active_at": "2020-01-01T00:00:00Z"}
    assert tenant.client.post("/v1/customers", json=old, headers=h).status_code == 201
    # Active 30 days ago less 2 seconds: inside "active before 30 days ago" 2 seconds later.
    edge = (utcnow() - timedelta(days=30) + timedelta(seconds=2)).isoformat()
    crossing = {
        "email": "edge@example.com",
        "last_active_at": edge,
        "attributes": {"tier": "gold"},
        "addresses": [{"city": "Oslo", "country": "NO"}],
    }
    assert tenant.client.post("/v1/customers", json=crossing, headers=h).status_code == 201
    node = params.filter_from_params([("last_active_before", "-30d")])
    pieces = service.stream(backend.db, tenant.id, "csv", service.Selection(node))
    head = next(pieces)  # the header: written before the first row is read
    time.sleep(2.5)
    text = (head + b"".join(pieces)).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    # Either the export holds the customer with its columns, or (read at its moment) not.
    for row in rows:
        if row["email"] == "edge@example.com":
            assert row.get("attr.tier") == "gold"
            assert row.get("address1_city") == "Oslo"
    assert [r["email"] for r in rows] == ["old@example.com"]
