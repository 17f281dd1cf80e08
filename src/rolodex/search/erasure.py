"""Erasure support for the search index. The index rows follow the customer row by triggers;
the tenant's typo dictionary (search_terms, search_term_keys) is shared, so an erased name's
words leave it only when no other customer of the tenant still has them."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import String, Uuid, column, delete, literal, select, table
from sqlalchemy.orm import Session

from rolodex.search.text import tokens

_search = table(
    "customer_search",
    column("tenant_id", Uuid),
    column("customer_id", Uuid),
    column("name", String),
)
_terms = table("search_terms", column("tenant_id", Uuid), column("term", String))
_keys = table(
    "search_term_keys", column("tenant_id", Uuid), column("key", String), column("term", String)
)


def name_words(full_name: str | None, first: str | None, last: str | None) -> set[str]:
    """The dictionary words a customer's name put there (as the index triggers compute them)."""
    name = full_name or " ".join(p for p in (first, last) if p)
    return set(tokens(name))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def forget_words(session: Session, tenant_id: uuid.UUID, words: Iterable[str]) -> int:
    """Drop the words no customer of the tenant still has; call after the index rows changed.
    The number of words dropped."""
    padded = literal(" ") + _search.c.name + literal(" ")
    dropped = 0
    for word in sorted(set(words)):
        still_used = session.scalar(
            select(literal(1))
            .select_from(_search)
            .where(
                _search.c.tenant_id == tenant_id,
                padded.like(f"% {_escape_like(word)} %", escape="\\"),
            )
            .limit(1)
        )
        if still_used:
            continue
        session.execute(delete(_keys).where(_keys.c.tenant_id == tenant_id, _keys.c.term == word))
        result = session.execute(
            delete(_terms).where(_terms.c.tenant_id == tenant_id, _terms.c.term == word)
        )
        dropped += int(result.rowcount or 0)  # type: ignore[attr-defined]
    return dropped
