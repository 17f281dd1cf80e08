"""A command gives back the database connections it opened when it ends: CI's PostgreSQL
ran out of connection slots when every command of the suite left its pool open."""

from __future__ import annotations

import gc

import sqlalchemy as sa
from typer.testing import CliRunner

from rolodex.cli.main import app
from rolodex.config import get_settings

COMMANDS = [
    ("tenants", "create", "Slots Shop", "--slug", "slots"),
    ("tenants", "list"),
    ("keys", "create", "--tenant", "slots", "--role", "viewer"),
    ("imports", "list", "--tenant", "slots"),
    ("search", "reindex", "--tenant", "slots"),
    ("segments", "list", "--tenant", "slots"),
]


def open_connections(owner: sa.Engine, database: str) -> int:
    with owner.connect() as conn:
        found = conn.execute(
            sa.text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = :d AND pid <> "
                "pg_backend_pid()"
            ),
            {"d": database},
        )
        return int(found.scalar_one())


def test_commands_close_their_connections_on_postgres(pg_databases, monkeypatch):
    url, owner = pg_databases
    monkeypatch.setenv("ROLODEX_DATABASE_URL", url)
    get_settings.cache_clear()
    database = sa.make_url(url).database
    gc.collect()
    before = open_connections(owner, database)
    gc.disable()  # a pool let go of only by the collector of cycles is a pool left open
    try:
        for command in COMMANDS:
            result = CliRunner().invoke(app, list(command))
            assert result.exit_code == 0, (command, result.output)
        assert open_connections(owner, database) == before
    finally:
        gc.enable()
        get_settings.cache_clear()
