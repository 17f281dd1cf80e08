"""Seeded, streaming generator of realistic synthetic customers with known duplicates.

Pure Python, no I/O, all randomness from one ``random.Random(seed)`` per stream: the same
seed and ``now`` give the same records. Memory stays constant at any size: a pending
duplicate waits in a small heap until its turn, and uniqueness across persons (emails,
phone numbers) is kept by construction with a fixed 4 MiB bitmap.

Ground truth on every record: ``person_id`` (near-duplicates share their original's), and
on a duplicate ``duplicate_of`` (its original's record_id), ``dup_kind`` and
``shares_email``. Every duplicate stays findable: it has the original's normalized email, or
its phone number (in another format, or the same), or a similar name (nickname, typo, missing
accent, other case) with the same postcode and city. A duplicate that shares the email keeps
the phone or the name and address too, so it is still findable where the email cannot be
stored twice (see load.py). Some distinct persons share a common name on purpose (namesakes,
hard negatives for matching); phone numbers and emails are never shared across persons.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from datetime import UTC, datetime
from random import Random

from rolodex.demo.people import PersonMaker
from rolodex.demo.record import DUP_KINDS, SynthRecord, fold, strip_accents
from rolodex.demo.script import SCRIPTED_NUMBERS, demo_script

__all__ = [
    "DUP_KINDS",
    "SynthRecord",
    "fold",
    "generate_demo_people",
    "generate_people",
    "strip_accents",
]

_SECOND_DUP = 0.15  # share of duplicated persons who get a second duplicate
_MAX_WINDOW = 20_000  # a duplicate appears at most this many records after its original


def generate_people(
    n: int, seed: int = 42, duplicate_rate: float = 0.08, *, now: datetime | None = None
) -> Iterator[SynthRecord]:
    """``n`` records, about ``duplicate_rate`` of them near-duplicates of earlier ones.

    ``now`` anchors the dates (created over the three years before it); it defaults to
    today's midnight UTC so that a stream is reproducible within a day.
    """
    return _stream(n, seed, duplicate_rate, now, demo=False)


def generate_demo_people(
    n: int = 200, seed: int = 42, *, now: datetime | None = None
) -> Iterator[SynthRecord]:
    """Like generate_people, and it starts with hand-written customers whose duplicates
    come later in the stream: "John Smith" john.smith@example.com (212) 555-0142 and then
    "Jon Smith" with +1 212 555 0142; "María García" and " Maria.Garcia@Example.com ";
    "Zoë O'Brien" and "Zoe OBrien" with the same phone; "Hans Müller" and "Hans Mueller";
    "Katherine" and "Kate McArthy"; "José Hernández" and "Jose Hernandez"; and a second,
    different John Smith in Chicago.
    """
    return _stream(n, seed, 0.08, now, demo=True)


def _midnight() -> datetime:
    return datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def _stream(
    n: int, seed: int, duplicate_rate: float, now: datetime | None, *, demo: bool
) -> Iterator[SynthRecord]:
    if n < 0:
        raise ValueError("n must not be negative")
    if not 0 <= duplicate_rate <= 0.5:
        raise ValueError("duplicate_rate must be between 0 and 0.5")
    now = (now or _midnight()).astimezone(UTC)
    script = demo_script(now) if demo else []
    if sum(1 + len(d) for _, d in script) > n:
        raise ValueError(f"the demo needs at least {sum(1 + len(d) for _, d in script)} records")
    return _records(n, seed, duplicate_rate, now, script)


def _records(
    n: int,
    seed: int,
    duplicate_rate: float,
    now: datetime,
    script: list[tuple[SynthRecord, list[tuple[float, SynthRecord]]]],
) -> Iterator[SynthRecord]:
    rng = Random(seed)
    rnd = rng.random
    maker = PersonMaker(rng, now)
    expected = duplicate_rate / (1 - duplicate_rate)  # duplicates per original
    p_dup = min(1.0, expected / (1 + _SECOND_DUP))
    window = max(8, min(_MAX_WINDOW, n // 20))
    heap: list[tuple[int, int, SynthRecord]] = []
    seq = pid = rid = 0
    for country, nsn in SCRIPTED_NUMBERS if script else ():
        maker.claim_phone(country, nsn)
    for original, dups in script:
        pid += 1
        rid += 1
        original.person_id, original.record_id = pid, rid
        for fraction, dup in dups:
            dup.person_id, dup.duplicate_of = pid, rid
            seq += 1
            heapq.heappush(heap, (max(rid + 1, int(fraction * n)), seq, dup))
        yield original
    while rid < n:
        if heap and (heap[0][0] <= rid + 1 or n - rid <= len(heap)):
            rec = heapq.heappop(heap)[2]
            rid += 1
            rec.record_id = rid
            yield rec
            continue
        pid += 1
        rid += 1
        rec, ctx = maker.person(pid)
        rec.record_id = rid
        if rnd() < p_dup:
            for variant in range(1, 3 if rnd() < _SECOND_DUP else 2):
                seq += 1
                due = rid + 1 + int(rnd() * window)
                heapq.heappush(heap, (due, seq, maker.duplicate(rec, ctx, variant)))
        yield rec
