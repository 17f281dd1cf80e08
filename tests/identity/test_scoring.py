"""Pair scoring: the documented rules and its properties (Hypothesis)."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from rolodex.identity.normalize import MatchRecord, match_record
from rolodex.identity.scoring import (
    DEFAULT_AUTO_MERGE,
    DEFAULT_REVIEW,
    ceiling,
    decide,
    name_similarity,
    score,
)

NAMES = [
    (),
    ("john",),
    ("john", "smith"),
    ("jon", "smith"),
    ("smith", "john"),
    ("bill", "jones"),
    ("william", "jones"),
    ("maria", "garcia"),
    ("mary", "smith"),
    ("j", "smith"),
]

records = st.builds(
    MatchRecord,
    email=st.sampled_from([None, "a@x.com", "b@x.com", "c@y.org"]),
    phone=st.sampled_from([None, "+14155550100", "+14155550101"]),
    tokens=st.sampled_from(NAMES),
    street=st.sampled_from([None, "1 main st", "2 oak ave"]),
    postcode=st.sampled_from([None, "10001", "10002"]),
    city=st.sampled_from([None, "new york", "boston"]),
    country=st.sampled_from([None, "US", "GB"]),
    dob=st.sampled_from([None, "1980-01-01", "1990-02-02"]),
)
AGREEING = {
    "email": st.sampled_from(["a@x.com", "z@z.com"]),
    "phone": st.sampled_from(["+14155550100", "+14155550199"]),
    "tokens": st.sampled_from([n for n in NAMES if n]),
    "street": st.sampled_from(["1 main st", "9 elm rd"]),
    "postcode": st.sampled_from(["10001", "99999"]),
    "city": st.sampled_from(["new york", "paris"]),
    "dob": st.sampled_from(["1980-01-01", "2000-12-31"]),
}


@given(records, records)
def test_the_ceiling_bounds_the_score_whatever_the_names_and_streets(a, b):
    """A bulk matcher leaves out namesakes whose ceiling is below the review threshold
    without building their names and streets: the ceiling must never be under the score."""
    blind = replace(b, tokens=(), name_key=None, street=None)
    assert score(a, b).value <= ceiling(a, blind) + 1e-4  # score() rounds to 4 places
    assert ceiling(a, blind) == ceiling(blind, a)


@given(records, records, st.sampled_from([n for n in NAMES if n]), st.data())
def test_the_ceiling_is_reached_by_the_same_name_and_street(a, b, name, data):
    street = data.draw(st.sampled_from(["1 main st", "2 oak ave"]))
    a, b = replace(a, tokens=name, street=street), replace(b, tokens=name, street=street)
    assert score(a, b).value == round(ceiling(a, b), 4)


@given(records, records)
def test_bounded_and_symmetric(a, b):
    ab, ba = score(a, b), score(b, a)
    assert 0.0 <= ab.value <= 1.0
    assert ab.value == ba.value
    assert ab.value == score(a, b, explain=False).value


@given(records, records, st.sampled_from(["a@x.com", "zz@q.net"]))
def test_same_email_scores_one(a, b, email):
    result = score(replace(a, email=email), replace(b, email=email))
    assert result.value == 1.0
    assert result.reasons[0].code == "same_email"


@given(records, records, st.sampled_from(sorted(AGREEING)), st.data())
def test_agreeing_evidence_never_lowers(a, b, field, data):
    if getattr(a, field) and getattr(b, field):
        b = replace(b, **{field: None})  # make room: one side unknown
    value = data.draw(AGREEING[field])
    before = score(a, b).value
    after = score(replace(a, **{field: value}), replace(b, **{field: value})).value
    assert after >= before


@given(records, records, st.sampled_from(["email", "phone"]))
def test_conflicting_email_or_phone_lowers(a, b, field):
    """One side's email (phone) unknown → both known and different: a lower score, unless
    the emails are equal (then it is 1.00 whatever else differs)."""
    a = replace(a, **{field: None})
    if a.email and a.email == b.email:
        return
    before = score(a, b)
    if before.value == 0:
        return
    mine, theirs = {"email": ("me@z.org", "you@z.org"), "phone": ("+442079460958", "+33142685300")}[
        field
    ]
    if getattr(b, field) is None:
        b = replace(b, **{field: theirs})
    after = score(replace(a, **{field: mine}), b)
    assert after.value < before.value
    assert any(r.code == f"different_{field}" for r in after.reasons)


def test_reasons_explain_the_score():
    a = match_record(
        first_name="Jon",
        last_name="Smith",
        phone_e164="+12125550142",
        postcode="10001",
        city="New York",
        country="US",
    )
    b = match_record(
        first_name="John",
        last_name="Smith",
        phone_e164="+12125550142",
        postcode="10001",
        city="New York",
        country="US",
    )
    result = score(a, b)
    codes = [r.code for r in result.reasons]
    assert codes[:2] == ["same_phone", "similar_name"]
    assert {"same_postcode", "same_city"} <= set(codes)
    assert abs(sum(r.effect for r in result.reasons) - result.value) < 1e-3
    assert result.value >= DEFAULT_AUTO_MERGE


def test_seed_example_same_email_is_one_customer():
    first = match_record(first_name="John", email="john@email.com")
    later = match_record(
        first_name="John", last_name="Smith", email=" John@Email.com", phone_e164="+15551234567"
    )
    assert score(first, later).value == 1.0


def test_equal_names_with_different_emails_and_phones_is_not_auto_merged():
    where = {"line1": "12 Main St", "postcode": "10001", "city": "New York", "country": "US"}
    a = match_record(
        first_name="John", last_name="Smith", email="john@a.com", phone_e164="+12125550100", **where
    )
    b = match_record(
        first_name="John",
        last_name="Smith",
        email="jsmith@b.com",
        phone_e164="+12125550199",
        **where,
    )
    value = score(a, b).value
    assert decide(value, DEFAULT_AUTO_MERGE, DEFAULT_REVIEW) != "auto_merge"
    # and elsewhere they are namesakes, not even worth a review
    c = replace(b, postcode="60601", street="5 oak ave", city="chicago")
    assert decide(score(a, c).value, DEFAULT_AUTO_MERGE, DEFAULT_REVIEW) == "ignore"


def test_phone_shared_by_a_household_is_not_a_match():
    a = match_record(first_name="Ann", last_name="Lee", phone_e164="+12125550100")
    b = match_record(first_name="Bob", last_name="Lee", phone_e164="+12125550100")
    assert score(a, b).value < DEFAULT_AUTO_MERGE
    assert any(r.code == "different_name" for r in score(a, b).reasons)


def test_name_similarity_cases():
    assert name_similarity(("john", "smith"), ("smith", "john")) == 1.0
    assert name_similarity(("bill", "jones"), ("william", "jones")) >= 0.95
    assert name_similarity(("j", "smith"), ("john", "smith")) >= 0.85
    assert name_similarity(("john",), ("john", "smith")) == 0.85
    assert name_similarity(("ann", "lee"), ("bob", "lee")) < 0.85
    assert name_similarity((), ("ann",)) is None


def test_one_mailbox_by_the_provider_rules_with_other_names_is_for_review_not_the_same():
    """jane.doe+shop@gmail.com and janedoe+kids@gmail.com are one Gmail mailbox; with the
    names of two people (a family's shared address) they are queued, not merged."""
    jane = match_record(email="jane.doe+shop@gmail.com", first_name="Jane", last_name="Doe")
    john = match_record(email="janedoe+kids@gmail.com", first_name="John", last_name="Doe")
    assert jane.email == john.email == "janedoe@gmail.com"
    shared = score(jane, john)
    assert shared.value == 0.8
    assert [r.code for r in shared.reasons] == ["same_mailbox"]
    assert decide(shared.value, DEFAULT_AUTO_MERGE, DEFAULT_REVIEW) == "review"
    assert ceiling(jane, john) >= shared.value
    # The same person writing the address another way, or a record without a name: the same.
    again = match_record(email="Jane.Doe@GoogleMail.com", first_name="Jane", last_name="Doe")
    nameless = match_record(email="janedoe+kids@gmail.com")
    assert score(jane, again).value == score(jane, nameless).value == 1.0
    # The very same address is the same email whatever the names say (SPEC: same email 1.00).
    renamed = match_record(email="jane.doe+shop@gmail.com", first_name="Mary", last_name="Roe")
    assert score(jane, renamed).value == 1.0
    # A conflicting birth date drops a shared mailbox below review; a shared phone keeps it.
    born = replace(john, dob="1990-01-01")
    assert score(replace(jane, dob="1960-05-05"), born).value < DEFAULT_REVIEW
    phone = "+14155550100"
    family = score(replace(jane, phone=phone), replace(john, phone=phone))
    assert decide(family.value, DEFAULT_AUTO_MERGE, DEFAULT_REVIEW) == "review"


def test_the_same_name_at_the_same_full_address_is_the_same_person():
    """A sheet imported twice, its rows without email or phone: the same name at the same
    street, postcode and city reaches auto-merge; a name that is only similar, or an address
    without its city, stays for review."""
    here = {"line1": "12 Main St", "postcode": "10001", "country": "US"}
    stored = match_record(first_name="John", last_name="Smith", city="New York", **here)
    again = match_record(first_name="John", last_name="Smith", city="new york", **here)
    similar = match_record(first_name="Jon", last_name="Smith", city="New York", **here)
    no_city = match_record(first_name="John", last_name="Smith", **here)
    assert decide(score(stored, again).value, DEFAULT_AUTO_MERGE, DEFAULT_REVIEW) == "auto_merge"
    for other in (similar, no_city):
        assert decide(score(stored, other).value, DEFAULT_AUTO_MERGE, DEFAULT_REVIEW) == "review"


def test_a_given_name_or_surname_that_is_also_a_title_counts_as_a_name():
    """The given name "Don" was dropped as a title, so Don Johnson at a household's address
    was the same name as Mrs. Johnson there, and Lon Don with Lon Imp's phone was Lon: both
    merged."""
    home = {"line1": "12 Main St", "postcode": "10001", "city": "New York", "country": "US"}
    don = match_record(first_name="Don", last_name="Johnson", **home)
    mrs = match_record(first_name="Mrs. Mary", last_name="Johnson", **home)
    surname_only = match_record(last_name="Johnson", **home)
    assert decide(score(don, mrs).value, DEFAULT_AUTO_MERGE, DEFAULT_REVIEW) != "auto_merge"
    assert decide(score(don, surname_only).value, DEFAULT_AUTO_MERGE, DEFAULT_REVIEW) != (
        "auto_merge"
    )
    phone = {"phone_e164": "+442079460958", **home}
    lon_don = match_record(first_name="Lon", last_name="Don", **phone)
    lon_imp = match_record(first_name="Lon", last_name="Imp", **phone)
    assert decide(score(lon_don, lon_imp).value, DEFAULT_AUTO_MERGE, DEFAULT_REVIEW) != (
        "auto_merge"
    )
    # while Don may still be Donald there (a nickname is similar, for review)
    donald = match_record(first_name="Donald", last_name="Johnson", **home)
    assert decide(score(don, donald).value, DEFAULT_AUTO_MERGE, DEFAULT_REVIEW) == "review"
