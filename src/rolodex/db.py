"""Engine, one session per request or job, SQLite pragmas, and the tenant context.

The tenant is set per transaction: on PostgreSQL with ``set_config('app.tenant_id', .., true)``
(the transaction-local form of SET LOCAL), which the row-level security policies read. With no
tenant set the policies match no rows.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker
from sqlalchemy.pool import NullPool

from rolodex.config import Settings


def _sqlite_url_is_memory(url: str) -> bool:
    return url in ("sqlite://", "sqlite:///:memory:")


def make_engine(url: str, *, app_role: str | None = None, pool_size: int = 10) -> Engine:
    """An engine for either backend; on PostgreSQL it assumes ``app_role`` when it can."""
    if url.startswith("sqlite"):
        kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": 30}}
        if _sqlite_url_is_memory(url):
            raise ValueError("use a file for SQLite: connections must share one database")
        engine = create_engine(url, **kwargs)
        _configure_sqlite(engine)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    # No parallel workers for the app's queries: a list page asks for 51 rows, and starting
    # two workers cost 30 ms of a 45 ms query at a million customers on two cores.
    # (Searches and lists also ask for a plan per run: see search.service.context.)
    options = "-c max_parallel_workers_per_gather=0"
    engine = create_engine(
        url,
        pool_size=pool_size,
        max_overflow=20,
        pool_pre_ping=True,
        connect_args={"options": options},
    )
    if app_role:
        _assume_app_role(engine, app_role)
    return engine


def make_owner_engine(url: str) -> Engine:
    """An engine that keeps the connecting role: migrations and test housekeeping only."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    if url.startswith("sqlite"):
        engine = create_engine(url, poolclass=NullPool)
        _configure_sqlite(engine)
        return engine
    return create_engine(url, poolclass=NullPool)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take transaction control from pysqlite so that BEGIN IMMEDIATE is ours to emit.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=30000")
        # Reads at a million customers: a 32 MiB page cache per connection and the file
        # memory-mapped (no read syscall per page); both are ceilings, not allocations.
        cur.execute("PRAGMA cache_size=-32768")
        cur.execute("PRAGMA mmap_size=1073741824")
        cur.execute("PRAGMA temp_store=MEMORY")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # A writer takes the write lock up front: a deferred upgrade cannot wait, it fails.
        write = conn.get_execution_options().get("rolodex_write", True)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _assume_app_role(engine: Engine, role: str) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute(
            "SELECT r.rolsuper OR r.rolbypassrls, "
            "EXISTS (SELECT 1 FROM pg_roles WHERE rolname = %s) "
            "FROM pg_roles r WHERE r.rolname = current_user",
            (role,),
        )
        bypasses, role_exists = cur.fetchone()
        if bypasses and role_exists:
            cur.execute(f'SET ROLE "{role}"')
        dbapi_conn.commit()
        cur.close()


class Database:
    """Owns the engine and hands out sessions bound to one tenant."""

    def __init__(self, settings: Settings, engine: Engine | None = None) -> None:
        self.settings = settings
        self.engine = engine or make_engine(settings.database_url, app_role=settings.db_app_role)
        self.is_postgres = self.engine.dialect.name == "postgresql"
        self.sessionmaker = sessionmaker(self.engine, expire_on_commit=False)
        self.read_sessionmaker = sessionmaker(
            self.engine.execution_options(rolodex_write=False), expire_on_commit=False
        )
        event.listen(self.sessionmaker, "after_begin", self._after_begin)
        event.listen(self.read_sessionmaker, "after_begin", self._after_begin)

    def _after_begin(self, session: Session, tx: SessionTransaction, connection: Any) -> None:
        # A SAVEPOINT keeps what its transaction set (set_config(..., true) lasts until the
        # transaction ends): only the outermost transaction sets the tenant.
        if not self.is_postgres or tx.nested:
            return
        tenant = session.info.get("tenant_id")
        connection.execute(
            text("SELECT set_config('app.tenant_id', :t, true)"),
            {"t": str(tenant) if tenant else ""},
        )
        login_email = session.info.get("login_email")
        if login_email:
            connection.execute(
                text("SELECT set_config('app.login_email', :e, true)"), {"e": login_email}
            )

    @contextmanager
    def session(
        self, tenant_id: uuid.UUID | None = None, *, write: bool = True, **info: Any
    ) -> Iterator[Session]:
        """One unit of work: commits at the end, rolls back on any error."""
        maker = self.sessionmaker if write else self.read_sessionmaker
        session = maker(info={"tenant_id": tenant_id, **info})
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def set_tenant(self, session: Session, tenant_id: uuid.UUID) -> None:
        """Scope the rest of this session's transaction to ``tenant_id``: a tenant made in
        the same transaction can then get its first rows (keys, users) atomically with it."""
        session.info["tenant_id"] = tenant_id
        if self.is_postgres:
            session.execute(
                text("SELECT set_config('app.tenant_id', :t, true)"), {"t": str(tenant_id)}
            )

    def dispose(self) -> None:
        self.engine.dispose()
