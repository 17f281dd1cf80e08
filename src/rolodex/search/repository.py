"""Queries on the search index (see search/sql.py for the index itself).

A text query becomes up to five clauses, each answered by an index on each engine:

- name: every query word matches a name word exactly, as a prefix, or within the typos
  allowed (words found through ``search_term_keys``); FTS5 on SQLite, tsvector on PostgreSQL.
- company, notes: every word is a prefix of a word there; same indexes.
- email: the address starts with the query (B-tree range) or contains it (trigrams).
- phone: the digits equal the query's E.164 form (B-tree) or contain its digits (trigrams).
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from typing import cast as cast_type

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    String,
    Uuid,
    and_,
    bindparam,
    cast,
    column,
    false,
    literal_column,
    or_,
    select,
    table,
    union_all,
)
from sqlalchemy import text as text_sql
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import BindParameter
from sqlalchemy.sql.selectable import Join
from sqlalchemy.sql.visitors import replacement_traverse

from rolodex.models import Customer
from rolodex.search import text

CAP = 100  # candidates per clause considered for relevance ranking (the newest indexed)
EMAIL_PREFIX = ("range", "from")  # lookup kinds of an email prefix
# Candidates of an email prefix that more than this many addresses start with: the first in
# email order (an index walk that stops early); any of them ranks above a substring match.
EMAIL_CAP = 100
MAX_EXPANSIONS = 12  # typo variants per query word (the closest; 30 ranked no better at 1M)

cs = table(
    "customer_search",
    column("rid", Integer),
    column("tenant_id", Uuid),
    column("customer_id", Uuid),
    column("name", String),
    column("email", String),
    column("phone", String),
    column("company", String),
    column("doc", String),
)
term_keys = table(
    "search_term_keys", column("tenant_id", Uuid), column("key", String), column("term", String)
)
FTS = "customer_search_fts"
TRI = "customer_search_tri"


_FLUSH = text_sql("SELECT rolodex_search_flush()")


def flush_pending(session: Session) -> None:
    """PostgreSQL: merge the search index's pending entries into its GIN indexes, in bulk
    (migration 0106). A bulk writer calls it after each batch, so that searches are not left
    reading a long pending list. SQLite: nothing to do."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_FLUSH)


@dataclass(frozen=True, slots=True)
class Words:
    """Query words and the indexed words within typo reach of each."""

    words: tuple[str, ...]
    typos: dict[str, tuple[str, ...]]


_TERMS = select(term_keys.c.key, term_keys.c.term).where(
    term_keys.c.tenant_id == bindparam("tid", type_=Uuid),
    term_keys.c.key.in_(bindparam("keys", expanding=True)),
)


def expand(session: Session, tenant_id: uuid.UUID, words: Iterable[str]) -> Words:
    """Look the typo variants of each word up in the tenant's vocabulary (one query)."""
    words = tuple(words)
    wanted = {w: text.query_keys(w) for w in words}
    keys = sorted(set().union(*wanted.values())) if wanted else []
    found: dict[str, set[str]] = {}
    if keys:
        rows = session.connection().execute(_TERMS, {"tid": tenant_id, "keys": keys})
        for key, term in rows:
            found.setdefault(key, set()).add(term)
    typos: dict[str, tuple[str, ...]] = {}
    for w, wkeys in wanted.items():
        terms = {t for k in wkeys for t in found.get(k, ()) if t != w and text.within_edits(w, t)}
        ranked = sorted(terms, key=lambda t: (text.typo_cost(w, t), t))
        typos[w] = tuple(ranked[:MAX_EXPANSIONS])
    return Words(words, typos)


# ---- match expressions (the engine-specific part) --------------------------------------------


def _fts_word(w: str) -> str:
    return '"' + w.replace('"', '""') + '"'


def _tsq_word(tag: str, w: str) -> str:
    return "'" + tag + "|" + w.replace("\\", "\\\\").replace("'", "''") + "'"


def name_match(dialect: str, words: Words, tier: str) -> str:
    """tier: ``all`` (prefix and typos), ``prefix`` or ``exact``."""
    groups = []
    for w in words.words:
        if dialect == "sqlite":
            alts = [_fts_word(w) + ("" if tier == "exact" else "*")]
            if tier == "all":
                alts += [_fts_word(t) for t in words.typos.get(w, ())]
            groups.append("(" + " OR ".join(alts) + ")")
        else:
            alts = [_tsq_word("n", w) + ("" if tier == "exact" else ":*")]
            if tier == "all":
                alts += [_tsq_word("n", t) for t in words.typos.get(w, ())]
            groups.append("(" + " | ".join(alts) + ")")
    if dialect == "sqlite":
        return "name : (" + " AND ".join(groups) + ")"
    return " & ".join(groups)


def prefix_match(dialect: str, field: str, words: tuple[str, ...]) -> str:
    if dialect == "sqlite":
        return f"{field} : (" + " AND ".join(_fts_word(w) + "*" for w in words) + ")"
    tag = "c" if field == "company" else "o"
    return " & ".join(_tsq_word(tag, w) + ":*" for w in words)


# What a lookup returns of each matching row: what the score needs.
COLUMNS = (cs.c.customer_id, cs.c.name, cs.c.email, cs.c.phone, cs.c.company)


# An index lookup is a kind and its values. Statements are built once per shape with bound
# parameters (``v<i>_<j>`` for the values of lookup i, ``tid`` for the tenant) and cached: a
# search then only binds values (building a union of SQLAlchemy selects cost more than running
# it). Kinds: doc (FTS5 query or tsquery), range / from (an email prefix as a B-tree range),
# sub_email / sub_phone (trigram or LIKE substring), eq_phone (E.164 equality).
Lookup = tuple[str, str, tuple[str, ...]]  # (clause, kind, values)


_TID = bindparam("tid", type_=Uuid)


class IndexFirst(Join):
    """A join whose left side SQLite reads first (CROSS JOIN: the planner keeps the order).
    Without statistics it walked every indexed customer of the tenant and asked FTS5 whether
    that one row matched (q=smith sorted by -ltv: 27 s at 100,000 customers; 10 ms with the
    full-text index read first and each match looked up by its row number)."""

    inherit_cache = True


@compiles(IndexFirst, "sqlite")
def _index_first(join: IndexFirst, compiler: Any, **kw: Any) -> str:
    return compiler.visit_join(join, **kw).replace(" JOIN ", " CROSS JOIN ", 1)


def _p(i: int, j: int = 0) -> Any:
    return bindparam(f"v{i}_{j}", type_=String)


def _select(dialect: str, kind: str, i: int) -> Select[Any]:
    """customer_search rows found by lookup ``i`` of ``kind``, in the tenant ``:tid``, with
    their row number as ``k`` (the order a lookup is walked in: on SQLite the FTS5 table's own
    rowid, so that FTS5 hands rows over in that order and stops at the limit)."""
    value = _p(i)
    if dialect == "sqlite" and kind in ("doc", "sub_email", "sub_phone"):
        fts = table(FTS if kind == "doc" else TRI, column("rowid", Integer))
        return (
            select(*COLUMNS, fts.c.rowid.label("k"))
            .select_from(IndexFirst(fts, cs, cs.c.rid == fts.c.rowid))
            .where(literal_column(fts.name).op("MATCH")(value), cs.c.tenant_id == _TID)
        )
    match: ColumnElement[bool]
    if kind == "doc":
        match = cs.c.doc.op("@@")(cast(value, TSQUERY))
    elif kind in ("sub_email", "sub_phone"):
        match = cs.c[kind[4:]].like(value, escape="\\")
    elif kind == "range":
        match = and_(cs.c.email >= value, cs.c.email < _p(i, 1))
    elif kind == "from":
        match = cs.c.email >= value
    elif kind == "eq_phone":
        match = cs.c.phone == value
    else:  # pragma: no cover - a programming error
        raise ValueError(kind)
    return select(*COLUMNS, cs.c.rid.label("k")).where(match, cs.c.tenant_id == _TID)


def _substring_value(dialect: str, field: str, needle: str) -> str:
    if dialect == "sqlite":
        return f"{field} : {_fts_word(needle)}"
    return "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _next_prefix(p: str) -> str | None:
    last = ord(p[-1])
    return p[:-1] + chr(last + 1) if last < 0x10FFFF else None


def lookups(dialect: str, q: text.Query, words: Words | None, tier: str = "all") -> list[Lookup]:
    """The index lookups of a text query, by clause, in a fixed order."""
    out: list[Lookup] = []
    if words and words.words:
        out.append(("name", "doc", (name_match(dialect, words, tier),)))
        out.append(("company", "doc", (prefix_match(dialect, "company", words.words),)))
        out.append(("notes", "doc", (prefix_match(dialect, "notes", words.words),)))
    if q.email:
        end = _next_prefix(q.email)
        out.append(
            ("email", "from", (q.email,)) if end is None else ("email", "range", (q.email, end))
        )
        if len(q.email) >= 3 and tier == "all":  # other tiers: the prefix alone
            out.append(("email", "sub_email", (_substring_value(dialect, "email", q.email),)))
    if q.phone:
        if q.phone_e164:
            out.append(("phone", "eq_phone", (q.phone_e164,)))
        for digits in filter(None, (q.phone, q.phone_trunkless)):
            out.append(("phone", "sub_phone", (_substring_value(dialect, "phone", digits),)))
    return out


def _values(tenant_id: uuid.UUID, found: list[Lookup]) -> dict[str, Any]:
    params: dict[str, Any] = {"tid": tenant_id}
    for i, (_, _, values) in enumerate(found):
        params.update({f"v{i}_{j}": v for j, v in enumerate(values)})
    return params


def clauses(
    dialect: str, tenant_id: uuid.UUID, q: text.Query, words: Words | None, tier: str = "all"
) -> dict[str, list[Select[Any]]]:
    """The index lookups of a text query, by clause, with their values bound; each value as a
    unique parameter, so that two text queries in one statement (a saved view's and the
    search box's) or one inside ``candidates``' filter keep their own."""
    found = lookups(dialect, q, words, tier)
    params = _values(tenant_id, found)
    no_options: dict[str, Any] = {}

    def bound(element: Any, **kw: Any) -> Any:
        if isinstance(element, BindParameter) and element.key in params:
            return bindparam(element.key, params[element.key], element.type, unique=True)
        return None

    out: dict[str, list[Select[Any]]] = {}
    for i, (via, kind, _) in enumerate(found):
        lookup = replacement_traverse(_select(dialect, kind, i), no_options, bound)
        out.setdefault(via, []).append(cast_type(Select[Any], lookup))
    return out


def predicate(
    dialect: str, tenant_id: uuid.UUID, q: text.Query, words: Words | None
) -> ColumnElement[bool]:
    """Customers matching a text query, as a condition on ``customers`` (no cap)."""
    subs = [s for selects in clauses(dialect, tenant_id, q, words).values() for s in selects]
    if not subs:
        return false()
    return or_(*(Customer.id.in_(s.with_only_columns(cs.c.customer_id)) for s in subs))


@dataclass(frozen=True, slots=True)
class Row:
    customer_id: uuid.UUID
    created_at: datetime
    candidate: text.Candidate
    rid: int  # the index row number: larger is more recently indexed


def candidates(
    session: Session,
    tenant_id: uuid.UUID,
    found: list[Lookup],
    where: ColumnElement[bool] | None = None,
    *,
    by_email: bool = False,
    cap: int = CAP,
) -> dict[str, dict[uuid.UUID, Row]]:
    """The ``cap`` + 1 most recently indexed matching customers per clause (within the filter
    ``where``; None: the tenant's customers that are not deleted), newest first. Both engines
    walk that order in an index and stop at the limit (FTS5 by rowid, PostgreSQL by its
    ``rid`` index or a top-N sort of few matches), so however many match, the same rows come
    back on both. ``by_email`` takes them in email order instead: the index order of an email
    prefix range (byte order on both engines; a live email is unique per tenant)."""
    dialect = session.get_bind().dialect.name
    out: dict[str, dict[uuid.UUID, Row]] = {}
    if not found:
        return out
    shape = tuple((via, kind) for via, kind, _ in found)
    if where is None:
        stmt = _union(dialect, shape, by_email, cap)
    else:
        stmt = _build_union(dialect, shape, where, by_email, cap)
    result = session.connection().execute(stmt, _values(tenant_id, found))
    # By position: customer_id, name, email, phone, company, k, created_at (already UTC), via.
    for cid, name, email, phone, company, k, created, via in result:
        rows = out.setdefault(via, {})
        if cid not in rows:
            cand = text.Candidate(name or "", email or "", phone or "", company or "")
            rows[cid] = Row(cid, created, cand, k)
    if not by_email:  # newest first (a clause of several lookups: its cap + 1 newest)
        for via, rows in out.items():
            keep = sorted(rows.values(), key=lambda x: x.rid, reverse=True)[: cap + 1]
            out[via] = {x.customer_id: x for x in keep}
    return out


@functools.lru_cache(maxsize=512)
def _union(dialect: str, shape: tuple[tuple[str, str], ...], by_email: bool, cap: int) -> Any:
    """The statement of a plain search (no filter) of this shape, built once."""
    return _build_union(dialect, shape, None, by_email, cap)


# A plain search takes each lookup's newest rows first and only then looks their customers
# up (to leave out deleted ones): this many times ``cap`` + 1, so that up to half of them may
# be deleted. Looking customers up after the limit lets PostgreSQL choose between walking its
# rid index and sorting the few matches a GIN index gives, instead of joining every match.
SLACK = 2


def _build_union(
    dialect: str,
    shape: tuple[tuple[str, str], ...],
    where: ColumnElement[bool] | None,
    by_email: bool,
    cap: int,
) -> Any:
    parts = []
    for i, (via, kind) in enumerate(shape):
        sel = _select(dialect, kind, i)
        if where is None:
            order = sel.selected_columns.email if by_email else sel.selected_columns.k.desc()
            sub = sel.order_by(order).limit(SLACK * (cap + 1)).subquery()
            cond: ColumnElement[bool] = Customer.deleted_at.is_(None)
        else:
            sub = sel.subquery()
            cond = where
        stmt = (
            select(*sub.c, Customer.created_at, literal_column(f"'{via}'").label("via"))
            .select_from(
                sub.join(
                    Customer,
                    and_(
                        Customer.tenant_id == bindparam("tid", type_=Uuid),
                        Customer.id == sub.c.customer_id,
                    ),
                )
            )
            .where(cond)
            .order_by(sub.c.email if by_email else sub.c.k.desc())
            .limit(cap + 1)
        )
        parts.append(stmt.subquery().select())
    return union_all(*parts)
