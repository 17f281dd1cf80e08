"""A customer stored with an integer beyond 64 bits (before such numbers were refused at the
edge, or by PostgreSQL turning 1e20 into an integer) is exported whole, in every format:
before, the encoder failed mid-stream and the export ended early with a 200."""

from __future__ import annotations

import csv
import io
import json
import uuid

import openpyxl
import pytest
from sqlalchemy import update

from rolodex.exports.writers import JsonWriter, NdjsonWriter, stream
from rolodex.models import Customer
from tests.web.helpers import new_customer

BIG = 2**64 + 1


def test_the_json_writers_write_an_integer_beyond_64_bits():
    rows = [{"n": 1}, {"attributes": {"big": BIG}}, {"n": 3}]
    text = b"".join(stream(JsonWriter(), [rows])).decode()
    assert json.loads(text)[1]["attributes"]["big"] == BIG
    lines = b"".join(stream(NdjsonWriter(), [rows])).decode().splitlines()
    assert [json.loads(x) for x in lines] == rows


@pytest.mark.parametrize("fmt", ["csv", "json", "ndjson", "xlsx"])
def test_an_export_holding_a_stored_big_integer_is_whole(tenant, backend, fmt):
    made = [new_customer(tenant, email=f"p{i}@example.com") for i in range(3)]
    with backend.db.session(tenant.id) as s:  # as an older version could store it
        s.execute(
            update(Customer)
            .where(Customer.tenant_id == tenant.id, Customer.id == uuid.UUID(made[1]["id"]))
            .values(attributes={"big": BIG})
        )
    r = tenant.client.get("/v1/exports", params={"format": fmt}, headers=tenant.headers())
    assert r.status_code == 200
    if fmt == "csv":
        records = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
        assert str(BIG) in {x.get("attr.big") for x in records}
    elif fmt == "xlsx":  # as text, every digit (a number cell would keep 15 of them)
        rows = list(openpyxl.load_workbook(io.BytesIO(r.content))["Customers"].values)
        records = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
        assert str(BIG) in {x.get("attr.big") for x in records}
    elif fmt == "json":
        records = r.json()
    else:
        records = [json.loads(x) for x in r.text.splitlines()]
    assert len(records) == 3
