"""Migration 0109 on SQLite and PostgreSQL: a stored name key computed when a whole name part
that is a title word ("Don") was dropped is computed again, and the others are left alone."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from rolodex.db import make_owner_engine
from rolodex.identity.normalize import name_key, tokens_key
from rolodex.migrations.runner import upgrade
from tests.imports.test_migration_0107 import TENANTS
from tests.owned_database import owned_database

BEFORE = "0108_postcode_key"
NOW = datetime(2026, 12, 1, tzinfo=UTC)
CUSTOMERS = sa.table(
    "customers",
    sa.column("tenant_id", sa.Uuid()),
    sa.column("id", sa.Uuid()),
    sa.column("first_name", sa.String()),
    sa.column("last_name", sa.String()),
    sa.column("name_key", sa.String()),
    sa.column("lifecycle_stage", sa.String()),
    sa.column("status", sa.String()),
    sa.column("customer_type", sa.String()),
    sa.column("attributes", sa.JSON().with_variant(JSONB(), "postgresql")),
    sa.column("email_consent", sa.Boolean()),
    sa.column("sms_consent", sa.Boolean()),
    sa.column("ltv", sa.Numeric()),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)


def _scenario(engine: sa.Engine, data: sa.Engine) -> None:
    upgrade(engine, None, revision=BEFORE)
    tenant = uuid.uuid4()
    # (first, last, the key stored before 0109, the key after it)
    people = {
        "don": ("Don", "Johnson", tokens_key(("johnson",)), name_key("Donald", "Johnson")),
        "lon": ("Lon", "Don", tokens_key(("lon",)), tokens_key(("lon", "don"))),
        "mary": ("Mary", "Smith", name_key("Mary", "Smith"), name_key("Mary", "Smith")),
        "dr": ("Dr. Ann", "Lee", name_key("Ann", "Lee"), name_key("Ann", "Lee")),
        "nobody": (None, None, None, None),
    }
    # more customers than a page of the migration holds (5,000), every tenth a Don
    for n in range(5_050):
        first = "Don" if n % 10 == 0 else "Ann"
        now = name_key(first, f"Roe{n}")
        before = tokens_key((f"roe{n}",)) if first == "Don" else now
        people[f"more{n}"] = (first, f"Roe{n}", before, now)
    ids = {who: uuid.uuid4() for who in people}
    assert people["don"][2] != people["don"][3]
    assert people["lon"][2] != people["lon"][3]
    with data.begin() as conn:
        conn.execute(sa.insert(TENANTS), [{"id": tenant, "slug": f"n{tenant.hex[:8]}",
                                           "name": "N", "default_region": "US",
                                           "created_at": NOW}])  # fmt: skip
        conn.execute(
            sa.insert(CUSTOMERS),
            [{"tenant_id": tenant, "id": ids[who], "first_name": first, "last_name": last,
              "name_key": old, "lifecycle_stage": "prospect", "status": "active",
              "customer_type": "guest", "attributes": {}, "email_consent": False,
              "sms_consent": False, "ltv": 0, "created_at": NOW, "updated_at": NOW}
             for who, (first, last, old, _new) in people.items()],
        )  # fmt: skip
    upgrade(engine, None)
    with data.connect() as conn:
        stored = dict(conn.execute(sa.select(CUSTOMERS.c.id, CUSTOMERS.c.name_key)).all())
    assert {who: stored[ids[who]] for who in people} == {
        who: new for who, (_f, _l, _old, new) in people.items()
    }


def test_sqlite_name_keys_of_title_words_are_computed_again(tmp_path):
    engine = make_owner_engine(f"sqlite:///{tmp_path / 'm.db'}")
    try:
        _scenario(engine, engine)
    finally:
        engine.dispose()


def test_postgres_name_keys_of_title_words_are_computed_again(pg_databases):
    with owned_database("rolodex_m109") as (engine, superuser):
        _scenario(engine, superuser)
