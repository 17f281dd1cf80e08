"""Full-tenant duplicate scan: one streaming read, blocking in memory, scoring inside blocks.

1. Read the live customers of the tenant in one pass (only the columns matching needs, and
   the default address), normalizing each into a MatchRecord.
2. Block: records that share a key land in one block — the email key, the E.164 phone, the
   address (postcode + house number and street), and the last name's Soundex code with the
   postcode. A block larger than ``MAX_BLOCK`` is not compared all-against-all: it is sorted
   by name and each record is compared with its ``WINDOW`` neighbours (sorted neighbourhood).
3. Score each distinct pair once (identity.scoring); keep pairs at or above the tenant's
   review threshold, minus dismissed pairs; store them as candidates in bulk, replacing the
   previous scan's.
4. With auto-merge: group pairs at or above the auto-merge threshold into clusters
   (union-find) and merge every other member of a cluster into its oldest customer.
"""

from __future__ import annotations

import gc
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rolodex.auth.roles import Principal
from rolodex.db import Database
from rolodex.errors import RolodexError
from rolodex.identity import keys, merge, repository, scoring
from rolodex.identity.normalize import (
    MatchRecord,
    city_key,
    dob_key,
    email_key,
    name_tokens,
    phonetic,
    postcode_key,
    street_key,
    tokens_key,
)
from rolodex.kit.ids import new_id
from rolodex.kit.time import utcnow
from rolodex.models import DedupeScan, DismissedPair

MAX_BLOCK = 60
WINDOW = 12
Progress = Callable[[str, int, int], None]


@dataclass
class Candidates:
    """The scan's findings: record index pairs and their scores, with the index → id map."""

    ids: list[Any]  # raw ids as the driver returns them (str on SQLite, UUID on PostgreSQL)
    created: list[Any]
    pairs: list[tuple[int, int, float]] = field(default_factory=list)
    pairs_scored: int = 0
    blocks: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    stale_keys: list[tuple[int, str | None, str | None]] = field(default_factory=list)

    def uuid_of(self, index: int) -> uuid.UUID:
        raw = self.ids[index]
        return raw if isinstance(raw, uuid.UUID) else uuid.UUID(str(raw))


def _tune(session: Session) -> None:
    """SQLite reads faster with a large page cache and memory-mapped I/O on this connection."""
    if session.get_bind().dialect.name == "sqlite":
        conn = session.connection()
        conn.exec_driver_sql("PRAGMA cache_size = -262144")  # 256 MiB
        conn.exec_driver_sql("PRAGMA mmap_size = 4294967296")


def read(
    session: Session, tenant_id: uuid.UUID, total: int = 0, progress: Progress | None = None
) -> tuple[Candidates, list[MatchRecord], dict[str, dict[str, list[int]]]]:
    """Stream the tenant's live customers into match records and blocks."""
    found = Candidates([], [])
    ids, created = found.ids, found.created
    records: list[MatchRecord] = []
    blocks: dict[str, dict[str, list[int]]] = {
        "email": {},
        "phone": {},
        "address": {},
        "name_place": {},
    }
    by_email, by_phone = blocks["email"], blocks["phone"]
    by_address, by_name = blocks["address"], blocks["name_place"]
    _tune(session)
    # Default addresses and birth dates in their own sequential passes, joined in memory: an
    # index lookup per customer costs several times more at a million.
    addresses = {r[0]: r[1:] for r in repository.scan_rows(session, tenant_id, "addresses")}
    births = dict(repository.scan_rows(session, tenant_id, "birth_dates"))
    nowhere = (None, None, None, None)
    for row in repository.scan_rows(session, tenant_id, "customers"):
        rid, email, phone, first, last, made, sek, snk = row
        line1, postcode, city, country = addresses.get(rid, nowhere)
        dob = births.get(rid) if births else None
        i = len(records)
        ek = email_key(email) if email else None
        tokens = name_tokens(first, last)
        nk = tokens_key(tokens)
        if ek != sek or nk != snk:
            found.stale_keys.append((i, ek, nk))
        pc = postcode_key(postcode, country) if postcode else None
        st = street_key(line1) if line1 else None
        records.append(
            MatchRecord(
                ek,
                phone or None,
                tokens,
                None,
                st,
                pc,
                city_key(city),
                country or None,
                dob_key(dob) if dob else None,
                email if email != ek else None,
            )
        )
        ids.append(rid)
        created.append(made)
        if ek:
            by_email.setdefault(ek, []).append(i)
        if phone:
            by_phone.setdefault(phone, []).append(i)
        if pc:
            if st:
                by_address.setdefault(f"{pc}|{st}", []).append(i)
            if tokens:
                by_name.setdefault(f"{pc}|{phonetic(tokens[-1])}", []).append(i)
        if progress is not None and i % 50_000 == 0:
            progress("reading", i, total)
    if progress is not None:
        progress("reading", len(records), total)
    return found, records, blocks


def _block_pairs(members: list[int], records: list[MatchRecord]) -> Iterable[tuple[int, int]]:
    if len(members) <= MAX_BLOCK:
        return combinations(members, 2)
    ordered = sorted(members, key=lambda i: records[i].sorted_name)
    return (
        (min(x, y), max(x, y))
        for k, x in enumerate(ordered)
        for y in ordered[k + 1 : k + 1 + WINDOW]
    )


def score_blocks(
    found: Candidates,
    records: list[MatchRecord],
    blocks: dict[str, dict[str, list[int]]],
    review: float,
    progress: Progress | None = None,
) -> None:
    """Score every distinct pair that shares a block; keep those ≥ ``review``."""
    n = len(records)
    done: set[int] = set()
    score = scoring.score
    kept = found.pairs
    scored = 0
    total_blocks = sum(len(b) for b in blocks.values())
    visited = 0
    for name, by_key in blocks.items():
        count = 0
        for members in by_key.values():
            visited += 1
            if len(members) < 2:
                continue
            count += 1
            for i, j in _block_pairs(members, records):
                packed = i * n + j
                if packed in done:
                    continue
                done.add(packed)
                value = score(records[i], records[j], explain=False).value
                scored += 1
                if value >= review:
                    kept.append((i, j, value))
            if progress is not None and count % 20_000 == 0:
                progress("scoring", visited, total_blocks)
        found.blocks[name] = count
    found.pairs_scored = scored
    if progress is not None:
        progress("scoring", total_blocks, total_blocks)


def find(
    session: Session,
    tenant_id: uuid.UUID,
    review: float,
    progress: Progress | None = None,
) -> tuple[Candidates, list[MatchRecord]]:
    """Read, block and score: the candidate pairs of a tenant (nothing stored)."""
    started = time.perf_counter()
    total = repository.count_live(session, tenant_id)
    # Millions of long-lived small objects and no cycles: the cyclic collector would walk
    # them all again and again while they are built (it more than doubles the time).
    collecting = gc.isenabled()
    gc.disable()
    try:
        found, records, blocks = read(session, tenant_id, total, progress)
        read_at = time.perf_counter()
        score_blocks(found, records, blocks, review, progress)
    finally:
        if collecting:
            gc.enable()
    found.timings = {"read": read_at - started, "score": time.perf_counter() - read_at}
    return found, records


def clusters(pairs: Iterable[tuple[int, int]], n: int) -> list[list[int]]:
    """Connected components (union-find) of the pairs: groups of one person's records."""
    parent = list(range(n))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j in pairs:
        ri, rj = root(i), root(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)
    groups: dict[int, list[int]] = {}
    for x in {v for p in pairs for v in p}:
        groups.setdefault(root(x), []).append(x)
    return [sorted(g) for g in groups.values() if len(g) > 1]


@dataclass
class ScanOutcome:
    scan_id: uuid.UUID
    customers: int
    pairs_scored: int
    candidates: int
    merged: int
    seconds: float
    timings: dict[str, float]
    found: Candidates


def run(
    db: Database,
    principal: Principal,
    *,
    scan_id: uuid.UUID | None = None,
    auto_merge: bool = False,
    progress: Progress | None = None,
) -> ScanOutcome:
    """The whole scan as a job: its own transactions, progress in identity_scans."""
    tenant_id = principal.tenant_id
    started = time.perf_counter()
    with db.session(tenant_id) as session:
        if scan_id is None:
            scan_id = new_id()
            session.add(_new_scan(tenant_id, scan_id, auto_merge, principal))
        repository.scan_progress(session, tenant_id, scan_id, state="running", started_at=utcnow())
    try:
        report = _recorder(db, tenant_id, scan_id, progress)
        outcome = _run(db, principal, scan_id, auto_merge, report, started)
    except Exception as exc:
        with db.session(tenant_id) as session:
            repository.scan_progress(
                session,
                tenant_id,
                scan_id,
                state="failed",
                error=f"{type(exc).__name__}: {exc}"[:2000],
                finished_at=utcnow(),
            )
        raise
    return outcome


def _recorder(
    db: Database, tenant_id: uuid.UUID, scan_id: uuid.UUID, also: Progress | None
) -> Progress:
    """Progress to the caller and, every few seconds, onto the scan row (GET .../scans/{id})."""
    last = [0.0]
    columns = {"reading": "processed", "merging": "merged"}

    def report(phase: str, done: int, total: int) -> None:
        if also is not None:
            also(phase, done, total)
        now = time.monotonic()
        if phase in columns and (now - last[0] >= 2.0 or done == total):
            last[0] = now
            values: dict[str, Any] = {columns[phase]: done}
            if phase == "reading":
                values["customers"] = total
            with db.session(tenant_id) as session:
                repository.scan_progress(session, tenant_id, scan_id, **values)

    return report


def _new_scan(
    tenant_id: uuid.UUID, scan_id: uuid.UUID, auto_merge: bool, principal: Principal
) -> DedupeScan:
    return DedupeScan(
        tenant_id=tenant_id,
        id=scan_id,
        state="queued",
        auto_merge=auto_merge,
        actor_id=f"{principal.actor_type}:{principal.actor_id}",
    )


def _run(
    db: Database,
    principal: Principal,
    scan_id: uuid.UUID,
    auto_merge: bool,
    progress: Progress | None,
    started: float,
) -> ScanOutcome:
    tenant_id = principal.tenant_id
    with db.session(tenant_id, write=False) as session:
        limits = repository.thresholds(session, tenant_id)
        found, records = find(session, tenant_id, limits.review, progress)
        dismissed = {
            (r.customer_a_id, r.customer_b_id)
            for r in session.execute(
                select(DismissedPair.customer_a_id, DismissedPair.customer_b_id).where(
                    DismissedPair.tenant_id == tenant_id
                )
            )
        }
    store_at = time.perf_counter()
    rows = []
    now = utcnow()
    for i, j, _ in found.pairs:
        a, b = repository.ordered(found.uuid_of(i), found.uuid_of(j))
        if (a, b) in dismissed:
            continue
        result = scoring.score(records[i], records[j])
        rows.append(
            {
                "tenant_id": tenant_id,
                "id": new_id(),
                "customer_a_id": a,
                "customer_b_id": b,
                "score": result.value,
                "reasons": result.reasons_json(),
                "origin": "scan",
                "scan_id": scan_id,
                "created_at": now,
            }
        )
    if progress is not None:
        progress("storing", 0, len(rows))
    with db.session(tenant_id) as session:
        keys.repair(
            session, tenant_id, [(found.uuid_of(i), ek, nk) for i, ek, nk in found.stale_keys]
        )
        stored = repository.replace_scan_candidates(session, tenant_id, scan_id, rows)
        repository.scan_progress(
            session,
            tenant_id,
            scan_id,
            customers=len(records),
            processed=len(records),
            pairs_scored=found.pairs_scored,
            candidates=stored,
        )
    if progress is not None:
        progress("storing", len(rows), len(rows))
    found.timings["store"] = time.perf_counter() - store_at
    merged = 0
    if auto_merge:
        merge_at = time.perf_counter()
        merged = _auto_merge(db, principal, found, limits.auto_merge, dismissed, progress)
        found.timings["merge"] = time.perf_counter() - merge_at
    seconds = time.perf_counter() - started
    with db.session(tenant_id) as session:
        repository.scan_progress(
            session,
            tenant_id,
            scan_id,
            state="done",
            merged=merged,
            seconds=round(seconds, 3),
            finished_at=utcnow(),
        )
    return ScanOutcome(
        scan_id, len(records), found.pairs_scored, stored, merged, seconds, found.timings, found
    )


def _auto_merge(
    db: Database,
    principal: Principal,
    found: Candidates,
    threshold: float,
    dismissed: set[tuple[uuid.UUID, uuid.UUID]],
    progress: Progress | None,
) -> int:
    """Merge each cluster of pairs ≥ ``threshold`` into its oldest customer, one transaction
    (and one undoable merge log) per merged customer."""
    strong = []
    best: dict[tuple[int, int], float] = {}
    for i, j, value in found.pairs:
        if (
            value >= threshold
            and repository.ordered(found.uuid_of(i), found.uuid_of(j)) not in dismissed
        ):
            strong.append((i, j))
            best[(i, j)] = value
    groups = clusters(strong, len(found.ids))
    total = sum(len(g) - 1 for g in groups)
    merged = 0
    for group in groups:
        survivor = min(group, key=lambda k: (found.created[k], str(found.ids[k])))
        for other in group:
            if other == survivor:
                continue
            score = best.get((min(survivor, other), max(survivor, other)))
            try:
                with db.session(principal.tenant_id) as session:
                    merge.apply(
                        session,
                        principal,
                        found.uuid_of(survivor),
                        found.uuid_of(other),
                        origin="auto",
                        score=score,
                    )
            except RolodexError:
                continue  # changed since the read (deleted, merged elsewhere): leave it
            merged += 1
            if progress is not None and (merged % 100 == 0 or merged == total):
                progress("merging", merged, total)
    return merged
