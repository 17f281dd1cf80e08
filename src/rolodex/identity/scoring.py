"""Pair scoring: how likely two customers are one person, 0–1, with the reasons.

The rule, in order:

1. Same email → 1.00, whatever else differs. Two emails that are one mailbox only by the
   provider rules (``jane.doe+shop@gmail.com`` and ``janedoe+kids@gmail.com``) count as
   the same email while the names agree or one is unknown; beside clearly different names
   (a family's shared Gmail) they are a shared mailbox, 0.80 as a base, for review.
2. Otherwise the base is the strongest single signal: same phone 0.90, or a similar name
   (similarity ≥ 0.85) 0.70–0.80 by how similar it is.
3. Agreeing evidence raises the score towards 1 without reaching it: each item closes part of
   the remaining gap (``gap *= 1 - strength``): a similar name beside a shared phone, the same
   postcode, street (number and name), city, date of birth.
4. Conflicts lower it by a fixed amount: different emails, different phones, a clearly
   different name beside a shared phone (a family line), a different birth date; and unless
   the phone is shared (then the person moved), a different postcode or a different street
   in the same country (a namesake elsewhere, or a neighbour).

Every step is monotonic: adding agreeing evidence never lowers the score; replacing a missing
email or phone by a conflicting one always lowers a positive score.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz.distance import Indel

from rolodex.identity.normalize import MatchRecord, same_given_name

SAME_EMAIL = 1.0
SAME_MAILBOX = 0.80  # one mailbox by the provider rules only, beside different names
SAME_PHONE = 0.90
NAME_FLOOR = 0.70  # base of a name just similar enough
NAME_CEIL = 0.80  # base of identical names
SIMILAR_NAME = 0.85  # name similarity from which a name counts as evidence
DIFFERENT_NAME = 0.75  # below this, two present names disagree (same surname, other given name)

# Agreeing evidence: share of the remaining gap to 1.0 that each item closes.
STRENGTH = {
    "similar_name": 0.5,
    "same_postcode": 0.3,
    "same_street": 0.62,  # with an identical name, postcode and city: 0.952, the same person
    "same_city": 0.1,
    "same_dob": 0.6,
}
# Conflicts: subtracted.
PENALTY = {
    "different_email": 0.15,
    "different_phone": 0.08,
    "different_name": 0.20,
    "different_dob": 0.25,
    "different_postcode": 0.12,
    "different_street": 0.20,
}
SAME_STREET_TYPO = 0.85  # street keys this similar are one street written twice

DEFAULT_AUTO_MERGE = 0.95
DEFAULT_REVIEW = 0.70


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    effect: float  # the score change it caused (the base for the first reason)
    detail: str = ""  # never a personal value (reasons are stored): similarities only

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "effect": round(self.effect, 4), "detail": self.detail}


@dataclass(frozen=True, slots=True)
class Score:
    value: float
    reasons: tuple[Reason, ...] = ()

    def reasons_json(self) -> list[dict[str, object]]:
        return [r.as_dict() for r in self.reasons]


COMPATIBLE_GIVEN = 0.75  # below this, two given names are two people (Giovanna, Anna)


def _indel(a: str, b: str) -> float:
    return float(Indel.normalized_similarity(a, b))


def _given_similarity(a: str, b: str) -> float:
    if a == b:
        return 1.0
    if len(a) == 1 or len(b) == 1:
        return 0.75 if a[0] == b[0] else 0.0
    if a.startswith(b) or b.startswith(a):
        return 0.9  # Alex / Alexander when the nickname list does not know it
    return _indel(a, b)


def name_similarity(a: tuple[str, ...], b: tuple[str, ...]) -> float | None:
    """0–1 similarity of two folded token lists; None when either name is unknown.

    Two-part names compare given name with given name and surname with surname (or crosswise
    when the parts were swapped); a given name too different to be a typo, an initial or a
    nickname keeps the pair below "similar" whatever the surname (Giovanna and Anna Moretti).
    Other shapes compare the sorted whole names.
    """
    if not a or not b:
        return None
    if a == b:
        return 1.0
    sa, sb = " ".join(sorted(a)), " ".join(sorted(b))
    if sa == sb:
        return 1.0  # first and last swapped
    if a[0] != b[0] and same_given_name(a[0], b[0]):
        # Bill and William: compare as if the same given name, a shade below identical
        similarity = name_similarity((b[0], *a[1:]), b)
        return None if similarity is None else 0.97 * similarity
    if len(a) >= 2 and len(b) >= 2:
        given = _given_similarity(a[0], b[0])
        best = 0.4 * given + 0.6 * _indel(a[-1], b[-1])
        if given < COMPATIBLE_GIVEN:
            best = min(best, SIMILAR_NAME - 0.01)
        crossed = 0.5 * _indel(a[0], b[-1]) + 0.5 * _indel(a[-1], b[0])
        best = max(best, crossed)
        if len(a) != len(b):  # middle names, compound surnames
            best = max(best, _indel(sa, sb))
    else:
        best = _indel(sa, sb)
    if best < SIMILAR_NAME and (set(a) <= set(b) or set(b) <= set(a)):
        best = SIMILAR_NAME  # "John" and "John Smith": compatible, not proof
    return min(best, 1.0)


def score(a: MatchRecord, b: MatchRecord, *, explain: bool = True) -> Score:
    """The pair score of two records; symmetric; with reasons unless ``explain`` is False."""
    reasons: list[Reason] = []
    similarity: float | None = None
    mailbox = False
    if a.email and a.email == b.email:
        if (a.email_given or a.email) != (b.email_given or b.email):
            similarity = name_similarity(a.tokens, b.tokens)
            mailbox = similarity is not None and similarity < SIMILAR_NAME
        if not mailbox:
            if explain:
                reasons.append(Reason("same_email", SAME_EMAIL))
            return Score(SAME_EMAIL, tuple(reasons))
    else:
        similarity = name_similarity(a.tokens, b.tokens)
    same_phone = bool(a.phone) and a.phone == b.phone
    name_similar = similarity is not None and similarity >= SIMILAR_NAME

    if mailbox:
        base = SAME_MAILBOX
        if explain:
            reasons.append(Reason("same_mailbox", base, f"name similarity {similarity:.2f}"))
    elif same_phone:
        base = SAME_PHONE
        if explain:
            reasons.append(Reason("same_phone", base))
    elif name_similar:
        assert similarity is not None
        span = (similarity - SIMILAR_NAME) / (1.0 - SIMILAR_NAME)
        base = NAME_FLOOR + (NAME_CEIL - NAME_FLOOR) * span
        if explain:
            reasons.append(Reason("similar_name", base, f"similarity {similarity:.2f}"))
    else:
        base = 0.0

    value = base
    if base > 0:
        gap = 1.0 - base

        def agree(code: str, detail: str = "") -> None:
            nonlocal gap
            before = 1.0 - gap
            gap *= 1.0 - STRENGTH[code]
            if explain:
                reasons.append(Reason(code, (1.0 - gap) - before, detail))

        if same_phone and name_similar:
            agree("similar_name", f"similarity {similarity:.2f}")
        if a.postcode and a.postcode == b.postcode and _same_country(a, b):
            agree("same_postcode")
            if a.street and a.street == b.street:
                agree("same_street")
        elif a.street and a.street == b.street and a.city and a.city == b.city:
            agree("same_street")
        if a.city and a.city == b.city and _same_country(a, b):
            agree("same_city")
        if a.dob and a.dob == b.dob:
            agree("same_dob")
        value = 1.0 - gap

    def conflict(code: str, detail: str = "") -> None:
        nonlocal value
        if value <= 0:
            return
        cut = min(PENALTY[code], value)
        value -= cut
        if explain:
            reasons.append(Reason(code, -cut, detail))

    if a.email and b.email and not mailbox:
        conflict("different_email")
    if a.phone and b.phone and not same_phone:
        conflict("different_phone")
    if same_phone and not mailbox and similarity is not None and similarity < DIFFERENT_NAME:
        conflict("different_name", f"similarity {similarity:.2f}")
    if a.dob and b.dob and a.dob != b.dob:
        conflict("different_dob")
    if (
        not same_phone
        and a.postcode
        and b.postcode
        and a.postcode != b.postcode
        and _same_country(a, b)
    ):
        conflict("different_postcode")
    if (
        not same_phone
        and a.street
        and b.street
        and a.street != b.street
        and _same_country(a, b)
        and _indel(a.street, b.street) < SAME_STREET_TYPO
    ):
        conflict("different_street")  # another house: a namesake (a shared phone says moved)
    return Score(round(max(0.0, min(value, 1.0)), 4), tuple(reasons))


def ceiling(a: MatchRecord, b: MatchRecord) -> float:
    """The most ``score(a, b)`` can be whatever the two names and streets are: what the
    emails, phones, postcodes, cities, countries and birth dates alone allow. A bulk matcher
    leaves out a namesake whose ceiling is below the review threshold before it builds the
    namesake's full view (``tokens``, ``street`` and ``name_key`` are not read here).

    It follows ``score`` step by step, taking each unknown at its most favourable: the names
    similar enough for the top name base (or, beside a shared phone, as agreeing evidence),
    the streets the same, and no different-name or different-street conflict."""
    if a.email and a.email == b.email:
        return SAME_EMAIL  # (a shared mailbox scores less: still a bound)
    same_phone = bool(a.phone) and a.phone == b.phone
    same_country = _same_country(a, b)
    same_city = bool(a.city) and a.city == b.city
    # the base, and beside a shared phone a similar name as agreeing evidence
    gap = (1.0 - SAME_PHONE) * (1.0 - STRENGTH["similar_name"]) if same_phone else 1.0 - NAME_CEIL
    if a.postcode and a.postcode == b.postcode and same_country:
        gap *= (1.0 - STRENGTH["same_postcode"]) * (1.0 - STRENGTH["same_street"])
    elif same_city:
        gap *= 1.0 - STRENGTH["same_street"]
    if same_city and same_country:
        gap *= 1.0 - STRENGTH["same_city"]
    if a.dob and a.dob == b.dob:
        gap *= 1.0 - STRENGTH["same_dob"]
    cut = 0.0
    if a.email and b.email:
        cut += PENALTY["different_email"]
    if a.phone and b.phone and not same_phone:
        cut += PENALTY["different_phone"]
    if a.dob and b.dob and a.dob != b.dob:
        cut += PENALTY["different_dob"]
    if not same_phone and a.postcode and b.postcode and a.postcode != b.postcode and same_country:
        cut += PENALTY["different_postcode"]
    return max(0.0, 1.0 - gap - cut)


def _same_country(a: MatchRecord, b: MatchRecord) -> bool:
    return not a.country or not b.country or a.country == b.country


def decide(value: float, auto_merge: float, review: float) -> str:
    """``auto_merge``, ``review`` or ``ignore`` for a score under a tenant's thresholds."""
    if value >= auto_merge:
        return "auto_merge"
    if value >= review:
        return "review"
    return "ignore"
