"""A fresh PostgreSQL database owned by a role that is no superuser, as in production: the
tables' FORCEd row-level security applies to it (what a data migration must get past)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from rolodex.db import make_owner_engine
from tests.conftest import PG_URL

OWNER = "rolodex_test_migration_owner"


def _owner_role(admin: sa.Engine) -> None:
    with admin.connect() as conn:
        if conn.execute(sa.text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": OWNER}).first():
            return
        try:
            conn.execute(sa.text(f'CREATE ROLE "{OWNER}" LOGIN NOSUPERUSER NOBYPASSRLS'))
        except sa.exc.DBAPIError as exc:  # made meanwhile by another run on this server
            if "already exists" not in str(exc):
                raise


@contextmanager
def owned_database(prefix: str) -> Iterator[tuple[sa.Engine, sa.Engine]]:
    """(the owner's engine, a superuser's engine) on a new database, dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(
        PG_URL.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )
    _owner_role(admin)
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}" OWNER "{OWNER}"'))
    try:
        url = sa.make_url(f"{PG_URL.rsplit('/', 1)[0]}/{name}")
        engine = make_owner_engine(url.set(username=OWNER).render_as_string(hide_password=False))
        superuser = make_owner_engine(url.render_as_string(hide_password=False))
        try:
            yield engine, superuser
        finally:
            engine.dispose()
            superuser.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def a_tenant(conn: sa.Connection, tenant: uuid.UUID, now: object) -> None:
    """A tenant row, written past row-level security (a superuser's connection)."""
    tenants = sa.table(
        "tenants", sa.column("id", sa.Uuid()), sa.column("slug", sa.String()),
        sa.column("name", sa.String()), sa.column("default_region", sa.String()),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )  # fmt: skip
    conn.execute(sa.insert(tenants), [{"id": tenant, "slug": f"m{tenant.hex[:8]}", "name": "M",
                                       "default_region": "US", "created_at": now}])  # fmt: skip


def a_customer(
    conn: sa.Connection, tenant: uuid.UUID, customer: uuid.UUID, now: object, **more: object
) -> None:
    """A bare customer row of the schema of every migration since 0101 (``more``: other
    columns, e.g. last_active_at), written past row-level security."""
    names = "".join(f", {k}" for k in more)
    values = "".join(f", :{k}" for k in more)
    conn.execute(
        sa.text(
            "INSERT INTO customers (tenant_id, id, lifecycle_stage, status, customer_type, "
            f"attributes, email_consent, sms_consent, ltv, created_at, updated_at{names}) "
            "VALUES (:t, :c, 'prospect', 'active', 'guest', '{}', false, false, 0, :now, :now"
            f"{values})"
        ),
        {"t": tenant, "c": customer, "now": now, **more},
    )


def downgrade(engine: sa.Engine, revision: str) -> None:
    from alembic import command

    from rolodex.migrations.runner import alembic_config

    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)


def columns_of(conn: sa.Connection, table: str) -> set[str]:
    found = conn.execute(
        sa.text("SELECT column_name FROM information_schema.columns WHERE table_name = :t"),
        {"t": table},
    )
    return set(found.scalars())


def index_definition(conn: sa.Connection, index: str) -> str:
    found = conn.execute(
        sa.text("SELECT indexdef FROM pg_indexes WHERE indexname = :i"), {"i": index}
    )
    return str(found.scalar_one())
