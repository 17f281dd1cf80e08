"""Pure text rules of search: the normalization the index triggers apply, query tokens,
phone digits, typo distances, deletion keys and the relevance score.

``normalize`` is defined char by char so that SQLite (nested ``replace``) and PostgreSQL
(``translate``) compute exactly the same string in their triggers (see ``search/sql.py``):
Latin letters lose their accents, ASCII letters are lowercased, apostrophes and dots vanish
("O'Brien" → "obrien") and every other ASCII punctuation or control character becomes a space.
Other characters (other scripts, emoji) are kept as they are, on every engine.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from rapidfuzz.distance import OSA

# Letters that fold to more than one letter, or that Unicode does not decompose.
_SPECIAL = {
    "ß": "ss", "ẞ": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ø": "o", "Ø": "o",
    "đ": "d", "Đ": "d", "ł": "l", "Ł": "l", "ħ": "h", "Ħ": "h", "ı": "i", "ŀ": "l", "Ŀ": "l",
    "þ": "th", "Þ": "th", "ð": "d", "Ð": "d", "ĸ": "k", "ŉ": "n", "ſ": "s", "ĳ": "ij",
    "Ĳ": "ij", "ŋ": "n", "Ŋ": "n",
}  # fmt: skip


def _fold_table() -> dict[str, str]:
    table = dict(_SPECIAL)
    for code in range(0xC0, 0x180):  # Latin-1 Supplement letters and Latin Extended-A
        ch = chr(code)
        if ch in table or not ch.isalpha():
            continue
        base = "".join(
            c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)
        ).lower()
        if base.isascii() and base.isalpha():
            table[ch] = base
    return table


FOLD: dict[str, str] = _fold_table()
# Removed outright, so that "O'Brien" and "St.John" stay one word.
REMOVE = "'`.\u2018\u2019\u02bc"
# Become a space: every other ASCII punctuation and control character (not NUL), a few
# Unicode spaces, dashes and quotes.
SPACE = (
    "".join(
        chr(c)
        for c in range(1, 128)
        if not chr(c).isalnum() and chr(c) not in REMOVE and chr(c) != " "
    )
    + "\u00a0\u2010\u2011\u2012\u2013\u2014\u2015\u201c\u201d"
)
_TABLE = str.maketrans(
    {
        **FOLD,
        **{chr(c): chr(c + 32) for c in range(ord("A"), ord("Z") + 1)},
        **dict.fromkeys(REMOVE, ""),
        **dict.fromkeys(SPACE, " "),
    }
)

MAX_TERM = 24  # longer words get no typo keys (only exact and prefix matches)
MIN_KEY = 3  # deletion keys shorter than this are never stored nor looked up
INDEXED_NOTES = 4000  # characters of notes that are searchable


def normalize(text: str | None) -> str:
    """The searchable form of a name, company or note (see the module docstring)."""
    return (text or "").translate(_TABLE)


def tokens(text: str | None) -> list[str]:
    return [t for t in normalize(text).split(" ") if t]


def max_edits(token: str) -> int:
    """Typos tolerated in a name word: none below 4 letters, one up to 5, two from 6."""
    n = len(token)
    if n < 4 or n > MAX_TERM:
        return 0
    return 1 if n <= 5 else 2


def deletions(word: str, depth: int) -> set[str]:
    """``word`` with up to ``depth`` characters deleted (keys of at least MIN_KEY chars)."""
    out = {word} if len(word) >= MIN_KEY else set()
    frontier = {word}
    for _ in range(depth):
        nxt = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        nxt = {w for w in nxt if len(w) >= MIN_KEY}
        out |= nxt
        frontier = nxt
    return out


def term_keys(term: str) -> set[str]:
    """The deletion keys the index stores for a vocabulary term (mirrors the SQL trigger)."""
    if len(term) > MAX_TERM:
        return set()
    return deletions(term, 2)


def query_keys(token: str) -> set[str]:
    return deletions(token, max_edits(token))


def typo_cost(a: str, b: str) -> float:
    """Edit cost with an adjacent transposition cheaper (0.6) than other edits (1.0):
    "jhon" is closer to "john" than to "jon"."""
    n, m = len(a), len(b)
    prev2: list[float] = []
    prev = [float(j) for j in range(m + 1)]
    for i in range(1, n + 1):
        cur = [float(i)] + [0.0] * m
        for j in range(1, m + 1):
            sub = 0.0 if a[i - 1] == b[j - 1] else 1.0
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + sub)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 0.6)
        prev2, prev = prev, cur
    return prev[m]


def within_edits(token: str, term: str) -> bool:
    k = max_edits(token)
    if k == 0 or len(term) > MAX_TERM:
        return False
    return OSA.distance(token, term, score_cutoff=k) <= k


# ---- phone and email -------------------------------------------------------------------------

_PHONEISH = re.compile(r"[\d\s()+.\-/]+")


def phone_digits(query: str) -> str | None:
    """The digits of a query that looks like (part of) a phone number, else None."""
    text = query.strip()
    if not _PHONEISH.fullmatch(text):
        return None
    digits = re.sub(r"\D", "", text)
    return digits if len(digits) >= 4 else None


def email_query(query: str) -> str | None:
    """A query that could be (the start of) an email address: one word, lowercased."""
    text = query.strip().lower()
    if not text or any(c.isspace() for c in text) or len(text) > 320:
        return None
    return text


# ---- scoring ---------------------------------------------------------------------------------

EXACT = 1000


@dataclass(frozen=True, slots=True)
class Candidate:
    """What the score needs of one matching customer (from the search index)."""

    name: str
    email: str
    phone: str
    company: str


@dataclass(frozen=True, slots=True)
class Query:
    raw: str
    words: tuple[str, ...]
    email: str | None
    phone: str | None  # digits
    phone_e164: str | None  # digits of the E.164 form, when the query parses as one
    phone_trunkless: str | None  # digits without a national trunk 0 ("020 …" → "20 …")


_ADDRESS_LIKE = re.compile(r"^[^\s@]*[a-z0-9][._+][a-z0-9._+]*@?[^\s]*$|@")


def email_shaped(raw: str) -> bool:
    """One word with an ``@``, or letters joined by ``.``, ``_`` or ``+`` (``anna.k``,
    ``j_smith``): the start of an email address, not a name to look up word by word."""
    text = raw.strip().lower()
    return bool(text) and email_query(text) is not None and bool(_ADDRESS_LIKE.search(text))


def parse_query(raw: str, e164: str | None = None) -> Query:
    digits = phone_digits(raw)
    trunkless = digits.lstrip("0") if digits and digits.startswith("0") else None
    return Query(
        raw=raw,
        words=() if email_shaped(raw) else tuple(tokens(raw)[:8]),
        email=email_query(raw),
        phone=digits,
        phone_e164=e164.lstrip("+") if e164 else None,
        phone_trunkless=trunkless if trunkless and len(trunkless) >= 4 else None,
    )


@functools.lru_cache(maxsize=1 << 16)  # pure; the same names come up search after search
def word_cost(token: str, term: str) -> float | None:
    """How far a query word is from one indexed word: 0 exact, 0.3–0.6 prefix, typo cost."""
    if term == token:
        return 0.0
    if term.startswith(token):
        return 0.3 + 0.03 * min(len(term) - len(token), 10)
    if within_edits(token, term):
        return typo_cost(token, term)
    return None


def words_cost(words: tuple[str, ...], text: str, *, fuzzy: bool = True) -> float | None:
    """Cost of matching every query word to some word of ``text`` (None when one fails);
    unmatched words of ``text`` and words out of order cost a little."""
    have = [t for t in text.split(" ") if t]
    if not words or not have:
        return None
    total, positions = 0.0, []
    for word in words:
        best: tuple[float, int] | None = None
        for pos, term in enumerate(have):
            cost = word_cost(word, term) if fuzzy else _prefix_cost(word, term)
            if cost is not None and (best is None or cost < best[0]):
                best = (cost, pos)
        if best is None:
            return None
        total += best[0]
        positions.append(best[1])
    total += 0.1 * max(0, len(have) - len(words))
    if positions != sorted(positions):
        total += 0.05
    return total


def _prefix_cost(token: str, term: str) -> float | None:
    if term == token:
        return 0.0
    if term.startswith(token):
        return 0.3 + 0.03 * min(len(term) - len(token), 10)
    return None


def _points(base: int, cost: float) -> int:
    return max(1, base - round(cost * 100))


def score(q: Query, c: Candidate, via: frozenset[str]) -> int:
    """Relevance of one candidate found by the clauses ``via``: an integer, so that cursors
    compare exactly; the same inputs give the same score on every engine."""
    best = 0
    if "name" in via:
        cost = words_cost(q.words, c.name)
        if cost is not None:
            best = max(best, _points(EXACT, cost))
    if q.email and c.email:
        if c.email == q.email:
            best = max(best, EXACT)
        elif c.email.startswith(q.email):
            best = max(best, 900 - min(len(c.email) - len(q.email), 50))
        elif len(q.email) >= 3 and q.email in c.email:
            best = max(best, 700)
    if q.phone and c.phone:
        if q.phone_e164 and c.phone == q.phone_e164:
            best = max(best, EXACT)
        elif c.phone.endswith(q.phone):
            best = max(best, 950)
        elif q.phone in c.phone or (q.phone_trunkless and q.phone_trunkless in c.phone):
            best = max(best, 800)
    if "company" in via:
        cost = words_cost(q.words, c.company, fuzzy=False)
        if cost is not None:
            best = max(best, _points(600, cost))
    if "notes" in via:
        best = max(best, 400)
    return best
