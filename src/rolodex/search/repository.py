"""Queries on the search index (see search/sql.py for the index itself).

A text query becomes up to five clauses, each answered by an index on each engine:

- name: every query word matches a name word exactly, as a prefix, or within the typos
  allowed (words found through ``search_term_keys``); FTS5 on SQLite, tsvector on PostgreSQL.
- company, notes: every word is a prefix of a word there; same indexes.
- email: the address starts with the query (B-tree range) or contains it (trigrams).
- phone: the digits equal the query's E.164 form (B-tree) or contain its digits (trigrams).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    String,
    Uuid,
    and_,
    cast,
    column,
    false,
    literal,
    literal_column,
    or_,
    select,
    table,
    union_all,
)
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.orm import Session

from rolodex.kit.time import as_utc
from rolodex.models import Customer
from rolodex.search import text

CAP = 500  # candidates per clause considered for relevance ranking
# Candidates of an email prefix that more than this many addresses start with: the first in
# email order (an index walk that stops early); any of them ranks above a substring match.
EMAIL_CAP = 100
MAX_EXPANSIONS = 30  # typo variants per query word

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


@dataclass(frozen=True, slots=True)
class Words:
    """Query words and the indexed words within typo reach of each."""

    words: tuple[str, ...]
    typos: dict[str, tuple[str, ...]]


def expand(session: Session, tenant_id: uuid.UUID, words: Iterable[str]) -> Words:
    """Look the typo variants of each word up in the tenant's vocabulary (one query)."""
    words = tuple(words)
    wanted = {w: text.query_keys(w) for w in words}
    keys = sorted(set().union(*wanted.values())) if wanted else []
    found: dict[str, set[str]] = {}
    if keys:
        rows = session.execute(
            select(term_keys.c.key, term_keys.c.term).where(
                term_keys.c.tenant_id == tenant_id, term_keys.c.key.in_(keys)
            )
        ).all()
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


def _doc_match(dialect: str, expr: str) -> Select[Any]:
    """customer_search rows whose words match ``expr`` (FTS5 query or tsquery)."""
    if dialect == "sqlite":
        fts = table(FTS, column("rowid", Integer))
        return (
            select(*COLUMNS)
            .select_from(cs.join(fts, fts.c.rowid == cs.c.rid))
            .where(literal_column(FTS).op("MATCH")(literal(expr)))
        )
    return select(*COLUMNS).where(cs.c.doc.op("@@")(cast(literal(expr), TSQUERY)))


def _substring(dialect: str, field: str, needle: str) -> Select[Any]:
    if dialect == "sqlite":
        tri = table(TRI, column("rowid", Integer))
        return (
            select(*COLUMNS)
            .select_from(cs.join(tri, tri.c.rowid == cs.c.rid))
            .where(literal_column(TRI).op("MATCH")(literal(f"{field} : {_fts_word(needle)}")))
        )
    like = "%" + needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return select(*COLUMNS).where(cs.c[field].like(like, escape="\\"))


def _next_prefix(p: str) -> str | None:
    last = ord(p[-1])
    return p[:-1] + chr(last + 1) if last < 0x10FFFF else None


def clauses(
    dialect: str, tenant_id: uuid.UUID, q: text.Query, words: Words | None, tier: str = "all"
) -> dict[str, list[Select[Any]]]:
    """The index lookups of a text query, by clause; each selects customer ids."""
    out: dict[str, list[Select[Any]]] = {}
    if words and words.words:
        out["name"] = [_doc_match(dialect, name_match(dialect, words, tier))]
        out["company"] = [_doc_match(dialect, prefix_match(dialect, "company", words.words))]
        out["notes"] = [_doc_match(dialect, prefix_match(dialect, "notes", words.words))]
    if q.email:
        end = _next_prefix(q.email)
        rng = (
            cs.c.email >= q.email if end is None else and_(cs.c.email >= q.email, cs.c.email < end)
        )
        out["email"] = [select(*COLUMNS).where(rng)]
        if len(q.email) >= 3 and tier == "all":  # other tiers: the prefix alone
            out["email"].append(_substring(dialect, "email", q.email))
    if q.phone:
        out["phone"] = []
        if q.phone_e164:
            out["phone"].append(select(*COLUMNS).where(cs.c.phone == q.phone_e164))
        for digits in filter(None, (q.phone, q.phone_trunkless)):
            out["phone"].append(_substring(dialect, "phone", digits))
    return {
        via: [s.where(cs.c.tenant_id == tenant_id) for s in selects] for via, selects in out.items()
    }


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


def candidates(
    session: Session,
    tenant_id: uuid.UUID,
    q: text.Query,
    words: Words | None,
    where: ColumnElement[bool],
    *,
    tier: str = "all",
    only: set[str] | None = None,
    ordered: bool = False,
    by_email: bool = False,
    skip: set[str] | None = None,
    cap: int = CAP,
) -> dict[str, dict[uuid.UUID, Row]]:
    """Up to ``cap`` + 1 matching customers per clause (within the filter ``where``), by clause.
    ``ordered`` takes the newest first, so that a clause with more than CAP matches gives the
    same rows on every engine (it costs a sort, so it is only asked for such a clause).
    ``by_email`` takes them in email order instead: the index order of an email prefix range
    (byte order on both engines), so the lookup stops after ``cap`` + 1 rows however many
    match. (A live email is unique per tenant, so the order is the same on both engines.)"""
    dialect = session.get_bind().dialect.name
    parts = []
    for via, selects in clauses(dialect, tenant_id, q, words, tier).items():
        if (only is not None and via not in only) or (skip is not None and via in skip):
            continue
        for sel in selects:
            sub = sel.subquery()
            stmt = (
                select(*sub.c, Customer.created_at, literal(via).label("via"))
                .select_from(
                    sub.join(
                        Customer,
                        and_(Customer.tenant_id == tenant_id, Customer.id == sub.c.customer_id),
                    )
                )
                .where(where)
                .limit(cap + 1)
            )
            if by_email:  # email alone: the index order, so the walk stops at the limit
                stmt = stmt.order_by(sub.c.email)
            elif ordered:
                stmt = stmt.order_by(Customer.created_at.desc(), Customer.id.desc())
            parts.append(stmt.subquery().select())
    out: dict[str, dict[uuid.UUID, Row]] = {}
    if not parts:
        return out
    for r in session.execute(union_all(*parts)).all():
        rows = out.setdefault(r.via, {})
        if r.customer_id not in rows:
            cand = text.Candidate(r.name or "", r.email or "", r.phone or "", r.company or "")
            rows[r.customer_id] = Row(r.customer_id, _aware(r.created_at), cand)
    if ordered:  # keep the CAP newest of each clause (a clause may have two lookups)
        for via, rows in out.items():
            keep = sorted(rows.values(), key=lambda x: (x.created_at, x.customer_id), reverse=True)
            out[via] = {x.customer_id: x for x in keep[: cap + 1]}
    return out


def _aware(value: Any) -> datetime:
    if isinstance(value, datetime):
        return as_utc(value)
    return as_utc(datetime.fromisoformat(str(value)))
