"""Custom attributes stored as something other than an object (JSON null, a list: rows of
older versions or of a direct load) give no CSV columns, on SQLite as on PostgreSQL."""

from __future__ import annotations

import csv
import io

from sqlalchemy import text


def test_attributes_stored_as_null_or_a_list_make_no_columns(tenant, backend):
    h = tenant.headers()
    for email, attributes in (("a@example.com", {"tier": "gold"}), ("b@example.com", {}),
                              ("c@example.com", {})):  # fmt: skip
        body = {"email": email, "attributes": attributes}
        assert tenant.client.post("/v1/customers", json=body, headers=h).status_code == 201
    with backend.owner.begin() as conn:
        for email, stored in (("b@example.com", "null"), ("c@example.com", "[1, 2]")):
            cast = "CAST(:v AS jsonb)" if backend.name == "postgres" else ":v"
            conn.execute(
                text(f"UPDATE customers SET attributes = {cast} WHERE email = :e"),
                {"v": stored, "e": email},
            )
    r = tenant.client.get("/v1/exports", params={"format": "csv"}, headers=h)
    assert r.status_code == 200, r.text
    rows = list(csv.reader(io.StringIO(r.text.lstrip("\ufeff"))))
    assert [c for c in rows[0] if c.startswith("attr")] == ["attr.tier"]
    assert len(rows) == 4
