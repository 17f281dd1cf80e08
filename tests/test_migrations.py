"""Migrations build the schema from an empty database on both engines, and undo it."""

from __future__ import annotations

import os
import uuid

from sqlalchemy import create_engine, inspect, text

from rolodex.db import make_owner_engine
from rolodex.migrations.runner import alembic_config, current_revision, upgrade
from rolodex.models import Base
from tests.conftest import APP_ROLE, PG_URL


def _heads() -> set[str]:
    from alembic.script import ScriptDirectory

    return set(ScriptDirectory.from_config(alembic_config()).get_heads())


def _assert_schema_matches_models(engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert {t.name for t in Base.metadata.sorted_tables} <= tables


def test_sqlite_upgrade_from_empty_and_downgrade(tmp_path):
    from alembic import command

    engine = make_owner_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    upgrade(engine, None)
    _assert_schema_matches_models(engine)
    assert set((current_revision(engine) or "").split(",")) == _heads()
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(engine, None)  # and up again
    _assert_schema_matches_models(engine)


def test_postgres_upgrade_from_empty_database(pg_databases):
    name = f"rolodex_mig_{uuid.uuid4().hex[:8]}"
    admin = create_engine(
        PG_URL.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        engine = make_owner_engine(f"{PG_URL.rsplit('/', 1)[0]}/{name}")
        upgrade(engine, APP_ROLE)
        _assert_schema_matches_models(engine)
        with engine.connect() as conn:
            policies = conn.execute(text("SELECT count(*) FROM pg_policies")).scalar()
        assert policies is not None
        assert policies >= 6
        upgrade(engine, APP_ROLE)  # idempotent: a second run changes nothing
        engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_cli_db_upgrade(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from rolodex.cli.main import app
    from rolodex.config import get_settings

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("ROLODEX_DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["db", "upgrade"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "database at revision" in result.output
    _assert_schema_matches_models(make_owner_engine(url))
    assert os.path.exists(tmp_path / "cli.db")
