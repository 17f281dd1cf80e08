"""The matcher for many incoming profiles at once (bulk imports), with match_or_create's rules.

``service.match_or_create`` blocks one probe with four indexed lookups (email key, lowercased
email, E.164 phone, name key; at most 50 customers per key), scores each candidate with
``scoring.score``, orders them best first (ties: the oldest), matches the best at or above the
tenant's auto-merge threshold, and otherwise creates and queues every candidate at or above
the review threshold. This module keeps those rules for a batch:

* ``batch_repository.block_many`` runs the four lookups once for all probes of a batch (IN
  lists, the same 50-per-key cap, deterministic: oldest first), and for a name key past the
  cap the namesakes sharing a probe's postcode or birth date, as block() does
  (``repository.crowded_namesakes``);
* a ``BatchIndex`` holds those customers by key, and the batch's own creations and updates
  are added to it as the batch goes, so a later record of the same file matches an earlier
  one exactly as it would if they came one by one;
* ``decide`` scores and picks with match_or_create's ordering and thresholds.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import Any

from rolodex.customers.schemas import CustomerFields
from rolodex.identity import normalize, scoring
from rolodex.identity.normalize import MatchRecord

PER_KEY = 50


def probe_record(data: CustomerFields, phone_e164: str | None) -> MatchRecord:
    """``matcher.record_from_fields`` for a profile whose phone is already in E.164."""
    address = None
    if data.addresses:
        address = next((a for a in data.addresses if a.is_default), data.addresses[0])
    return normalize.match_record(
        email=data.email,
        phone_e164=phone_e164,
        first_name=data.first_name,
        last_name=data.last_name,
        line1=address.line1 if address else None,
        postcode=address.postcode if address else None,
        city=address.city if address else None,
        country=address.country if address else None,
        dob=normalize.dob_from_attributes(data.attributes),
    )


def stored_record(
    email_normalized: str | None,
    phone_e164: str | None,
    first_name: str | None,
    last_name: str | None,
    attributes: dict[str, Any] | None,
    address: Any,
) -> MatchRecord:
    """``matcher.record_from_row`` for a stored customer and its default address (or None)."""
    return normalize.match_record(
        email=email_normalized,
        phone_e164=phone_e164,
        first_name=first_name,
        last_name=last_name,
        line1=_get(address, "line1"),
        postcode=_get(address, "postcode"),
        city=_get(address, "city"),
        country=_get(address, "country"),
        dob=normalize.dob_from_attributes(attributes),
    )


def _get(address: Any, name: str) -> Any:
    if address is None:
        return None
    return address.get(name) if isinstance(address, dict) else getattr(address, name)


def block_keys(record: MatchRecord, email_normalized: str | None) -> list[str]:
    """The index keys of a record, as block() looks them up: ``e:`` email key, ``n:``
    lowercased email, ``p:`` phone, ``k:`` name key, and ``kp:``/``kd:`` (place_keys)."""
    keys = []
    if record.email:
        keys.append("e:" + record.email)
    if email_normalized:
        keys.append("n:" + email_normalized)
    if record.phone:
        keys.append("p:" + record.phone)
    if record.name_key:
        keys.append("k:" + record.name_key)
        keys.extend(place_keys(record.name_key, record.postcode, record.dob))
    return keys


def place_keys(name_key: str | None, postcode: str | None, dob: str | None) -> list[str]:
    """The name key with the postcode (``kp:``) and with the birth date (``kd:``): past the
    cap a common name's lookup meets only its oldest holders, so the namesakes that share
    the probe's postcode or birth date are looked up by these as well
    (``repository.crowded_namesakes``)."""
    if not name_key:
        return []
    out = []
    if postcode:
        out.append(f"kp:{name_key}|{postcode}")
    if dob:
        out.append(f"kd:{name_key}|{dob}")
    return out


@dataclass(slots=True)
class Person:
    """A customer as the batch sees it: stored, or created earlier in the same import."""

    id: uuid.UUID
    record: MatchRecord
    created_at: datetime
    email_normalized: str | None = None
    keys: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Found:
    person: Person
    score: float
    reasons: list[dict[str, Any]]


@dataclass(slots=True)
class Decision:
    match: Found | None  # at or above auto-merge: update this one
    review: list[Found]  # otherwise: candidates to queue for review (at or above review)
    # The best score at or above the review threshold (None: none). Candidates below it
    # may not have been scored at all (imports.batch.Namesakes).
    best: float | None


class BatchIndex:
    """Customers by blocking key, for one batch (see the module docstring). Each key's ids
    are kept in the order they were added, in a dict used as an ordered set: a common name
    has dozens of them, and a list's membership test made adding a batch quadratic."""

    def __init__(self) -> None:
        self.by_key: dict[str, dict[uuid.UUID, None]] = {}
        self.people: dict[uuid.UUID, Person] = {}

    def put(self, person: Person) -> None:
        """Add or replace ``person``; its current keys find it (stale keys are dropped)."""
        old = self.people.get(person.id)
        person.keys = block_keys(person.record, person.email_normalized)
        if old is not None:
            for key in set(old.keys) - set(person.keys):
                ids = self.by_key.get(key)
                if ids is not None:
                    ids.pop(person.id, None)
        self.people[person.id] = person
        for key in person.keys:
            self.by_key.setdefault(key, {}).setdefault(person.id)

    def add_key(self, key: str, person_id: uuid.UUID) -> None:
        """What a database lookup found under ``key`` (in the lookup's order)."""
        self.by_key.setdefault(key, {}).setdefault(person_id)

    def candidates(self, keys: Iterable[str]) -> list[Person]:
        """The people holding these keys, at most PER_KEY of each key, as block() finds
        them one record at a time: a key's ids are the lookup's (the oldest holders, all of
        them below the cap) followed by the batch's own newer ones."""
        seen: set[uuid.UUID] = set()
        out = []
        for key in keys:
            for pid in islice(self.by_key.get(key, ()), PER_KEY):
                if pid not in seen and pid in self.people:
                    seen.add(pid)
                    out.append(self.people[pid])
        return out

    def email_holder(self, email_normalized: str) -> uuid.UUID | None:
        """The customer holding this lowercased email (live emails are unique)."""
        for pid in self.by_key.get("n:" + email_normalized, ()):
            person = self.people.get(pid)
            if person is not None and person.email_normalized == email_normalized:
                return pid
        return None


def decide(
    index: BatchIndex,
    probe: MatchRecord,
    email_normalized: str | None,
    auto_merge: float,
    review: float,
) -> Decision:
    """match_or_create's choice for one probe against the index: the namesakes found by
    postcode or birth date (``kp:``/``kd:``) are scored only when no other candidate reaches
    auto-merge, as matcher.find_matches looks them up."""
    keys = block_keys(probe, email_normalized)
    scored = _scored(probe, index.candidates(k for k in keys if not k.startswith(PLACES)))
    if not scored or scored[0][0] < auto_merge:
        places = [k for k in keys if k.startswith(PLACES)]
        if places:
            known = {p.id for _, p in scored}
            more = [p for p in index.candidates(places) if p.id not in known]
            scored = sorted([*scored, *_scored(probe, more)], key=_best_first)
    if not scored:
        return Decision(None, [], None)
    best_value, best = scored[0]
    if best_value >= auto_merge:
        return Decision(_explained(probe, best), [], best_value)
    queued = [_explained(probe, p) for v, p in scored if v >= review]
    return Decision(None, queued, best_value if queued else None)


PLACES = ("kp:", "kd:")


def _best_first(item: tuple[float, Person]) -> tuple[float, datetime, str]:
    return (-item[0], item[1].created_at, str(item[1].id))


def _scored(probe: MatchRecord, people: Iterable[Person]) -> list[tuple[float, Person]]:
    """(score, person) of those scoring above 0, best first (ties: the oldest)."""
    scored = []
    for person in people:
        value = scoring.score(probe, person.record, explain=False).value
        if value > 0:
            scored.append((value, person))
    scored.sort(key=_best_first)
    return scored


def _explained(probe: MatchRecord, person: Person) -> Found:
    result = scoring.score(probe, person.record)
    return Found(person, result.value, result.reasons_json())
