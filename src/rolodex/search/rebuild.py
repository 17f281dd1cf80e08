"""Rebuild the search index of one tenant from its customers, set-based.

The triggers keep the index right row by row; this is for the other cases: after a bulk load
made with the customer triggers off (much faster on SQLite), after a restore, or to drop
typo-dictionary words nobody has any more. Runs in the caller's transaction (SQLite takes the
write lock for its duration) with the same SQL as the triggers, so the result is the same.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from rolodex.search import sql

_TRIGGER = re.compile(r"CREATE TRIGGER (\w+)")
# Per-row triggers the SQLite rebuild replaces by set-based statements (and then restores).
SQLITE_ROW_TRIGGERS = (
    "customers_search_ai",
    "customers_search_au",
    "customer_search_index",
    "customer_search_unindex",
    "customer_search_ad",
)


def sqlite_triggers() -> dict[str, str]:
    out = {}
    for statement in sql.sqlite_upgrade():
        m = _TRIGGER.match(statement)
        if m:
            out[m.group(1)] = statement
    return out


def drop_customer_triggers(conn: Connection) -> None:
    """SQLite bulk loads: no per-row indexing; call rebuild() after the load."""
    for name in SQLITE_ROW_TRIGGERS:
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")


def rebuild(conn: Connection, tenant_id: uuid.UUID) -> int:
    """Re-index every customer of ``tenant_id``; returns how many."""
    if conn.dialect.name == "postgresql":
        return _rebuild_pg(conn, tenant_id)
    return _rebuild_sqlite(conn, tenant_id)


def _run(conn: Connection, statement: str, params: dict[str, Any]) -> Any:
    return conn.execute(text(statement), params)


def _rebuild_sqlite(conn: Connection, tenant_id: uuid.UUID) -> int:
    t = {"t": tenant_id.hex}
    drop_customer_triggers(conn)
    for fts in (sql.FTS_NAME, sql.TRI_NAME):  # delete-all, then rebuild from the content table
        conn.exec_driver_sql(f"INSERT INTO {fts}({fts}) VALUES ('delete-all')")
    _run(conn, "DELETE FROM customer_search WHERE tenant_id = :t", t)
    _run(conn, "DELETE FROM search_term_keys WHERE tenant_id = :t", t)
    _run(conn, "DELETE FROM search_terms WHERE tenant_id = :t", t)
    raw = sql.sqlite_raw_values("x")
    count = _run(
        conn,
        "INSERT INTO customer_search (tenant_id, customer_id, name, email, phone, company, "
        f"notes, pending) SELECT x.tenant_id, x.id, {raw}, 1 FROM customers x "
        "WHERE x.tenant_id = :t ORDER BY x.created_at, x.id",  # row numbers: oldest first
        t,
    ).rowcount
    for step in sql.sqlite_normalize_steps("pending = 1 AND tenant_id = :t"):
        _run(conn, step.rstrip(";"), t)
    _run(conn, "UPDATE customer_search SET pending = 0 WHERE tenant_id = :t AND pending = 1", t)
    for fts in (sql.FTS_NAME, sql.TRI_NAME):
        conn.exec_driver_sql(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")
    _run(
        conn,
        "INSERT OR IGNORE INTO search_terms (tenant_id, term) "
        "SELECT DISTINCT s.tenant_id, "
        "substr(s.name, p.i, instr(substr(s.name || ' ', p.i), ' ') - 1) "
        "FROM customer_search s JOIN search_positions p ON p.i <= length(s.name) "
        "WHERE s.tenant_id = :t AND substr(s.name, p.i, 1) <> ' ' "
        "AND (p.i = 1 OR substr(s.name, p.i - 1, 1) = ' ')",
        t,
    )
    triggers = sqlite_triggers()
    for name in SQLITE_ROW_TRIGGERS:
        conn.exec_driver_sql(triggers[name])
    return int(count or 0)


def _rebuild_pg(conn: Connection, tenant_id: uuid.UUID) -> int:
    t = {"t": tenant_id}
    _run(conn, "DELETE FROM search_term_keys WHERE tenant_id = :t", t)
    _run(conn, "DELETE FROM search_terms WHERE tenant_id = :t", t)
    _run(conn, "DELETE FROM customer_search WHERE tenant_id = :t", t)
    count = _run(
        conn, sql.pg_backfill() + " WHERE x.tenant_id = :t ORDER BY x.created_at, x.id", t
    ).rowcount
    _run(
        conn,
        "INSERT INTO search_terms (tenant_id, term) SELECT DISTINCT s.tenant_id, w "
        "FROM customer_search s, unnest(string_to_array(s.name, ' ')) w "
        "WHERE s.tenant_id = :t AND w <> '' ON CONFLICT DO NOTHING",
        t,
    )
    return int(count or 0)
