"""Pure search rules: normalization, typo keys and distances, scores (no database)."""

from __future__ import annotations

import string

from hypothesis import given
from hypothesis import strategies as st
from rapidfuzz.distance import OSA

from rolodex.search import text

words = st.text(alphabet=string.ascii_lowercase, min_size=1, max_size=12)


@given(st.text(max_size=60))
def test_normalize_is_idempotent_and_plain(s):
    n = text.normalize(s)
    assert text.normalize(n) == n
    assert not any("A" <= c <= "Z" for c in n)
    assert not any(c in n for c in text.REMOVE)
    assert not any(c in n for c in text.SPACE)


def test_normalize_examples():
    assert text.tokens("Zoë O'Brien-Smith") == ["zoe", "obrien", "smith"]
    assert text.tokens("JOSÉ  Müller, Jr.") == ["jose", "muller", "jr"]
    assert text.tokens("Łukasz Straße") == ["lukasz", "strasse"]
    assert text.tokens("Иван") == ["Иван"]  # other scripts are kept as they are


def _edits(draw, word):
    ops = draw(st.lists(st.sampled_from(["del", "ins", "sub", "swap"]), max_size=2))
    w = word
    for op in ops:
        i = draw(st.integers(0, max(len(w) - 1, 0)))
        c = draw(st.sampled_from(string.ascii_lowercase))
        if op == "del" and len(w) > 1:
            w = w[:i] + w[i + 1 :]
        elif op == "ins":
            w = w[:i] + c + w[i:]
        elif op == "sub" and w:
            w = w[:i] + c + w[i + 1 :]
        elif op == "swap" and len(w) > 1 and i < len(w) - 1:
            w = w[:i] + w[i + 1] + w[i] + w[i + 2 :]
    return w


@given(st.data(), words)
def test_deletion_keys_find_every_word_within_the_allowed_typos(data, term):
    """The symmetric-deletion index misses nothing: a word within max_edits of the query
    always shares a key with it (what makes the typo lookup exact, not heuristic)."""
    query = _edits(data.draw, term)
    k = text.max_edits(query)
    if k and len(term) <= text.MAX_TERM and OSA.distance(query, term) <= k:
        assert text.query_keys(query) & text.term_keys(term)
        assert text.within_edits(query, term)


def test_transposition_is_the_cheapest_typo():
    assert text.typo_cost("jhon", "john") < text.typo_cost("jhon", "jon")
    assert text.typo_cost("smiht", "smith") < text.typo_cost("smiht", "smit")
    assert text.max_edits("jhon") == 1
    assert text.max_edits("mcarthy") == 2
    assert not text.within_edits("jon", "john")  # three letters: exact or prefix only


@given(words, words)
def test_word_cost_prefers_exact_then_prefix(a, b):
    assert text.word_cost(a, a) == 0
    prefix = text.word_cost(a, a + b)
    assert prefix is not None
    assert 0 < prefix <= 0.6


def test_score_ranks_the_intended_name_first():
    q = text.parse_query("jhon smiht")
    name = frozenset({"name"})

    def s(full):
        return text.score(q, text.Candidate(text.normalize(full), "", "", ""), name)

    assert s("John Smith") > s("Jon Smith") > s("Joan Smith")
    assert s("John Smith") > s("John Smith Jr")


def test_phone_queries():
    assert text.phone_digits("(415) 555-0134") == "4155550134"
    assert text.phone_digits("+1 415.555.0134") == "14155550134"
    assert text.phone_digits("john") is None
    assert text.phone_digits("12") is None
    q = text.parse_query("020 7946 0958", "+442079460958")
    assert q.phone_trunkless == "2079460958"
    c = text.Candidate("", "", "442079460958", "")
    assert text.score(q, c, frozenset({"phone"})) == text.EXACT
