"""One batch of records: look up, match and decide (pass 1), then work out each change on the
customers' full rows (pass 2). ``imports.writes`` then stores the outcome.

Pass 1 goes through the records in file order against a ``BatchIndex`` holding every
customer the batch's blocking keys found (and, in a dry run, the overlay of what earlier
batches would have done), adding each creation and update as it goes: a record finds what
the records before it made, exactly as if they had come one by one. Pass 1 knows only the
customers' columns and default address, which is all matching needs. Pass 2 loads tags,
addresses and sources of the customers that are updated (locked on PostgreSQL) and replays
the decided changes on them in order, which gives the rows to write, the audit snapshots and
what revert needs.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import Any

from sqlalchemy.orm import Session

from rolodex.customers.normalize import normalize_email
from rolodex.identity import batch_repository, scoring
from rolodex.identity.batch import (
    BatchIndex,
    Person,
    block_keys,
    decide,
    probe_record,
    stored_record,
)
from rolodex.identity.batch_repository import MATCH_ADDRESS
from rolodex.identity.normalize import MatchRecord, dob_from_attributes, match_record
from rolodex.imports import encoding, repository, state
from rolodex.imports.cells import e164
from rolodex.imports.outcome import Context, Outcome, Stale
from rolodex.imports.rows import Prepared, RowError, unforeseen
from rolodex.imports.snapshot import snapshot
from rolodex.imports.state import State
from rolodex.kit.phones import phone_regions, region_of
from rolodex.models.customers import SOURCES

# Stored customers' matching views kept between batches (about 1 KB each), the most recently
# used: common names find the same customers batch after batch. At a million customers the
# namesakes an import scores are most of the tenant; 200,000 views bought 5% for 300 MB.
SEEN_MAX = 30_000

_REASON = {"same_email": "email", "same_mailbox": "mailbox", "same_phone": "phone",
           "similar_name": "name"}  # fmt: skip


@dataclass
class Batch:
    session: Session
    ctx: Context
    outcomes: list[Outcome]
    now: datetime
    states: dict[uuid.UUID, State] = field(default_factory=dict)
    originals: dict[uuid.UUID, State] = field(default_factory=dict)  # as loaded
    created: dict[uuid.UUID, State] = field(default_factory=dict)  # as created
    full: set[uuid.UUID] = field(default_factory=set)  # loaded with their rows (overlay)
    final: dict[uuid.UUID, State] = field(default_factory=dict)  # after pass 2
    index: BatchIndex = field(default_factory=BatchIndex)
    externals: dict[tuple[str, str], uuid.UUID] = field(default_factory=dict)
    deleted_externals: set[tuple[str, str]] = field(default_factory=set)
    # Records with an export's id: customers deleted under such an id, and the customers this
    # import created (for other ids: where the file came from they were distinct customers).
    deleted_ids: set[uuid.UUID] = field(default_factory=set)
    erased_ids: set[uuid.UUID] = field(default_factory=set)  # never given their data back
    survivors: dict[uuid.UUID, uuid.UUID] = field(default_factory=dict)  # merged away → live
    made_here: set[uuid.UUID] = field(default_factory=set)
    # The matching view of stored customers, kept from batch to batch of one run (the same
    # common names find the same customers again): id → (what it was made of, Person).
    seen: dict[uuid.UUID, tuple[tuple[Any, ...], Person]] = field(default_factory=dict)

    # -- pass 1 ---------------------------------------------------------------------------

    def prepare(self) -> None:
        for o in self.outcomes:
            if o.prep is None or o.errors:
                continue
            try:
                self._prepare(o)
            except Exception:
                o.prep, o.probe, o.external = None, None, None
                o.errors.append(unforeseen(o.record.row_no))

    def _prepare(self, o: Outcome) -> None:
        """The record's phone in E.164, lowercased email, matching probe and external key."""
        ctx, prep = self.ctx, o.prep
        assert prep is not None
        if prep.data.phone:
            prep.phone_e164, region = phone_of(prep, ctx.region)
            if prep.phone_e164 is None:
                o.phone_tried = region
        o.email = normalize_email(prep.data.email) if prep.data.email else None
        o.probe = probe_record(prep.data, prep.phone_e164)
        if prep.external_id:
            pair = encoding.external_pair(ctx.source, prep.external_id)
            if len(pair[1]) > 200:
                o.prep = None
                o.errors.append(
                    RowError("at most 200 characters with the source name", "external_id",
                             None, prep.external_id)
                )  # fmt: skip
                return
            o.external = pair

    def load(self) -> None:
        ctx, session = self.ctx, self.session
        wanted: dict[str, set[str]] = {}
        keys: set[str] = set()
        for o in self.outcomes:
            if o.probe is None:
                continue
            for key in block_keys(o.probe, o.email):
                if ctx.mode != "create" or key.startswith("n:"):
                    kind, _, value = key.partition(":")
                    wanted.setdefault(kind, set()).add(value)
                    keys.add(key)
        found = batch_repository.block_many(session, ctx.tenant_id, wanted)
        pairs = [o.external for o in self.outcomes if o.external]
        pairs += [pair for o in self.outcomes if o.probe is not None for pair in _source_ids(o)]
        for pair, (cid, deleted) in repository.external_ids(session, ctx.tenant_id, pairs).items():
            if deleted:
                self.deleted_externals.add(pair)
            else:
                self.externals[pair] = cid
        ids = {cid for members in found.values() for cid in members} | set(self.externals.values())
        record_ids = {o.prep.record_id for o in self.outcomes if o.prep and o.prep.record_id}
        if record_ids:
            for cid, deleted in repository.customer_ids(session, ctx.tenant_id, record_ids):
                if deleted:
                    self.deleted_ids.add(cid)
            self.erased_ids = repository.erased_ids(session, ctx.tenant_id, record_ids)
            if self.deleted_ids:
                self.survivors = repository.survivors(session, ctx.tenant_id, self.deleted_ids)
            # stored, in a dry run's overlay, or new
            ids |= record_ids - self.deleted_ids - self.erased_ids
            ids |= set(self.survivors.values())
        overlay_found: dict[str, list[uuid.UUID]] = {}
        overlay: dict[uuid.UUID, tuple[int, dict[str, Any]]] = {}
        if ctx.dry_run:
            keys |= {encoding.external_key(p) for p in pairs}
            overlay_found = repository.overlay_keys(session, ctx.tenant_id, ctx.import_id, keys)
            ids |= {cid for members in overlay_found.values() for cid in members}
            overlay = repository.overlay_states(session, ctx.tenant_id, ctx.import_id, ids)
            gone = self._gone_since(overlay)
            if gone:  # found no more, as in a real run: their live keys are gone with them
                ids -= gone
                for cid in gone:
                    del overlay[cid]
                for key, members in overlay_found.items():
                    overlay_found[key] = [cid for cid in members if cid not in gone]
            for members in overlay_found.values():  # in the order the dry run made them
                members.sort(
                    key=lambda cid: (overlay[cid][0], str(cid)) if cid in overlay else (0, str(cid))
                )
        if record_ids and ctx.dry_run:
            self.made_here = {cid for cid, (origin, _) in overlay.items() if origin}
        elif record_ids:
            self.made_here = set(
                repository.created_rows(session, ctx.tenant_id, ctx.import_id, ids)
            )
        # Customers found by email, phone, external key or id are likely targets: their full
        # rows now. Those found by name alone mostly only get scored: what matching reads of
        # them now, the rest once one becomes a target (``_state``).
        likely = set(self.externals.values()) | record_ids | set(self.survivors.values())
        for key, members in found.items():
            if not key.startswith("k:"):
                likely.update(members)
        stored = ids - set(overlay)
        for row in batch_repository.customer_rows(session, ctx.tenant_id, stored & likely):
            self.states[row["id"]] = State(row["id"], row)
        light = batch_repository.match_rows(session, ctx.tenant_id, stored - likely)
        for cid, (origin, data) in overlay.items():
            self.states[cid] = encoding.decode_state(cid, origin, data)
            self.full.add(cid)
        for key, members in (*found.items(), *overlay_found.items()):
            for cid in members:
                if key.startswith("x:"):
                    source, _, ext = key[2:].partition(":")
                    self.externals[(source, ext)] = cid
                    self.deleted_externals.discard((source, ext))
                else:
                    self.index.add_key(key, cid)
        for cid, st in self.states.items():
            self.originals[cid] = st.copy()
            self.index.put(st.person())
        namesakes = self._namesakes(found)
        for view in light:
            if not namesakes.could_match(view):
                continue  # scores below review for every record of the batch that finds it
            kept = self.seen.pop(view[0], None)  # put back last: the most recently used
            person = kept[1] if kept is not None and kept[0] == view else stored_person(view)
            self.seen[view[0]] = (view, person)
            self.index.put(person)
        trim_seen(self.seen)

    def _gone_since(self, overlay: dict[uuid.UUID, tuple[int, dict[str, Any]]]) -> set[uuid.UUID]:
        """Stored customers in a dry run's overlay (what its earlier batches would have made of
        them) deleted, merged away or erased since: a real run's batch would not find them."""
        stored = {cid for cid, (origin, _) in overlay.items() if not origin}
        if not stored:
            return set()
        tenant_id = self.ctx.tenant_id
        live = {cid for cid, deleted in repository.customer_ids(self.session, tenant_id, stored)
                if not deleted}  # fmt: skip
        return (stored - live) | repository.erased_ids(self.session, tenant_id, live)

    def _namesakes(self, found: dict[str, list[uuid.UUID]]) -> Namesakes:
        probes: dict[str, list[MatchRecord]] = {}
        for o in self.outcomes:
            if o.probe is not None and o.probe.name_key:
                probes.setdefault(o.probe.name_key, []).append(o.probe)
        key_of = {
            cid: key[2:]
            for key, members in found.items()
            if key.startswith("k:")
            for cid in members
        }
        return Namesakes(probes, key_of, self.ctx.review)

    def decide(self) -> None:
        ctx = self.ctx
        for o in self.outcomes:
            prep = o.prep
            if prep is None:
                if not o.errors:
                    o.action, o.note = "skip", "empty row"
                continue
            assert o.probe is not None
            target = None
            if prep.record_id is not None:
                if prep.record_id in self.erased_ids:  # an export from before the erasure
                    o.fail("belongs to a customer whose personal data was erased; not imported "
                           "again", "id", prep.record_id)  # fmt: skip
                    continue
                if prep.record_id in self.deleted_ids and prep.record_id not in self.survivors:
                    o.fail("belongs to a deleted customer; restore it first", "id",
                           prep.record_id)  # fmt: skip
                    continue
                if prep.record_id in self.states:  # this tenant's, or made by an earlier row
                    target = prep.record_id
            if o.external is not None:
                holder = self.externals.get(o.external)
                if holder is None and o.external in self.deleted_externals:
                    o.fail("belongs to a deleted customer; restore it first", "external_id",
                           prep.external_id)  # fmt: skip
                    continue
                if target is None:
                    target = holder
                elif holder is not None and holder != target and ctx.mode != "create":
                    # the id names one customer, the key another: the key is unique, the
                    # record cannot be both (create mode fails it for the id below)
                    o.fail(f"already used by customer {holder}", "external_id",
                           prep.external_id)  # fmt: skip
                    continue
            if ctx.mode == "create":
                if target is not None and target == prep.record_id:
                    o.fail("a customer with this id already exists", "id", prep.record_id)
                    continue
                if target is not None:
                    o.fail(f"already used by customer {target}", "external_id", prep.external_id)
                    continue
                holder = self.index.email_holder(o.email) if o.email else None
                if holder is not None:
                    o.fail(f"a customer with this email already exists ({holder})", "email",
                           prep.data.email)  # fmt: skip
                    continue
                if self._phone_unread(o, None) or self._source_taken(o, None):
                    continue
                self._create(o)
                continue
            survivor = self.survivors.get(prep.record_id) if prep.record_id else None
            if target is not None:
                o.target, o.matched_by, o.score, o.rule = (
                    target,
                    "id" if target == prep.record_id else "external_id",
                    1.0,
                    "authoritative",
                )
            elif survivor is not None:
                # merged away since the export: its survivor, by the import's rule as for a
                # match by email (never authoritative: the row is the duplicate's)
                o.target, o.matched_by, o.score = survivor, "merged_id", 1.0
                o.rule = "overwrite" if ctx.overwrite else "fill"
            else:
                decision = decide(self.index, o.probe, o.email, ctx.auto_merge, ctx.review)
                o.score = decision.best
                if decision.match is not None and self._kept_apart(o, decision.match.person.id):
                    o.score = None
                elif decision.match is not None:
                    o.target = decision.match.person.id
                    o.score, o.reasons = decision.match.score, decision.match.reasons
                    o.matched_by = _REASON.get(str(o.reasons[0]["code"]), "name")
                    o.rule = "overwrite" if ctx.overwrite else "fill"
                else:
                    o.review = decision.review
            if o.target is None:
                if self._phone_unread(o, None) or self._source_taken(o, None):
                    continue
                # a record kept apart from the customer its email found (``_kept_apart``), or
                # scored below auto-merge against it: live emails are unique
                holder = self.index.email_holder(o.email) if o.email else None
                if holder is not None:
                    o.fail(f"a customer with this email already exists ({holder})", "email",
                           prep.data.email)  # fmt: skip
                    continue
                self._create(o)
                continue
            st = self._state(o.target)
            o.matched_row = st.origin_row
            if ctx.mode == "skip":
                o.action = "skip"
                continue
            if self._phone_unread(o, st) or self._source_taken(o, o.target):
                continue
            email = _email_after(st, prep, o.rule or "fill")
            holder = self.index.email_holder(email) if email else None
            if holder is not None and holder != o.target:
                o.fail(f"the email already belongs to customer {holder}", "email", prep.data.email)
                continue
            change = state.apply(st, prep, o.rule or "fill", self.now, o.external, self.ctx.source)
            o.action = "update" if not change.empty else "unchanged"
            self.index.put(st.person())
            if o.external is not None:
                self.externals[o.external] = o.target
            self.externals.update(dict.fromkeys(_source_ids(o), o.target))
        self._matched_rows()

    def _phone_unread(self, o: Outcome, st: State | None) -> bool:
        """Fail the record when no region reads its phone: those of the record's address, then
        the country of the default address of ``st``, the customer it matched."""
        prep = o.prep
        if o.phone_tried is None or prep is None or not prep.data.phone:
            return False
        address = st.default_address() if st is not None else None
        country = str((address or {}).get("country") or "").upper()
        if country and country not in o.phone_tried.split(" or "):
            prep.phone_e164 = e164(prep.data.phone, country)
            if prep.phone_e164 is not None:
                o.phone_tried = None
                return False
        reason = f"not a valid phone number (read with the region {o.phone_tried})"
        o.fail(reason, "phone", prep.data.phone, prep.phone_column)
        return True

    def _source_taken(self, o: Outcome, target: uuid.UUID | None) -> bool:
        """Fail the record when a source id of its sources cell is another customer's: a
        tenant's source id belongs to one customer (the API refuses a second with 409)."""
        for source, ext in _source_ids(o):
            holder = self.externals.get((source, ext))
            if holder is not None and holder != target:
                o.fail(f"{source}:{ext} already belongs to customer {holder}", "sources",
                       f"{source}:{ext}")  # fmt: skip
                return True
            if holder is None and (source, ext) in self.deleted_externals:
                o.fail(f"{source}:{ext} belongs to a deleted customer; restore it first",
                       "sources", f"{source}:{ext}")  # fmt: skip
                return True
        return False

    def _kept_apart(self, o: Outcome, target: uuid.UUID) -> bool:
        """A record with an export's id never merges into a customer this import made from
        another record: where the file comes from, they were two customers."""
        assert o.prep is not None
        return o.prep.record_id is not None and (target in self.created or target in self.made_here)

    def _matched_rows(self) -> None:
        """For a record matched to a customer an earlier batch of this import created: the
        row that created it (asked for these targets only, once the batch has decided)."""
        if self.ctx.dry_run:  # the overlay's states know their rows
            return
        stored = {
            o.target
            for o in self.outcomes
            if o.target is not None and o.action != "create" and o.target not in self.created
        }
        if stored:
            rows = repository.created_rows(
                self.session, self.ctx.tenant_id, self.ctx.import_id, stored
            )
            for o in self.outcomes:
                if o.matched_row is None and o.target in rows and o.action != "create":
                    o.matched_row = rows[o.target]

    def _state(self, cid: uuid.UUID) -> State:
        """The customer's state in this batch; a stored one found by name alone is loaded in
        full when it first becomes a target (nothing in the batch has changed it yet)."""
        st = self.states.get(cid)
        if st is None:
            (row,) = batch_repository.customer_rows(self.session, self.ctx.tenant_id, [cid])
            st = self.states[cid] = State(cid, row)
            self.originals[cid] = st.copy()
        return st

    def _create(self, o: Outcome) -> None:
        assert o.prep is not None
        source = self.ctx.source if self.ctx.source in SOURCES else "import"
        st = state.create(self.ctx.tenant_id, o.prep, self.now, o.external, source)
        o.action, o.target = "create", st.id
        self.states[st.id] = st
        self.created[st.id] = st.copy()
        assert o.probe is not None  # a new customer's matching view is the probe's own
        self.index.put(Person(st.id, o.probe, st.cols["created_at"], o.email))
        if o.external is not None:
            self.externals[o.external] = st.id
        self.externals.update(dict.fromkeys(_source_ids(o), st.id))

    # -- pass 2 ---------------------------------------------------------------------------

    def replay(self) -> None:
        ctx = self.ctx
        updated = {o.target for o in self.outcomes if o.action in ("update", "unchanged")}
        stored = {t for t in updated if t is not None and t not in self.created} - self.full
        tags, addresses, sources = repository.children(
            self.session, ctx.tenant_id, stored, lock=not ctx.dry_run
        )
        # Read again once locked (PostgreSQL): a change made since pass 1 is not overwritten.
        fresh = {
            r["id"]: r for r in batch_repository.customer_rows(self.session, ctx.tenant_id, stored)
        }
        self._still_there(stored, fresh)
        for cid in stored:
            cols = dict(fresh.get(cid) or self.originals[cid].cols)
            cols.pop("address", None)
            self.final[cid] = State(cid, cols, tags[cid], addresses[cid], sources[cid])
        for cid in self.full & updated:
            self.final[cid] = self.originals[cid].copy()
        for cid, st in self.created.items():
            self.final[cid] = st  # pass 2 takes it as created (nothing else reads it)
        for o in self.outcomes:
            if o.action == "create" and o.target is not None:
                o.after = snapshot(self.final[o.target])
            elif o.action in ("update", "unchanged") and o.target is not None and o.prep:
                st = self.final[o.target]
                before = snapshot(st)
                o.change = state.apply(
                    st, o.prep, o.rule or "fill", self.now, o.external, self.ctx.source
                )
                if o.change.empty:
                    o.action = "unchanged"
                else:
                    o.action, o.before, o.after = "update", before, snapshot(st)

    def _still_there(self, ids: set[uuid.UUID], fresh: dict[uuid.UUID, dict[str, Any]]) -> None:
        """Raise Stale when a customer pass 1 decided to update was deleted, merged away or
        erased since it was read (on PostgreSQL another transaction may commit between pass 1
        and the lock): the batch must not write a record that is gone, nor give an erased one
        its data back; decided again, its records find what is stored now. Only a customer
        changed since (``updated_at``) is looked at, so a batch costs nothing more as a rule."""
        changed = {
            cid
            for cid in ids
            if cid not in fresh
            or fresh[cid]["updated_at"] != self.originals[cid].cols["updated_at"]
        }
        if not changed:
            return
        gone = {cid for cid in changed if cid not in fresh or fresh[cid]["deleted_at"] is not None}
        gone |= repository.erased_ids(self.session, self.ctx.tenant_id, changed - gone)
        if gone:
            raise Stale(gone)

    def match(self) -> None:
        """What needs the database: look up, decide, replay (after ``prepare``)."""
        self.load()
        self.decide()
        self.replay()

    def run(self) -> None:
        self.prepare()
        self.match()


def trim_seen(seen: dict[uuid.UUID, Any], limit: int | None = None) -> None:
    """Down to ``limit`` (SEEN_MAX) entries: those used longest ago go (``seen`` is kept in
    the order of use, least recent first)."""
    excess = len(seen) - (SEEN_MAX if limit is None else limit)
    if excess > 0:
        for cid in list(islice(seen, excess)):
            del seen[cid]


@dataclass(frozen=True, slots=True)
class Namesakes:
    """Which customers found by name alone are worth a full matching view. At a million
    customers a batch of 2,000 records finds some 48,000 of them, and on the benchmark's data
    95% score below the review threshold for every record that finds them. ``could_match``
    reads only their contact details, postcode, city, country and birth date, and keeps those
    whose ``scoring.ceiling`` against a record of the batch with their name key reaches the
    threshold. The ones it drops could neither be matched nor queued for review, so the
    batch decides exactly as before (``tests/imports/test_namesakes.py``)."""

    probes: dict[str, list[MatchRecord]]  # the batch's records by name key
    key_of: dict[uuid.UUID, str]  # a customer found by name: the name key that found it
    review: float

    def could_match(self, row: tuple[Any, ...]) -> bool:
        """For a ``batch_repository.match_rows`` row."""
        key = self.key_of.get(row[0])
        if key is None:
            return True  # not found by name (an overlay's key, in a dry run): keep it
        _cid, email, phone, _first, _last, attributes, _made, *address = row
        _line1, postcode, city, country = address
        seen = match_record(  # stored_record without the name and street
            email=email,
            phone_e164=phone,
            postcode=postcode,
            city=city,
            country=country,
            dob=dob_from_attributes(batch_repository.attributes_of(attributes)),
        )
        floor = self.review - 1e-4  # scores are rounded to four places
        return any(scoring.ceiling(probe, seen) >= floor for probe in self.probes.get(key, ()))


def stored_person(row: tuple[Any, ...]) -> Person:
    """The matching view of a stored customer from its ``batch_repository.match_rows`` row."""
    cid, email, phone, first, last, attributes, created_at, *address = row
    record = stored_record(
        email,
        phone,
        first,
        last,
        batch_repository.attributes_of(attributes),
        dict(zip(MATCH_ADDRESS, address, strict=True)),
    )
    return Person(cid, record, batch_repository.created_of(created_at), email)


def _source_ids(o: Outcome) -> list[tuple[str, str]]:
    """The (source, external id) pairs of the record's sources cell that give an id."""
    return [(source, ext) for source, ext in o.prep.sources if ext] if o.prep else []


def phone_of(prep: Prepared, default_region: str) -> tuple[str | None, str]:
    """The record's phone in E.164 (None: not a valid number) and the region it was read in
    (kit.phones.phone_regions; when none reads it, all that were tried, "US or GB").
    An export's ``phone_e164`` column is the number as stored, however the phone is written,
    unless the phone was changed since the export."""
    stored = prep.phone_e164
    raw = prep.data.phone or ""
    if stored is not None and e164(raw, region_of(stored)) == stored:
        return stored, region_of(stored)
    regions = phone_regions(prep.data.addresses, default_region)
    for region in regions:
        found = e164(raw, region)
        if found is not None:
            return found, region
    return None, " or ".join(regions)


def _email_after(st: State, prep: Prepared, rule: str) -> str | None:
    """The lowercased email ``apply`` would give the customer, when it would change it."""
    if "email" not in prep.given or not prep.data.email:
        return None
    email = normalize_email(prep.data.email)
    if email == st.cols["email_normalized"]:
        return None
    if not st.cols["email"] or rule == "authoritative":
        return email
    return None
