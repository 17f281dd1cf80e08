"""kit.one_of: ``column IN (...)`` of many values finds the same rows on both engines; on
PostgreSQL its statement's text stays short (one array parameter), so psycopg converts it
once, not at every execution of a 900-value lookup."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from rolodex.kit.one_of import one_of
from rolodex.models import Customer
from tests.web.helpers import new_customer


def test_many_values_find_the_rows_and_keep_the_statement_short(backend, tenant):
    made = [uuid.UUID(new_customer(tenant)["id"]) for _ in range(3)]
    wanted = [*made[:2], *(uuid.uuid4() for _ in range(898))]
    with backend.db.session(tenant.id) as s:
        stmt = select(Customer.id).where(one_of(s, Customer.id, wanted))
        assert set(s.scalars(stmt)) == set(made[:2])
        text = str(stmt.compile(s.get_bind()))
    if backend.name == "postgres":  # SQLite's driver takes the text as it is
        assert "ANY" in text, text
        assert len(text) < 300, text
