"""The synthetic customer generator: deterministic, realistic, with findable duplicates."""

from __future__ import annotations

import gc
import itertools
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from rapidfuzz.distance import Levenshtein

from rolodex.customers.normalize import normalize_email
from rolodex.demo.synth import (
    DUP_KINDS,
    SynthRecord,
    fold,
    generate_demo_people,
    generate_people,
)
from rolodex.demo.vocab import NICKNAMES
from rolodex.identity.normalize import email_key
from rolodex.kit.phones import to_e164
from rolodex.models.customers import STAGES, STATUSES, TYPES

NOW = datetime(2026, 6, 1, tzinfo=UTC)
COUNTRIES = {"US", "GB", "DE", "FR", "CA", "AU", "ES", "IT", "NL", "MX"}


@pytest.fixture(scope="module")
def sample() -> list[SynthRecord]:
    return list(generate_people(60_000, seed=11, now=NOW))


def _e164(rec: SynthRecord) -> str | None:
    return to_e164(rec.phone, rec.country) if rec.phone else None


def _similar_name(a: SynthRecord, b: SynthRecord) -> bool:
    """Same person by name: a few edits apart, or a nickname/initial of the first name."""
    fa, la = fold(a.first_name or ""), fold(a.last_name or "")
    fb, lb = fold(b.first_name or ""), fold(b.last_name or "")
    if Levenshtein.distance(fa + " " + la, fb + " " + lb) <= 2:
        return True
    nicknames = {fold(n) for n in NICKNAMES.get(a.first_name or "", ())}
    return la == lb and (fb in nicknames or fb == fa[:1])


def _same_place(a: SynthRecord, b: SynthRecord) -> bool:
    return a.postcode == b.postcode and a.city == b.city


def _findable(dup: SynthRecord, orig: SynthRecord, *, with_email: bool = True) -> bool:
    emails = (dup.email, orig.email) if with_email else (None, None)
    if emails[0] and emails[1] and normalize_email(emails[0]) == normalize_email(emails[1]):
        return True
    if dup.phone and orig.phone and _e164(dup) == _e164(orig):
        return True
    return _similar_name(orig, dup) and _same_place(orig, dup)


def test_same_seed_gives_the_same_records_and_another_seed_others() -> None:
    first = list(generate_people(3_000, seed=5, now=NOW))
    again = list(generate_people(3_000, seed=5, now=NOW))
    other = list(generate_people(3_000, seed=6, now=NOW))

    assert first == again
    assert [r.record_id for r in first] == list(range(1, 3_001))
    differing = sum(
        a.email != b.email or a.phone != b.phone for a, b in zip(first, other, strict=True)
    )
    assert differing > 2_900


def test_about_the_requested_share_of_records_are_duplicates(sample: list[SynthRecord]) -> None:
    dups = [r for r in sample if r.duplicate_of is not None]
    assert abs(len(dups) / len(sample) - 0.08) < 0.01
    assert set(Counter(r.dup_kind for r in dups)) == set(DUP_KINDS)

    many = list(generate_people(20_000, seed=3, duplicate_rate=0.25, now=NOW))
    assert abs(sum(r.duplicate_of is not None for r in many) / 20_000 - 0.25) < 0.02
    none = list(generate_people(5_000, seed=3, duplicate_rate=0.0, now=NOW))
    assert all(r.duplicate_of is None for r in none)
    assert len({r.person_id for r in none}) == 5_000


def test_duplicates_follow_their_original_interleaved(sample: list[SynthRecord]) -> None:
    by_id = {r.record_id: r for r in sample}
    dup_positions = []
    for rec in sample:
        if rec.duplicate_of is None:
            assert rec.dup_kind is None
            continue
        original = by_id[rec.duplicate_of]
        assert original.duplicate_of is None
        assert original.record_id < rec.record_id
        assert original.person_id == rec.person_id
        assert rec.created_at >= original.created_at
        dup_positions.append(rec.record_id)
    # spread over the stream, not piled up at the end
    first_half = sum(p <= len(sample) // 2 for p in dup_positions)
    assert 0.4 < first_half / len(dup_positions) < 0.6


def test_emails_are_unique_across_persons_even_as_matching_keys(
    sample: list[SynthRecord],
) -> None:
    owner_by_email: dict[str, int] = {}
    owner_by_key: dict[str, int] = {}
    for rec in sample:
        if rec.email:
            email = normalize_email(rec.email)
            assert owner_by_email.setdefault(email, rec.person_id) == rec.person_id, email
            key = email_key(rec.email) or ""
            assert owner_by_key.setdefault(key, rec.person_id) == rec.person_id, key
    assert len(owner_by_email) > 50_000


def test_phones_are_valid_numbers_of_their_country_in_many_formats(
    sample: list[SynthRecord],
) -> None:
    with_phone = [r for r in sample if r.phone][:10_000]
    assert len(with_phone) == 10_000
    owner: dict[str, int] = {}
    for rec in with_phone:
        e164 = to_e164(rec.phone or "", rec.country)
        assert owner.setdefault(e164, rec.person_id) == rec.person_id, e164
    assert {r.country for r in with_phone} == COUNTRIES
    written = {r.phone for r in with_phone}
    assert any(p.startswith("(") for p in written)
    assert any(p.startswith("+44 ") for p in written)
    assert any(p.startswith("0") and p.count(" ") == 4 for p in written)  # 06 12 34 56 78
    assert any("." in p for p in written)


def test_every_duplicate_keeps_a_signal_a_matcher_can_find(sample: list[SynthRecord]) -> None:
    originals = {r.person_id: r for r in sample if r.duplicate_of is None}
    dups = [r for r in sample if r.duplicate_of is not None]
    for dup in dups:
        orig = originals[dup.person_id]
        assert _findable(dup, orig), (orig, dup)
        if dup.shares_email:
            assert orig.email
            assert dup.email
            assert normalize_email(dup.email) == normalize_email(orig.email)
            # loaded without its email (unique per tenant), it must still be findable
            assert _findable(dup, orig, with_email=False), (orig, dup)
    kinds = Counter(d.dup_kind for d in dups)
    assert min(kinds["email_case"], kinds["nickname"], kinds["typo"]) > 100
    recased = [d for d in dups if d.dup_kind == "email_case"]
    assert all(d.email != originals[d.person_id].email for d in recased)
    reformatted = [d for d in dups if d.dup_kind == "phone_format"]
    assert all(d.phone != originals[d.person_id].phone for d in reformatted)


def test_namesakes_are_distinct_persons(sample: list[SynthRecord]) -> None:
    persons_by_name: dict[tuple[str, str], dict[int, SynthRecord]] = {}
    for rec in sample:
        if rec.duplicate_of is None:
            key = (rec.first_name or "", rec.last_name or "")
            persons_by_name.setdefault(key, {})[rec.person_id] = rec
    namesakes = [p for p in persons_by_name.values() if len(p) > 1]
    assert len(namesakes) > 1_000
    for persons in namesakes[:200]:
        a, b = itertools.islice(persons.values(), 2)
        assert a.email is None or a.email != b.email
        assert a.phone is None or _e164(a) != _e164(b)


def test_profile_fields_take_allowed_values_with_a_realistic_spread(
    sample: list[SynthRecord],
) -> None:
    stages = Counter(r.lifecycle_stage for r in sample)
    statuses = Counter(r.status for r in sample)
    assert set(stages) == set(STAGES)
    assert set(statuses) == set(STATUSES)
    assert {r.customer_type for r in sample} == set(TYPES)
    assert stages["prospect"] > stages["customer"] > stages["churned"]
    assert statuses["vip"] < len(sample) * 0.05
    assert {r.country for r in sample} == COUNTRIES
    for rec in sample:
        assert rec.ltv == rec.ltv.quantize(Decimal("0.01"))
        assert rec.ltv >= 0
        if rec.lifecycle_stage == "prospect":
            assert rec.ltv == 0
        assert rec.created_at.tzinfo is UTC
        assert NOW - timedelta(days=3 * 366) <= rec.created_at <= NOW
        if rec.last_active_at is not None:
            assert rec.created_at <= rec.last_active_at <= NOW
        assert len(set(rec.tags)) == len(rec.tags)
        assert isinstance(rec.attributes.get("score"), int)
    customers = [r.ltv for r in sample if r.lifecycle_stage == "customer"]
    assert sum(customers) / len(customers) > 50
    assert 0.1 < sum(r.company is not None for r in sample) / len(sample) < 0.5
    assert any(r.utm_campaign and r.utm_campaign.startswith("spring-") for r in sample)
    names = {r.first_name for r in sample} | {r.last_name for r in sample}
    assert {"José", "Zoë", "Müller", "O'Brien", "McArthy"} <= names


def test_generation_streams_in_constant_memory() -> None:
    stream = generate_people(200_000, seed=2, now=NOW)
    assert isinstance(stream, Iterator)
    assert not isinstance(stream, list | tuple)

    def live_records() -> int:
        gc.collect()
        return sum(1 for o in gc.get_objects() if type(o) is SynthRecord)

    baseline = live_records()
    counts = []
    for rec in stream:
        if rec.record_id in (40_000, 200_000):
            counts.append(live_records() - baseline)
    # only pending duplicates and their originals stay alive, whatever the length
    assert counts[0] < 3_000
    assert counts[1] < 3_000


def test_demo_people_start_with_obvious_duplicates_to_show() -> None:
    people = list(generate_demo_people(300, seed=9, now=NOW))
    assert len(people) == 300
    john = people[0]
    assert (john.first_name, john.last_name, john.email) == (
        "John",
        "Smith",
        "john.smith@example.com",
    )
    jon = next(r for r in people if r.duplicate_of == john.record_id)
    assert jon.first_name == "Jon"
    assert jon.phone != john.phone
    assert _e164(jon) == _e164(john)
    other_john = people[1]
    assert (other_john.first_name, other_john.last_name) == ("John", "Smith")
    assert other_john.person_id != john.person_id
    assert other_john.email != john.email
    scripted = [r for r in people if r.email and r.email.strip().lower().endswith("@example.com")]
    assert len({r.person_id for r in scripted}) >= 5
    originals = {r.person_id: r for r in people if r.duplicate_of is None}
    for dup in (r for r in people if r.duplicate_of is not None):
        assert _findable(dup, originals[dup.person_id])
    for rec in people:
        if rec.phone:
            to_e164(rec.phone, rec.country)
    with pytest.raises(ValueError, match="at least"):
        generate_demo_people(5)


def test_arguments_out_of_range_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        generate_people(-1)
    with pytest.raises(ValueError, match="duplicate_rate"):
        generate_people(10, duplicate_rate=0.9)
    assert list(generate_people(0)) == []
