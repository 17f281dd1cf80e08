"""What the import bench's ceiling is made of, on SQLite: the customers table alone, filled
with the driver's own executemany (sqlite3, values already converted, no SQLAlchemy), in
fresh databases that differ in what the schema does on each insert.

    python bench/ceiling_parts.py [--rows 50000]

The rows are the first N of bench/data/import-1000000.csv (import_bench.make_csv) as the
ceiling builds them, completed with the columns' own defaults, converted with their own bind
processors, and inserted in transactions of 2,000 (the import's batch). Only the inserts are
timed. The schemas:

- ``as migrated``: what every writer but the import meets (the import indexes its new
  customers for search set-based instead, see repository.insert_customers);
- ``without normalizing``: the insert trigger adds the search row and indexes it, without
  the SQL steps that fold accents, case and punctuation (what they cost);
- ``without the typo index``: as migrated, but words do not get their deletion keys;
- ``without search triggers``: the customers' own indexes only;
- ``bare``: no trigger and no index but the primary key.

Results: bench/results/ceiling_parts.json.
"""

from __future__ import annotations

import argparse
import csv
import sqlite3
import time
from typing import Any

from common import fresh_database, write_result
from import_bench import ceiling_customer, make_csv, tenant

BATCH = 2000
SCHEMAS = (
    "as migrated",
    "without normalizing",
    "without the typo index",
    "without search triggers",
    "bare",
)


def customer_rows(n: int, tid: Any) -> list[dict[str, Any]]:
    """The ceiling's customer rows (import_bench.ceiling) for the CSV's first ``n`` rows."""
    from rolodex.kit.ids import new_id

    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    with make_csv(1_000_000).open(newline="", encoding="utf-8") as f:
        for rec in csv.DictReader(f):
            if len(out) >= n:
                break
            out.append(ceiling_customer(rec, tid, new_id(), seen))
    return out


def driver_rows(url: str, rows: list[dict[str, Any]]) -> tuple[str, list[tuple[Any, ...]]]:
    """The INSERT and its parameters as the driver takes them: each column's Python-side
    default where a row leaves it out, then its bind processor."""
    from sqlalchemy import create_engine

    from rolodex.models import Customer

    table = Customer.__table__
    dialect = create_engine(url).dialect
    defaults = {
        c.key: c.default
        for c in table.c
        if c.key not in rows[0] and c.default is not None and c.server_default is None
    }
    keys = [*rows[0], *defaults]
    processors = [table.c[k].type.dialect_impl(dialect).bind_processor(dialect) for k in keys]
    params = []
    for r in rows:
        values = []
        for key, process in zip(keys, processors, strict=True):
            if key in r:
                value = r[key]
            else:
                default = defaults[key]
                value = default.arg(None) if default.is_callable else default.arg
            values.append(process(value) if process is not None else value)
        params.append(tuple(values))
    names = ", ".join(table.c[k].name for k in keys)
    return f"INSERT INTO customers ({names}) VALUES ({', '.join('?' * len(keys))})", params


def reshape(con: sqlite3.Connection, schema: str) -> None:
    def triggers(*tables: str) -> list[str]:
        marks = ", ".join("?" * len(tables))
        return [
            name
            for (name,) in con.execute(
                f"SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ({marks})",
                tables,
            )
        ]

    if schema == "without normalizing":
        from rolodex.search.sql import _SEARCH_COLS, _THIS, sqlite_raw_values

        con.execute("DROP TRIGGER customers_search_ai")
        con.execute(
            "CREATE TRIGGER customers_search_ai AFTER INSERT ON customers BEGIN "
            f"INSERT INTO customer_search ({_SEARCH_COLS}) "
            f"VALUES (NEW.tenant_id, NEW.id, {sqlite_raw_values('NEW')}, 1); "
            f"UPDATE customer_search SET pending = 0 WHERE {_THIS}; END"
        )
    elif schema == "without the typo index":
        for name in triggers("search_terms"):
            con.execute(f"DROP TRIGGER {name}")
    elif schema in ("without search triggers", "bare"):
        for name in triggers("customers", "customer_search", "search_terms"):
            con.execute(f"DROP TRIGGER {name}")
    if schema == "bare":
        for (name,) in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'customers' "
            "AND sql IS NOT NULL"
        ).fetchall():
            con.execute(f"DROP INDEX {name}")


def measure(schema: str, n: int) -> dict[str, Any]:
    url = fresh_database("sqlite", "ceiling_parts")
    db, tid = tenant(url, "parts")
    db.dispose()
    sql, params = driver_rows(url, customer_rows(n, tid))
    con = sqlite3.connect(url.removeprefix("sqlite:///"), isolation_level=None)
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON"):
        con.execute(f"PRAGMA {pragma}")  # as the app's connections (rolodex.db)
    reshape(con, schema)
    started = time.perf_counter()
    for start in range(0, len(params), BATCH):
        con.execute("BEGIN")
        con.executemany(sql, params[start : start + BATCH])
        con.execute("COMMIT")
    seconds = time.perf_counter() - started
    con.close()
    return {"rows": n, "seconds": round(seconds, 2), "rows_per_second": round(n / seconds, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=50_000)
    args = parser.parse_args()
    results: dict[str, Any] = {"schemas": {}}
    for schema in SCHEMAS:
        got = measure(schema, args.rows)
        results["schemas"][schema] = got
        per_row = 1e6 / got["rows_per_second"]
        print(f"{schema:>24}: {got['rows_per_second']:>9,.0f} rows/s ({per_row:,.0f} µs a row)")
    print(f"wrote {write_result('ceiling_parts', results)}")


if __name__ == "__main__":
    main()
