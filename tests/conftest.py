"""Test set-up: every storage test runs on SQLite and on PostgreSQL.

SQLite: one migrated template file per worker, copied for each test.
PostgreSQL: one migrated database per xdist worker, emptied (TRUNCATE) before each test.
The app under test connects through the RLS-bound role, as in production.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import DBAPIError

from rolodex.app import bind_state, create_app
from rolodex.auth import passwords
from rolodex.config import Settings
from rolodex.db import Database, make_owner_engine
from rolodex.migrations.runner import upgrade
from tests.plans import explain

PG_URL = os.environ.get("ROLODEX_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
APP_ROLE = "rolodex_app"


def _pg_reachable() -> str | None:
    try:
        engine = make_owner_engine(PG_URL)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as exc:  # any failure means: not reachable
        return f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"


_PG_PROBLEM = _pg_reachable()


def pytest_report_header(config: pytest.Config) -> list[str]:
    if _PG_PROBLEM is None:
        return [f"PostgreSQL: reached at {PG_URL} (tests run on SQLite and PostgreSQL)"]
    return [f"PostgreSQL: NOT reachable at {PG_URL} ({_PG_PROBLEM}); PostgreSQL tests skipped"]


def pytest_sessionstart(session: pytest.Session) -> None:
    if _PG_PROBLEM is not None and IN_CI:
        raise pytest.UsageError(
            f"CI=true but PostgreSQL is not reachable at {PG_URL}: {_PG_PROBLEM}. "
            "Set ROLODEX_TEST_PG_URL or start PostgreSQL."
        )


APP_HASHER = passwords._hasher  # the app's own, checked in tests/auth/test_auth_rules.py


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashes() -> Iterator[None]:
    """Users the tests make get argon2id hashes of the lowest cost. With the app's (64 MiB,
    three passes) a sign-in costs two runs of about 0.16 s of CPU each, one when the user
    is made and one when it signs in, and hundreds of dashboard and browser tests sign in.
    A hash says its own cost, so the verifying side follows it."""
    cheap = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(passwords, "_hasher", cheap)
        yield


def _worker() -> str:
    """Unique per run and worker, so concurrent runs on one server never share a database."""
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID", "")[:8] or str(os.getpid())
    return f"{run}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sqlite") / "template.db"
    engine = make_owner_engine(f"sqlite:///{path}")
    upgrade(engine, None)
    engine.dispose()  # the last close checkpoints the WAL into the file we copy
    return path


@pytest.fixture(scope="session")
def pg_databases() -> Iterator[tuple[str, Engine]]:
    """(app url, owner engine) of this worker's freshly migrated PostgreSQL database."""
    if _PG_PROBLEM is not None:
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}: {_PG_PROBLEM}")
    name = f"rolodex_test_{_worker()}"
    admin = create_engine(
        PG_URL.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    base = PG_URL.rsplit("/", 1)[0]
    url = f"{base}/{name}"
    owner = make_owner_engine(url)
    upgrade(owner, APP_ROLE)
    yield url, owner
    owner.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


_pg_db_cache: dict[str, Database] = {}


_pg_tables: dict[str, list[str]] = {}


def _truncate_all(owner: Engine, *, plans: bool = False) -> None:
    """Empty every table but the migration's own. DELETE with triggers and foreign keys off
    (``session_replication_role``, a superuser's setting) takes about 20 ms on these nearly
    empty tables where TRUNCATE, which makes new files for each, takes about 90; a role that
    may not set it gets TRUNCATE, and so does a test reading query plans (``plans``): DELETE
    leaves the planner's idea of each table's size at what earlier tests' rows made it, and
    the plan of a nearly empty table then depends on which tests ran before."""
    url = str(owner.url)
    if url not in _pg_tables:
        with owner.connect() as conn:
            _pg_tables[url] = list(
                conn.execute(
                    text(
                        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                        "AND tablename <> 'alembic_version' ORDER BY tablename"
                    )
                ).scalars()
            )
    tables = _pg_tables[url]
    if plans or not _deleted(owner, tables):
        listed = ", ".join(f'"{name}"' for name in tables)
        with owner.begin() as conn:
            conn.execute(text(f"TRUNCATE {listed} CASCADE"))


def _deleted(owner: Engine, tables: list[str]) -> bool:
    try:
        with owner.begin() as conn:
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            for name in tables:
                conn.execute(text(f'DELETE FROM "{name}"'))
    except DBAPIError:  # not a superuser
        return False
    return True


@dataclass
class Backend:
    name: str
    url: str
    db: Database
    owner: Engine


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "rolodex.db"
        shutil.copy(template, path)
        url = f"sqlite:///{path}"
        db = Database(Settings(database_url=url, env="test"))
        owner = make_owner_engine(url)
        yield Backend("sqlite", url, db, owner)
        db.dispose()
        owner.dispose()
        return
    url, owner = request.getfixturevalue("pg_databases")
    _truncate_all(owner, plans=getattr(request.module, "explain", None) is explain)
    if url not in _pg_db_cache:
        _pg_db_cache[url] = Database(Settings(database_url=url, env="test", db_app_role=APP_ROLE))
    yield Backend("postgres", url, _pg_db_cache[url], owner)


@pytest.fixture
def db(backend: Backend) -> Database:
    return backend.db


_apps: dict[str, FastAPI] = {}


def shared_app(backend: Backend) -> FastAPI:
    """One app per worker and settings (but the database's address), bound to the test's
    database with a state of its own (``bind_state``): a new app's first request builds its
    routes' parameter models anew, 0.3 s of most tests' time. No test changes an app's routes,
    middleware or dependency overrides, which a shared app would carry to the next test."""
    settings = backend.db.settings
    key = settings.model_dump_json(exclude={"database_url"})
    if key not in _apps:
        _apps[key] = create_app(settings, backend.db)
    app = _apps[key]
    bind_state(app, settings, backend.db)
    return app


@pytest.fixture
def app_client(backend: Backend) -> Iterator[TestClient]:
    with TestClient(shared_app(backend), raise_server_exceptions=False) as client:
        yield client


@dataclass
class TenantCtx:
    id: uuid.UUID
    slug: str
    admin_key: str
    client: TestClient

    def headers(self, key: str | None = None) -> dict[str, str]:
        return {"Authorization": f"Bearer {key or self.admin_key}"}

    def key(self, role: str) -> str:
        from rolodex.tenants import service

        db: Database = self.client.app.state.db  # type: ignore[attr-defined]
        with db.session(self.id) as session:
            return service.create_key(session, self.id, role).key


def make_tenant(client: TestClient, name: str = "Acme", region: str = "US") -> TenantCtx:
    from rolodex.tenants import service

    db: Database = client.app.state.db  # type: ignore[attr-defined]
    with db.session() as session:
        tenant = service.create_tenant(
            session, f"{name} {uuid.uuid4().hex[:6]}", default_region=region
        )
        tid, slug = tenant.id, tenant.slug
    with db.session(tid) as session:
        key = service.create_key(session, tid, "admin").key
    return TenantCtx(tid, slug, key, client)


@pytest.fixture
def tenant(app_client: TestClient) -> TenantCtx:
    return make_tenant(app_client)


@pytest.fixture
def other_tenant(app_client: TestClient) -> TenantCtx:
    return make_tenant(app_client, "Globex", region="GB")


@pytest.fixture
def cli(backend: Backend, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """``cli("import", path, "--tenant", slug)``: the rolodex command line on the test's
    database, its result (exit code, output); ``input=`` is what is typed at its prompts."""
    from typer.testing import CliRunner

    from rolodex.cli.main import app
    from rolodex.config import get_settings

    monkeypatch.setenv("ROLODEX_DATABASE_URL", backend.url)
    get_settings.cache_clear()
    yield lambda *args, input=None: CliRunner().invoke(app, [str(a) for a in args], input=input)
    get_settings.cache_clear()
