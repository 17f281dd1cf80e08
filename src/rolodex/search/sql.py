"""Engine-specific search index SQL, in one place: tables, triggers and match expressions.

Both engines keep ``customer_search`` (one row per customer: normalized name, email, phone
digits, company and notes) in step with ``customers`` by triggers, so every writer (API,
webhooks, imports, merges, raw SQL) keeps the index consistent in its own transaction. Both
keep the same typo index: ``search_terms`` (every name word of a tenant) and
``search_term_keys`` (each word with up to two letters deleted, "symmetric deletion"); a
query word's own deletions find every indexed word within two edits through a B-tree.

- SQLite: FTS5 ``customer_search_fts`` (words of name/company/notes, ``ascii`` tokenizer so
  that its words are exactly ours, prefix indexes) and FTS5 ``customer_search_tri``
  (trigram tokenizer: substrings of email and phone digits), both external-content tables.
- PostgreSQL: ``customer_search.doc``, a tsvector of field-tagged words ('n|john', 'c|acme',
  'o|…') built without the text parser so its words are exactly ours, in a GIN index; and
  ``pg_trgm`` GIN indexes on email and phone for substrings.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy import ColumnElement, func
from sqlalchemy.ext.compiler import compiles

from rolodex.kit.stored import Stored
from rolodex.kit.types import UTCDateTime
from rolodex.search.text import FOLD, INDEXED_NOTES, MAX_TERM, REMOVE, SPACE

POSITIONS = 1024  # longest normalized name the SQLite word splitter reads
FTS_NAME, TRI_NAME = "customer_search_fts", "customer_search_tri"

SEARCH_FIELDS = ("first_name", "last_name", "full_name", "email_normalized", "phone_e164",
                 "company", "notes", "internal_notes")  # fmt: skip

# ---- normalization as SQL --------------------------------------------------------------------


def _sqlite_literal(ch: str) -> str:
    code = ord(ch)
    if code < 32 or code == 127:
        return f"char({code})"
    return "'" + ch.replace("'", "''") + "'"


CHUNK = 20  # replace() calls nested in one expression: SQLite's parser stack is shallow
_FIELDS = ("name", "company", "notes")


def _chain(pairs: list[tuple[str, str]], var: str) -> str:
    out = var
    for src, dst in pairs:
        out = f"replace({out}, {_sqlite_literal(src)}, '{dst}')"
    return out


def _stage(where: str, guard: str, expr: Callable[[str], str]) -> str:
    sets = ", ".join(
        f"{f} = CASE WHEN {f} GLOB '{guard}' THEN {expr(f)} ELSE {f} END" for f in _FIELDS
    )
    any_ = " OR ".join(f"{f} GLOB '{guard}'" for f in _FIELDS)
    return f"UPDATE customer_search SET {sets} WHERE {where} AND ({any_});"


def sqlite_normalize_steps(where: str) -> list[str]:
    """UPDATE statements that turn the raw name/company/notes of the ``customer_search`` rows
    matching ``where`` into text.normalize() of them. SQLite's parser cannot nest the ~260
    replace() calls in one expression, so they run in stages; a GLOB skips each stage when the
    text has nothing for it (a plain ASCII name skips all but lowercasing)."""
    steps = []
    fold = list(FOLD.items())
    for i in range(0, len(fold), CHUNK):
        steps.append(_stage(where, "*[^ -~]*", partial(_chain, fold[i : i + CHUNK])))
    steps.append(_stage(where, "*[A-Z]*", lambda f: f"lower({f})"))
    punct = [(ch, "") for ch in REMOVE] + [(ch, " ") for ch in SPACE]
    for i in range(0, len(punct), CHUNK):
        steps.append(_stage(where, "*[^a-z0-9 ]*", partial(_chain, punct[i : i + CHUNK])))
    return steps


def _pg_string(text: str) -> str:
    out = []
    for ch in text:
        code = ord(ch)
        if ch in "\\'":
            out.append("\\" + ch)
        elif code < 32 or code == 127:
            out.append(f"\\x{code:02x}")
        else:
            out.append(ch)
    return "E'" + "".join(out) + "'"


def pg_normalize_function() -> str:
    multi = {k: v for k, v in FOLD.items() if len(v) > 1}
    single = {k: v for k, v in FOLD.items() if len(v) == 1}
    src = "".join(single) + "".join(chr(c) for c in range(65, 91)) + SPACE + REMOVE
    dst = "".join(single.values()) + "".join(chr(c) for c in range(97, 123)) + " " * len(SPACE)
    body = "coalesce(t, '')"
    for k, v in multi.items():
        body = f"replace({body}, '{k}', '{v}')"
    return (
        "CREATE OR REPLACE FUNCTION rolodex_search_norm(t text) RETURNS text "
        "LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$ "
        f"SELECT translate({body}, {_pg_string(src)}, {_pg_string(dst)}) $fn$"
    )


def _name_expr(prefix: str) -> str:
    p = prefix
    return (
        f"coalesce({p}.full_name, trim(coalesce({p}.first_name, '') || ' ' || "
        f"coalesce({p}.last_name, '')))"
    )


def _notes_expr(prefix: str) -> str:
    p = prefix
    return (
        f"substr(coalesce({p}.notes, '') || ' ' || coalesce({p}.internal_notes, ''), 1, "
        f"{INDEXED_NOTES})"
    )


def _changed(dialect: str) -> str:
    op = "IS NOT" if dialect == "sqlite" else "IS DISTINCT FROM"
    return " OR ".join(f"OLD.{f} {op} NEW.{f}" for f in SEARCH_FIELDS)


# ---- SQLite ----------------------------------------------------------------------------------


def sqlite_raw_values(p: str) -> str:
    return (
        f"{_name_expr(p)}, coalesce({p}.email_normalized, ''), "
        f"replace(coalesce({p}.phone_e164, ''), '+', ''), coalesce({p}.company, ''), "
        f"{_notes_expr(p)}"
    )


_THIS = "tenant_id = NEW.tenant_id AND customer_id = NEW.id"
_SEARCH_COLS = "tenant_id, customer_id, name, email, phone, company, notes, pending"


def sqlite_insert_trigger(*, bulk: bool = True) -> str:
    """The trigger that indexes a new customer. With ``bulk`` (migration 0101) it leaves out
    a customer whose ``customer_search`` row already exists: a bulk writer (imports) puts
    the rows of its customers in first, as pending, and indexes them set-based in the same
    transaction (``sqlite_bulk_index``); every other writer is indexed here, row by row."""
    normalize = " ".join(sqlite_normalize_steps(_THIS))
    done = f"UPDATE customer_search SET pending = 0 WHERE {_THIS};"
    when = (
        "WHEN NOT EXISTS (SELECT 1 FROM customer_search "
        "WHERE tenant_id = NEW.tenant_id AND customer_id = NEW.id) "
        if bulk
        else ""
    )
    return (
        f"CREATE TRIGGER customers_search_ai AFTER INSERT ON customers {when}BEGIN "
        f"INSERT INTO customer_search ({_SEARCH_COLS}) "
        f"VALUES (NEW.tenant_id, NEW.id, {sqlite_raw_values('NEW')}, 1); {normalize} {done} END"
    )


def sqlite_bulk_index(after_rid: str) -> list[str]:
    """Set-based indexing of the pending ``customer_search`` rows a bulk writer put in before
    inserting their customers (see ``sqlite_insert_trigger``); ``after_rid`` is a bind
    parameter holding the largest ``rid`` before them. The same SQL as the triggers: raw
    values from the customer, the normalization steps, then ``pending = 0``, whose trigger
    adds the row to the FTS tables and its words to the typo index."""
    where = f"rid > {after_rid} AND pending = 1"
    raw = sqlite_raw_values("x")
    return [
        "UPDATE customer_search SET (name, email, phone, company, notes) = "
        f"(SELECT {raw} FROM customers x WHERE x.tenant_id = customer_search.tenant_id "
        f"AND x.id = customer_search.customer_id) WHERE {where}",
        *[step.rstrip(";") for step in sqlite_normalize_steps(where)],
        f"UPDATE customer_search SET pending = 0 WHERE {where}",
    ]


def sqlite_upgrade() -> list[str]:
    this = _THIS
    normalize = " ".join(sqlite_normalize_steps(this))
    done = f"UPDATE customer_search SET pending = 0 WHERE {this};"
    words = (
        "INSERT OR IGNORE INTO search_terms (tenant_id, term) "
        "SELECT NEW.tenant_id, substr(NEW.name, p.i, instr(substr(NEW.name || ' ', p.i), ' ') - 1)"
        " FROM search_positions p WHERE p.i <= length(NEW.name)"
        " AND substr(NEW.name, p.i, 1) <> ' '"
        " AND (p.i = 1 OR substr(NEW.name, p.i - 1, 1) = ' ');"
    )
    fts_add = (
        "INSERT INTO customer_search_fts (rowid, name, company, notes) "
        "VALUES (NEW.rid, NEW.name, NEW.company, NEW.notes); "
        "INSERT INTO customer_search_tri (rowid, email, phone) "
        "VALUES (NEW.rid, NEW.email, NEW.phone);"
    )
    fts_del = (
        "INSERT INTO customer_search_fts (customer_search_fts, rowid, name, company, notes) "
        "VALUES ('delete', OLD.rid, OLD.name, OLD.company, OLD.notes); "
        "INSERT INTO customer_search_tri (customer_search_tri, rowid, email, phone) "
        "VALUES ('delete', OLD.rid, OLD.email, OLD.phone);"
    )
    keys = """
        INSERT OR IGNORE INTO search_term_keys (tenant_id, key, term)
        SELECT NEW.tenant_id, NEW.term, NEW.term WHERE length(NEW.term) >= 3;
        INSERT OR IGNORE INTO search_term_keys (tenant_id, key, term)
        SELECT NEW.tenant_id, substr(NEW.term, 1, a.i - 1) || substr(NEW.term, a.i + 1), NEW.term
        FROM search_positions a WHERE a.i <= length(NEW.term) AND length(NEW.term) >= 4;
        INSERT OR IGNORE INTO search_term_keys (tenant_id, key, term)
        SELECT NEW.tenant_id, substr(NEW.term, 1, a.i - 1)
            || substr(NEW.term, a.i + 1, b.i - a.i - 1) || substr(NEW.term, b.i + 1), NEW.term
        FROM search_positions a JOIN search_positions b ON a.i < b.i
        WHERE b.i <= length(NEW.term) AND length(NEW.term) >= 5;
    """
    cols = "tenant_id, customer_id, name, email, phone, company, notes, pending"
    return [
        # ``pending`` = 1 while the row holds raw text being normalized (not in FTS yet).
        """CREATE TABLE customer_search (
            rid INTEGER PRIMARY KEY,
            tenant_id CHAR(32) NOT NULL,
            customer_id CHAR(32) NOT NULL,
            name TEXT NOT NULL DEFAULT '',
            email TEXT NOT NULL DEFAULT '',
            phone TEXT NOT NULL DEFAULT '',
            company TEXT NOT NULL DEFAULT '',
            notes TEXT NOT NULL DEFAULT '',
            pending INTEGER NOT NULL DEFAULT 0,
            CONSTRAINT fk_customer_search_customer FOREIGN KEY (tenant_id, customer_id)
                REFERENCES customers (tenant_id, id) ON DELETE CASCADE
        )""",
        "CREATE UNIQUE INDEX uq_customer_search_customer "
        "ON customer_search (tenant_id, customer_id)",
        "CREATE INDEX ix_customer_search_email ON customer_search (tenant_id, email)",
        "CREATE INDEX ix_customer_search_phone ON customer_search (tenant_id, phone)",
        "CREATE VIRTUAL TABLE customer_search_fts USING fts5(name, company, notes, "
        "content='customer_search', content_rowid='rid', tokenize='ascii', "
        "prefix='1 2 3', detail='column')",
        "CREATE VIRTUAL TABLE customer_search_tri USING fts5(email, phone, "
        "content='customer_search', content_rowid='rid', tokenize='trigram')",
        """CREATE TABLE search_terms (
            tenant_id CHAR(32) NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
            term TEXT NOT NULL,
            PRIMARY KEY (tenant_id, term)
        ) WITHOUT ROWID""",
        """CREATE TABLE search_term_keys (
            tenant_id CHAR(32) NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
            key TEXT NOT NULL,
            term TEXT NOT NULL,
            PRIMARY KEY (tenant_id, key, term)
        ) WITHOUT ROWID""",
        "CREATE TABLE search_positions (i INTEGER PRIMARY KEY)",
        f"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {POSITIONS}) "
        "INSERT INTO search_positions (i) SELECT i FROM n",
        f"CREATE TRIGGER search_terms_keys AFTER INSERT ON search_terms "
        f"WHEN length(NEW.term) <= {MAX_TERM} BEGIN {keys} END",
        "CREATE TRIGGER customer_search_index AFTER UPDATE OF pending ON customer_search "
        f"WHEN OLD.pending = 1 AND NEW.pending = 0 BEGIN {fts_add} {words} END",
        "CREATE TRIGGER customer_search_unindex AFTER UPDATE OF pending ON customer_search "
        f"WHEN OLD.pending = 0 AND NEW.pending = 1 BEGIN {fts_del} END",
        "CREATE TRIGGER customer_search_ad AFTER DELETE ON customer_search "
        f"WHEN OLD.pending = 0 BEGIN {fts_del} END",
        sqlite_insert_trigger(),
        f"CREATE TRIGGER customers_search_au AFTER UPDATE ON customers "
        f"WHEN {_changed('sqlite')} BEGIN "
        f"UPDATE customer_search SET (name, email, phone, company, notes, pending) = "
        f"({sqlite_raw_values('NEW')}, 1) WHERE {this}; {normalize} {done} END",
        # Customers that existed before this migration.
        f"INSERT INTO customer_search ({cols}) "
        f"SELECT x.tenant_id, x.id, {sqlite_raw_values('x')}, 1 FROM customers x",
        *[step.rstrip(";") for step in sqlite_normalize_steps("pending = 1")],
        "UPDATE customer_search SET pending = 0 WHERE pending = 1",
    ]


def sqlite_downgrade() -> list[str]:
    return [
        "DROP TRIGGER IF EXISTS customers_search_au",
        "DROP TRIGGER IF EXISTS customers_search_ai",
        "DROP TRIGGER IF EXISTS customer_search_index",
        "DROP TRIGGER IF EXISTS customer_search_unindex",
        "DROP TRIGGER IF EXISTS customer_search_ad",
        "DROP TRIGGER IF EXISTS search_terms_keys",
        "DROP TABLE IF EXISTS customer_search_tri",
        "DROP TABLE IF EXISTS customer_search_fts",
        "DROP TABLE IF EXISTS customer_search",
        "DROP TABLE IF EXISTS search_term_keys",
        "DROP TABLE IF EXISTS search_terms",
        "DROP TABLE IF EXISTS search_positions",
    ]


# ---- PostgreSQL ------------------------------------------------------------------------------


def _pg_words(expr: str, tag: str) -> str:
    return (
        f"SELECT '{tag}|' || w FROM unnest(string_to_array({expr}, ' ')) w "
        "WHERE w <> '' AND length(w) <= 200"
    )


def _pg_doc(n: str, c: str, o: str) -> str:
    return (
        "array_to_tsvector(ARRAY(" + _pg_words(n, "n") + " UNION " + _pg_words(c, "c")
        + " UNION " + _pg_words(o, "o") + "))"
    )  # fmt: skip


def pg_backfill() -> str:
    """Index every customer (a WHERE on ``x`` may follow): the trigger's work, set-based."""
    return f"""
        INSERT INTO customer_search (tenant_id, customer_id, name, email, phone, company, doc)
        SELECT x.tenant_id, x.id, v.n, coalesce(x.email_normalized, ''),
               replace(coalesce(x.phone_e164, ''), '+', ''), v.c, {_pg_doc("v.n", "v.c", "v.o")}
        FROM customers x CROSS JOIN LATERAL (
            SELECT rolodex_search_norm({_name_expr("x")}) AS n,
                   rolodex_search_norm(x.company) AS c,
                   rolodex_search_norm({_notes_expr("x")}) AS o) v"""


PG_TENANT_TABLES = ("customer_search", "search_terms", "search_term_keys")


def pg_upgrade() -> list[str]:
    sync = f"""
    CREATE OR REPLACE FUNCTION rolodex_customer_search_sync() RETURNS trigger
    LANGUAGE plpgsql AS $fn$
    DECLARE n text; c text; o text;
    BEGIN
        n := rolodex_search_norm({_name_expr("NEW")});
        c := rolodex_search_norm(NEW.company);
        o := rolodex_search_norm({_notes_expr("NEW")});
        INSERT INTO customer_search AS s (tenant_id, customer_id, name, email, phone, company, doc)
        VALUES (NEW.tenant_id, NEW.id, n, coalesce(NEW.email_normalized, ''),
                replace(coalesce(NEW.phone_e164, ''), '+', ''), c, {_pg_doc("n", "c", "o")})
        ON CONFLICT (tenant_id, customer_id) DO UPDATE SET
            name = EXCLUDED.name, email = EXCLUDED.email, phone = EXCLUDED.phone,
            company = EXCLUDED.company, doc = EXCLUDED.doc;
        INSERT INTO search_terms (tenant_id, term)
        SELECT NEW.tenant_id, w FROM unnest(string_to_array(n, ' ')) w WHERE w <> ''
        ON CONFLICT DO NOTHING;
        RETURN NULL;
    END $fn$"""
    keys = f"""
    CREATE OR REPLACE FUNCTION rolodex_search_term_keys() RETURNS trigger
    LANGUAGE plpgsql AS $fn$
    DECLARE t text := NEW.term; n int := length(NEW.term);
    BEGIN
        IF n > {MAX_TERM} OR n < 3 THEN RETURN NULL; END IF;
        INSERT INTO search_term_keys (tenant_id, key, term)
        SELECT NEW.tenant_id, k, t FROM (
            SELECT t AS k
            UNION SELECT substr(t, 1, a - 1) || substr(t, a + 1)
                FROM generate_series(1, n) a WHERE n >= 4
            UNION SELECT substr(t, 1, a - 1) || substr(t, a + 1, b - a - 1) || substr(t, b + 1)
                FROM generate_series(1, n) a, generate_series(1, n) b WHERE a < b AND n >= 5
        ) keys ON CONFLICT DO NOTHING;
        RETURN NULL;
    END $fn$"""
    return [
        "CREATE EXTENSION IF NOT EXISTS pg_trgm",
        _LEAKPROOF.format(flag="LEAKPROOF"),
        pg_normalize_function(),
        """CREATE TABLE customer_search (
            tenant_id uuid NOT NULL,
            customer_id uuid NOT NULL,
            name text NOT NULL DEFAULT '',
            email text COLLATE "C" NOT NULL DEFAULT '',
            phone text COLLATE "C" NOT NULL DEFAULT '',
            company text NOT NULL DEFAULT '',
            doc tsvector NOT NULL DEFAULT ''::tsvector,
            CONSTRAINT pk_customer_search PRIMARY KEY (tenant_id, customer_id),
            CONSTRAINT fk_customer_search_customer FOREIGN KEY (tenant_id, customer_id)
                REFERENCES customers (tenant_id, id) ON DELETE CASCADE
        )""",
        # Not led by tenant_id (btree_gin): a GIN key with every row of a big tenant costs more
        # than the match itself (10 ms instead of 0.1 ms at 20,000 rows); the tenant is a
        # recheck on the few matching rows.
        # fastupdate off: a pending list (unsorted entries waiting for vacuum) is read in full
        # by every search, 7 ms instead of 0.1 ms after a 20,000-row import. (Migration 0106
        # turns it on with a 256 kB list that bulk writers merge after each batch.)
        "CREATE INDEX ix_customer_search_doc ON customer_search USING gin (doc) "
        "WITH (fastupdate = off)",
        "CREATE INDEX ix_customer_search_email_trgm ON customer_search "
        "USING gin (email gin_trgm_ops) WITH (fastupdate = off)",
        "CREATE INDEX ix_customer_search_phone_trgm ON customer_search "
        "USING gin (phone gin_trgm_ops) WITH (fastupdate = off)",
        "CREATE INDEX ix_customer_search_email ON customer_search (tenant_id, email)",
        "CREATE INDEX ix_customer_search_phone ON customer_search (tenant_id, phone)",
        """CREATE TABLE search_terms (
            tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
            term text COLLATE "C" NOT NULL,
            CONSTRAINT pk_search_terms PRIMARY KEY (tenant_id, term)
        )""",
        """CREATE TABLE search_term_keys (
            tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
            key text COLLATE "C" NOT NULL,
            term text COLLATE "C" NOT NULL,
            CONSTRAINT pk_search_term_keys PRIMARY KEY (tenant_id, key, term)
        )""",
        keys,
        "CREATE TRIGGER search_terms_keys AFTER INSERT ON search_terms "
        "FOR EACH ROW EXECUTE FUNCTION rolodex_search_term_keys()",
        sync,
        "CREATE TRIGGER customers_search_ai AFTER INSERT ON customers "
        "FOR EACH ROW EXECUTE FUNCTION rolodex_customer_search_sync()",
        f"CREATE TRIGGER customers_search_au AFTER UPDATE ON customers FOR EACH ROW "
        f"WHEN ({_changed('postgresql')}) EXECUTE FUNCTION rolodex_customer_search_sync()",
        pg_backfill(),
        "INSERT INTO search_terms (tenant_id, term) SELECT DISTINCT s.tenant_id, w "
        "FROM customer_search s, unnest(string_to_array(s.name, ' ')) w WHERE w <> '' "
        "ON CONFLICT DO NOTHING",
    ]


# Row-level security keeps a condition whose function is not LEAKPROOF from using an index
# (it must run after the policy's filter), so `doc @@ tsquery` and `email LIKE '%x%'` would
# scan the table. Both functions reveal nothing of a row beyond their result (an error can
# only come from the pattern, which is the caller's), so the migration marks them LEAKPROOF;
# that takes a superuser, and without one search stays correct but scans.
_LEAKPROOF = """DO $$ BEGIN
    IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        ALTER FUNCTION pg_catalog.ts_match_vq(tsvector, tsquery) {flag};
        ALTER FUNCTION pg_catalog.textlike(text, text) {flag};
    ELSE
        RAISE NOTICE 'not a superuser: text search under RLS will not use its indexes';
    END IF;
END $$"""


def pg_downgrade() -> list[str]:
    return [
        _LEAKPROOF.format(flag="NOT LEAKPROOF"),
        "DROP TRIGGER IF EXISTS customers_search_au ON customers",
        "DROP TRIGGER IF EXISTS customers_search_ai ON customers",
        "DROP TABLE IF EXISTS customer_search",
        "DROP TABLE IF EXISTS search_term_keys",
        "DROP TABLE IF EXISTS search_terms",
        "DROP FUNCTION IF EXISTS rolodex_customer_search_sync()",
        "DROP FUNCTION IF EXISTS rolodex_search_term_keys()",
        "DROP FUNCTION IF EXISTS rolodex_search_norm(text)",
    ]


# ---- order figures on customers (order_count, first/last_order_at), kept by orders triggers

_STATS = (
    "order_count = (SELECT count(*) FROM orders o WHERE o.tenant_id = {r}.tenant_id "
    "AND o.customer_id = {r}.customer_id AND o.status = 'paid'), "
    "first_order_at = (SELECT min(o.placed_at) FROM orders o WHERE o.tenant_id = {r}.tenant_id "
    "AND o.customer_id = {r}.customer_id AND o.status = 'paid'), "
    "last_order_at = (SELECT max(o.placed_at) FROM orders o WHERE o.tenant_id = {r}.tenant_id "
    "AND o.customer_id = {r}.customer_id AND o.status = 'paid')"
)


def _refresh(r: str) -> str:
    return (
        f"UPDATE customers SET {_STATS.format(r=r)} "
        f"WHERE tenant_id = {r}.tenant_id AND id = {r}.customer_id;"
    )


def order_stats_upgrade(dialect: str) -> list[str]:
    backfill = "UPDATE customers SET " + _STATS.format(r="customers").replace(
        "customers.customer_id", "customers.id"
    )
    if dialect == "sqlite":
        return [
            f"CREATE TRIGGER orders_stats_ai AFTER INSERT ON orders BEGIN {_refresh('NEW')} END",
            "CREATE TRIGGER orders_stats_au AFTER UPDATE OF status, placed_at, customer_id "
            f"ON orders BEGIN {_refresh('NEW')} {_refresh('OLD')} END",
            f"CREATE TRIGGER orders_stats_ad AFTER DELETE ON orders BEGIN {_refresh('OLD')} END",
            backfill,
        ]
    return [
        f"""CREATE OR REPLACE FUNCTION rolodex_order_stats() RETURNS trigger
        LANGUAGE plpgsql AS $fn$
        BEGIN
            IF TG_OP IN ('INSERT', 'UPDATE') THEN {_refresh("NEW")} END IF;
            IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.customer_id <> NEW.customer_id)
            THEN {_refresh("OLD")} END IF;
            RETURN NULL;
        END $fn$""",
        "CREATE TRIGGER orders_stats AFTER INSERT OR DELETE OR UPDATE OF status, placed_at, "
        "customer_id ON orders FOR EACH ROW EXECUTE FUNCTION rolodex_order_stats()",
        backfill,
    ]


def order_stats_downgrade(dialect: str) -> list[str]:
    if dialect == "sqlite":
        return [f"DROP TRIGGER IF EXISTS orders_stats_{x}" for x in ("ai", "au", "ad")]
    return [
        "DROP TRIGGER IF EXISTS orders_stats ON orders",
        "DROP FUNCTION IF EXISTS rolodex_order_stats()",
    ]


# ---- "never" for nullable sort keys ----------------------------------------------------------

NEVER_SQLITE = "'1970-01-01 00:00:00.000000'"  # SQLAlchemy's SQLite storage format
NEVER_PG = "'1970-01-01 00:00:00+00'::timestamptz"
NULLABLE_SORTS = ("last_active_at", "last_order_at")


class Never(ColumnElement[datetime]):
    """The time that sorts before every real one: stands for "never" in sort keys, so that
    keyset pagination never compares with NULL (and an expression index serves the sort)."""

    inherit_cache = True
    _traverse_internals: list[Any] = []  # no state: cacheable (statements with it were not)
    type = UTCDateTime()


@compiles(Never)
def _never_sqlite(element: Never, compiler: Any, **kw: Any) -> str:
    return NEVER_SQLITE


@compiles(Never, "postgresql")
def _never_pg(element: Never, compiler: Any, **kw: Any) -> str:
    return NEVER_PG


def or_never(col: Any) -> Any:
    """``coalesce(col, never)``; on PostgreSQL its stored column ``<col>_sort`` (migration
    0113), which a cursor or a range can bound an index scan with under row-level security."""
    return Stored(func.coalesce(col, Never()), col, f"{col.name}_sort")


def sort_indexes(dialect: str) -> list[str]:
    never = NEVER_PG if dialect == "postgresql" else NEVER_SQLITE
    return [
        f"CREATE INDEX ix_customers_tenant_{c}_sort ON customers "
        f"(tenant_id, (coalesce({c}, {never})), id)"
        for c in NULLABLE_SORTS
    ]


def drop_sort_indexes() -> list[str]:
    return [f"DROP INDEX IF EXISTS ix_customers_tenant_{c}_sort" for c in NULLABLE_SORTS]
