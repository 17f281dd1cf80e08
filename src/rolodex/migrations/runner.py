"""Apply migrations programmatically (CLI, demo, tests) and keep the app role's grants."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text

HERE = Path(__file__).parent


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    return cfg


def upgrade(
    owner_engine: Engine, app_role: str | None = "rolodex_app", revision: str = "heads"
) -> None:
    """Upgrade to ``revision``; on PostgreSQL also keep the RLS-bound app role able to work."""
    cfg = alembic_config()
    with owner_engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
        if conn.dialect.name == "postgresql" and app_role:
            ensure_app_role(conn, app_role)


def ensure_app_role(conn: object, role: str) -> None:
    """The app role: no BYPASSRLS, DML on every table, so RLS is enforced on it."""
    execute = conn.execute  # type: ignore[attr-defined]
    exists = execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).scalar()
    if not exists:
        execute(text(f'CREATE ROLE "{role}" NOLOGIN NOBYPASSRLS'))
    execute(text(f'GRANT USAGE ON SCHEMA public TO "{role}"'))
    execute(
        text(f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{role}"')
    )
    execute(text(f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "{role}"'))
    # e.g. rolodex_claim_jobs: workers claim across tenants through SECURITY DEFINER functions
    execute(text(f'GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO "{role}"'))
    # The current user must be able to SET ROLE to it (a superuser always can).
    execute(text(f'GRANT "{role}" TO CURRENT_USER'))


def current_revision(owner_engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with owner_engine.connect() as conn:
        # Several branches (0002, 0004, ...) upgrade side by side: report every head.
        heads = MigrationContext.configure(conn).get_current_heads()
    return ",".join(sorted(heads)) or None
