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
