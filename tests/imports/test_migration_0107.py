"""Migration 0107 on SQLite and PostgreSQL: reverts stored before it move to the new states
(a customer reverted in part counted as ``partly``, a revert that kept something ``partial``)
and back on downgrade."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import command
from sqlalchemy.dialects.postgresql import JSONB

from rolodex.db import make_owner_engine
from rolodex.migrations.runner import alembic_config, upgrade
from tests.owned_database import owned_database

BEFORE = "0106_search_pending"
JSON = sa.JSON().with_variant(JSONB(), "postgresql")
NOW = datetime(2026, 12, 1, tzinfo=UTC)

TENANTS = sa.table(
    "tenants",
    sa.column("id", sa.Uuid()),
    sa.column("slug", sa.String()),
    sa.column("name", sa.String()),
    sa.column("default_region", sa.String()),
    sa.column("created_at", sa.DateTime(timezone=True)),
)
_RUN_TEXT = ("state", "filename", "sha256", "format", "encoding", "actor_type", "actor_id",
             "actor_name", "actor_role")  # fmt: skip
_RUN_INT = ("size_bytes", "chunk_count", "rows_read", "created", "updated", "unchanged",
            "skipped", "failed", "bytes_read", "reverted", "revert_kept")  # fmt: skip
IMPORTS = sa.table(
    "imports",
    sa.column("tenant_id", sa.Uuid()),
    sa.column("id", sa.Uuid()),
    sa.column("dry_run", sa.Boolean()),
    sa.column("revert_state", sa.String()),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("updated_at", sa.DateTime(timezone=True)),
    *(sa.column(c, sa.String()) for c in _RUN_TEXT),
    *(sa.column(c, sa.Integer()) for c in _RUN_INT),
    *(sa.column(c, JSON) for c in ("options", "columns", "mapping", "warnings")),
)
ROWS = sa.table(
    "import_rows",
    sa.column("tenant_id", sa.Uuid()),
    sa.column("import_id", sa.Uuid()),
    sa.column("row_no", sa.Integer()),
    sa.column("line", sa.Integer()),
    sa.column("action", sa.String()),
    sa.column("target_id", sa.Uuid()),
    sa.column("revert", sa.String()),
    sa.column("revert_reason", sa.String()),
)
PARTLY = "partly: kept company, changed since the import (audit entry 9: update by user x)"


def _run(tenant: uuid.UUID, state: str | None, reverted: int, kept: int) -> dict[str, Any]:
    run: dict[str, Any] = {c: "x" for c in _RUN_TEXT}
    run.update({c: 0 for c in _RUN_INT})
    run.update(options={}, columns=[], mapping={}, warnings=[])
    run.update(tenant_id=tenant, id=uuid.uuid4(), dry_run=False, state="done", format="csv",
               revert_state=state, reverted=reverted, revert_kept=kept, created_at=NOW,
               updated_at=NOW)  # fmt: skip
    return run


def _scenario(engine: sa.Engine, data: sa.Engine) -> None:
    """Reverts as stored before 0107, migrated up by ``engine``, checked, and down again;
    ``data`` writes and reads them past any row-level security."""
    cfg = alembic_config()
    upgrade(engine, None, revision=BEFORE)
    tenant = uuid.uuid4()
    t1, t2, t3, t4 = (uuid.uuid4() for _ in range(4))
    mixed = _run(tenant, "done", 3, 1)  # t1, t2 (in part) and t4 reverted; t3 kept
    whole = _run(tenant, "done", 1, 0)
    never = _run(tenant, None, 0, 0)
    row_values = [
        (mixed, 1, t1, "reverted", None),
        (mixed, 2, t2, "reverted", PARTLY),
        (mixed, 3, t2, "reverted", PARTLY),  # two rows of one customer: counted once
        (mixed, 4, t3, "kept", "changed since the import (audit entry 8: delete by user x)"),
        (mixed, 5, t4, "reverted", None),
        (whole, 1, t1, "reverted", None),
    ]
    with data.begin() as conn:
        conn.execute(sa.insert(TENANTS), [{"id": tenant, "slug": f"m{tenant.hex[:8]}",
                                           "name": "M", "default_region": "US",
                                           "created_at": NOW}])  # fmt: skip
        conn.execute(sa.insert(IMPORTS), [mixed, whole, never])
        conn.execute(
            sa.insert(ROWS),
            [{"tenant_id": tenant, "import_id": run["id"], "row_no": n, "line": n + 1,
              "action": "update", "target_id": t, "revert": r, "revert_reason": why}
             for run, n, t, r, why in row_values],
        )  # fmt: skip

    def runs() -> dict[uuid.UUID, tuple[Any, ...]]:
        with data.connect() as conn:
            columns = "id, revert_state, reverted, revert_kept"
            partly = ", revert_partly" if "revert_partly" in _columns(conn) else ""
            found = conn.execute(
                sa.text(f"SELECT {columns}{partly} FROM imports WHERE tenant_id = :t"),
                {"t": tenant if engine.dialect.name == "postgresql" else tenant.hex},
            )
            return {uuid.UUID(str(r[0])): tuple(r[1:]) for r in found}

    def marks() -> list[str | None]:
        with data.connect() as conn:
            return list(
                conn.scalars(sa.text("SELECT revert FROM import_rows ORDER BY import_id, row_no"))
            )

    upgrade(engine, None)
    after = runs()
    assert after[mixed["id"]] == ("partial", 2, 1, 1)
    assert after[whole["id"]] == ("done", 1, 0, 0)
    assert after[never["id"]] == (None, 0, 0, 0)
    assert sorted(m or "" for m in marks()) == sorted(
        ["reverted", "partly", "partly", "kept", "reverted", "reverted"]
    )
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, BEFORE)
    before = runs()
    assert before[mixed["id"]] == ("done", 3, 1)
    assert before[whole["id"]] == ("done", 1, 0)
    assert sorted(m or "" for m in marks()) == sorted(["reverted"] * 5 + ["kept"])
    upgrade(engine, None)  # and up again
    assert runs()[mixed["id"]] == ("partial", 2, 1, 1)


def _columns(conn: sa.Connection) -> set[str]:
    return {c["name"] for c in sa.inspect(conn).get_columns("imports")}


def test_sqlite_reverts_move_to_the_new_states_and_back(tmp_path):
    engine = make_owner_engine(f"sqlite:///{tmp_path / 'm.db'}")
    try:
        _scenario(engine, engine)
    finally:
        engine.dispose()


def test_postgres_reverts_move_to_the_new_states_and_back(pg_databases):
    with owned_database("rolodex_m107") as (engine, superuser):
        _scenario(engine, superuser)
