"""The in-memory index a batch import matches against (identity.batch), and the matching
views an import keeps between batches (imports.batch.trim_seen)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from rolodex.identity.batch import BatchIndex, Person
from rolodex.identity.normalize import match_record
from rolodex.imports.batch import trim_seen

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def person(first: str, last: str, email: str | None = None, pid: uuid.UUID | None = None):
    record = match_record(email=email, first_name=first, last_name=last)
    return Person(pid or uuid.uuid4(), record, NOW, email)


def test_candidates_come_once_in_the_order_they_were_added_and_follow_changes():
    index = BatchIndex()
    a, b = person("Ada", "Lovelace", "ada@example.com"), person("Ada", "Lovelace")
    index.add_key("k:" + a.record.name_key, b.id)  # found by a lookup before it is put
    index.put(a)
    index.put(b)
    index.put(a)  # again: no second entry
    keys = ["k:" + a.record.name_key, "n:ada@example.com"]
    assert [p.id for p in index.candidates(keys)] == [b.id, a.id]
    assert index.email_holder("ada@example.com") == a.id
    moved = person("Ada", "Lovelace", "ada@other.example", pid=a.id)
    index.put(moved)  # a changed email: the old key no longer finds it
    assert index.email_holder("ada@example.com") is None
    assert index.email_holder("ada@other.example") == a.id
    assert [p.id for p in index.candidates(keys)] == [b.id, a.id]
    assert index.candidates(keys)[1] is moved


def test_trim_seen_drops_the_least_recently_used():
    ids = [uuid.uuid4() for _ in range(5)]
    seen = {i: ("row", "person") for i in ids}
    trim_seen(seen, limit=10)  # under the limit: all kept
    assert len(seen) == 5
    seen[ids[0]] = seen.pop(ids[0])  # used again: now the most recent
    trim_seen(seen, limit=2)
    assert list(seen) == [ids[4], ids[0]]
