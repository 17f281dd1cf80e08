"""A customer as plain values, and what one imported record does to it, pure.

``create`` builds a new customer the way ``customers.service.create_customer`` does (same
defaults, derived fields, matching keys, first address default, the ``import`` source when no
other is given). ``apply`` updates an existing one by one of three rules:

* ``fill`` — a record matched by email/phone/name (match_or_create's rule): empty fields are
  filled, tags added, new attributes added, addresses set when it has none, sources merged,
  an explicit consent applied (unless the file dates it before the stored choice), a later
  last-active time taken; a value that differs from a present one is kept and reported as a
  conflict.
* ``overwrite`` — the same match, with the import's ``overwrite`` option: present values are
  replaced by the record's (blank cells never erase), except email and phone, which identify
  the customer and are only filled.
* ``authoritative`` — a record matched by its external key: like ``overwrite``, email and
  phone included.

The customer's API representation of a state is in ``imports.snapshot``.
"""

from __future__ import annotations

import unicodedata
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from rolodex.customers.normalize import clean_tags, full_name, normalize_email
from rolodex.identity import normalize
from rolodex.identity.batch import Person, stored_record
from rolodex.identity.normalize import fold
from rolodex.imports.rows import Prepared
from rolodex.kit.ids import new_id
from rolodex.models.customers import link_for

FILLABLE = ("first_name", "last_name", "company", "acquisition_source", "notes", "internal_notes")
CHOICES = ("lifecycle_stage", "status", "customer_type")
UTM = ("source", "medium", "campaign", "term", "content")
# Columns an import may change on an existing customer (and revert may set back).
WRITABLE = (
    "email",
    "email_normalized",
    "email_key",
    "phone",
    "phone_e164",
    "first_name",
    "last_name",
    "full_name",
    "name_key",
    "company",
    "lifecycle_stage",
    "status",
    "customer_type",
    "notes",
    "internal_notes",
    "attributes",
    "email_consent",
    "email_consent_at",
    "email_consent_source",
    "sms_consent",
    "sms_consent_at",
    "sms_consent_source",
    "acquisition_source",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
    "last_active_at",
    "updated_at",
)


@dataclass(slots=True)
class State:
    """Column values of a customer and its rows. ``tags``/``addresses``/``sources`` are None
    while only the columns are loaded (``cols["address"]`` is then its default address)."""

    id: uuid.UUID
    cols: dict[str, Any]
    tags: list[str] | None = None
    addresses: list[dict[str, Any]] | None = None
    sources: list[dict[str, Any]] | None = None
    origin_row: int | None = None  # the row of this import that created it

    def default_address(self) -> dict[str, Any] | None:
        if self.addresses is None:
            address: dict[str, Any] | None = self.cols.get("address")
            return address
        if not self.addresses:
            return None
        return next((a for a in self.addresses if a["is_default"]), self.addresses[0])

    def has_addresses(self) -> bool:
        return self.default_address() is not None

    def person(self) -> Person:
        c = self.cols
        record = stored_record(
            c["email_normalized"],
            c["phone_e164"],
            c["first_name"],
            c["last_name"],
            c["attributes"],
            self.default_address(),
        )
        return Person(self.id, record, c["created_at"], c["email_normalized"])

    def copy(self) -> State:
        return State(
            self.id,
            dict(self.cols),
            list(self.tags) if self.tags is not None else None,
            [dict(a) for a in self.addresses] if self.addresses is not None else None,
            [dict(s) for s in self.sources] if self.sources is not None else None,
            self.origin_row,
        )


@dataclass(slots=True)
class Change:
    """What one record changed on one customer: enough to write it and to revert it."""

    cols: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    tags_added: list[str] = field(default_factory=list)
    addresses_added: list[dict[str, Any]] = field(default_factory=list)
    sources_added: list[dict[str, Any]] = field(default_factory=list)
    sources_changed: list[tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    # a stored address the file gives again (same street and postcode) with other parts
    addresses_changed: list[tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    filled: list[str] = field(default_factory=list)
    stage_from: str | None = None

    @property
    def empty(self) -> bool:
        return not (
            self.cols
            or self.tags_added
            or self.addresses_added
            or self.sources_added
            or self.sources_changed
            or self.addresses_changed
        )


def keys(email_normalized: str | None, first: str | None, last: str | None) -> dict[str, Any]:
    return {
        "email_key": normalize.email_key(email_normalized),
        "name_key": normalize.name_key(first, last),
    }


def _address_rows(
    tenant_id: uuid.UUID,
    customer_id: uuid.UUID,
    items: list[Any],
    now: datetime,
    *,
    first_default: bool,
) -> list[dict[str, Any]]:
    rows = []
    for n, item in enumerate(items):
        values = item.model_dump()
        rows.append(
            {
                "tenant_id": tenant_id,
                "id": new_id(),
                "customer_id": customer_id,
                **values,
                "created_at": now + timedelta(microseconds=n),  # keeps the given order
            }
        )
    if rows and first_default and not any(r["is_default"] for r in rows):
        rows[0]["is_default"] = True
    return rows


def _source_row(
    tenant_id: uuid.UUID, customer_id: uuid.UUID, source: str, ext: str | None, at: datetime | None
) -> dict[str, Any]:
    return {
        "tenant_id": tenant_id,
        "id": new_id(),
        "customer_id": customer_id,
        "source": source,
        "external_id": ext,
        "last_synced_at": at,
    }


def create(
    tenant_id: uuid.UUID,
    prep: Prepared,
    now: datetime,
    external: tuple[str, str] | None,
    source: str = "import",
) -> State:
    """A new customer from a record (as ``create_customer`` makes one); without a source of
    its own it comes from ``source`` (the import's, when it is one of ours: ``shopify``)."""
    data = prep.data
    cid = prep.record_id or new_id()  # an export's id, when no customer here has it
    email_normalized = normalize_email(data.email) if data.email else None
    consent = prep.consent
    cols: dict[str, Any] = {
        "tenant_id": tenant_id,
        "id": cid,
        "email": data.email,
        "email_normalized": email_normalized,
        "phone": data.phone,
        "phone_e164": prep.phone_e164 if data.phone else None,
        "first_name": data.first_name or None,
        "last_name": data.last_name or None,
        "full_name": full_name(data.first_name, data.last_name),
        "company": data.company,
        "lifecycle_stage": data.lifecycle_stage or "prospect",
        "status": data.status or "active",
        "customer_type": data.customer_type or "guest",
        "notes": data.notes,
        "internal_notes": data.internal_notes,
        "attributes": dict(data.attributes or {}),
        "acquisition_source": data.acquisition_source,
        "ltv": prep.ltv or Decimal("0.00"),
        "order_count": 0,
        "first_order_at": None,
        "last_order_at": None,
        "last_active_at": data.last_active_at,
        "deleted_at": None,
        "merged_into_id": None,
        "created_at": prep.created_at or now,
        "updated_at": now,
        **keys(email_normalized, data.first_name, data.last_name),
    }
    for part in UTM:
        cols[f"utm_{part}"] = getattr(data.utm, part) if data.utm else None
    for channel in ("email", "sms"):
        given = consent.get(f"{channel}_consent")
        at = consent.get(f"{channel}_consent_at")
        cols[f"{channel}_consent"] = bool(given)
        cols[f"{channel}_consent_at"] = at if at is not None else (now if given else None)
        cols[f"{channel}_consent_source"] = consent.get(f"{channel}_consent_source")
    addresses = _address_rows(tenant_id, cid, data.addresses or [], now, first_default=True)
    sources: list[dict[str, Any]] = []
    for s, e in prep.sources:  # one row a source id, as ``_sources`` (and the API) merge them
        if e == "":  # a link without an id beside ids (cells.sources_value)
            if not any(r["source"] == s and r["external_id"] is None for r in sources):
                sources.append(_source_row(tenant_id, cid, s, None, None))
            continue
        same = next(
            (
                r
                for r in sources
                if r["source"] == s and (e is None or r["external_id"] in (None, e))
            ),
            None,
        )
        if same is None:
            sources.append(
                _source_row(tenant_id, cid, s, e, prep.synced.get((s, e), now) if e else None)
            )
        elif e is not None and same["external_id"] is None:
            same["external_id"], same["last_synced_at"] = e, prep.synced.get((s, e), now)
    if external is not None and not any(
        s["source"] == external[0] and s["external_id"] == external[1] for s in sources
    ):
        sources.append(_source_row(tenant_id, cid, external[0], external[1], now))
    if not sources:
        sources.append(_source_row(tenant_id, cid, source, None, None))
    return State(cid, cols, list(data.tags), addresses, sources, prep.row_no)


def _iso(value: Any) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)


def _same_text(a: Any, b: Any) -> bool:
    return fold(str(a or "")) == fold(str(b or ""))


def _same_form(a: str, b: str) -> bool:
    """The same text in another Unicode form (é as one character, or e and its accent)."""
    return unicodedata.normalize("NFC", a) == unicodedata.normalize("NFC", b)


def apply(
    state: State,
    prep: Prepared,
    rule: str,
    now: datetime,
    external: tuple[str, str] | None,
    source: str = "import",
) -> Change:
    """Update ``state`` in place by one record under ``rule`` (fill, overwrite or
    authoritative); returns what changed. ``source`` is the import's: where a consent it
    changes came from, when the record gives no consent source."""
    data, given, c = prep.data, prep.given, state.cols
    change = Change()
    replace = rule != "fill"

    def put(name: str, value: Any) -> None:
        if c.get(name) != value:
            change.cols.setdefault(name, (c.get(name), value))
            c[name] = value

    def conflict(name: str, kept: Any, value: Any) -> None:
        change.conflicts.append({"field": name, "kept": str(kept), "given": str(value)})

    if "email" in given and data.email:
        email = normalize_email(data.email)
        if not c["email"]:
            put("email", data.email)
            put("email_normalized", email)
            change.filled.append("email")
        elif email != c["email_normalized"]:
            if rule == "authoritative":
                put("email", data.email)
                put("email_normalized", email)
            else:
                conflict("email", c["email"], data.email)
    if "phone" in given and data.phone:
        if not c["phone"]:
            put("phone", data.phone)
            put("phone_e164", prep.phone_e164)
            change.filled.append("phone")
        elif prep.phone_e164 != c["phone_e164"]:
            if rule == "authoritative":
                put("phone", data.phone)
                put("phone_e164", prep.phone_e164)
            else:
                conflict("phone", c["phone"], data.phone)
    for name in FILLABLE:
        value = getattr(data, name)
        if name not in given or value in (None, ""):
            continue
        if c[name] in (None, ""):
            put(name, value)
            change.filled.append(name)
        elif replace and not _same_form(value, c[name]):
            put(name, value)  # as written: a correction of case or accents is one too
        elif not _same_text(value, c[name]):
            conflict(name, c[name], value)
    for name in CHOICES:
        value = getattr(data, name)
        if name in given and value is not None and value != c[name]:
            if replace:
                if name == "lifecycle_stage":
                    change.stage_from = c[name]
                put(name, value)
            else:
                conflict(name, c[name], value)
    if prep.ltv is not None and prep.ltv != c["ltv"]:
        # an existing customer's LTV is its ledger's (orders, stage changes), never a file's
        conflict("ltv", c["ltv"], prep.ltv)
    if prep.created_at is not None and prep.created_at != c["created_at"]:
        conflict("created_at", _iso(c["created_at"]), _iso(prep.created_at))  # kept: history
    _attributes(c, data.attributes or {}, replace, change, put)
    if data.utm is not None:
        for part in UTM:
            value = getattr(data.utm, part)
            if value and (not c[f"utm_{part}"] or (replace and value != c[f"utm_{part}"])):
                put(f"utm_{part}", value)
    _addresses(state, data.addresses or [], replace, now, change)
    _consent(c, prep.consent, now, put, change, source)
    if data.last_active_at and (
        c["last_active_at"] is None or data.last_active_at > c["last_active_at"]
    ):
        put("last_active_at", data.last_active_at)
    _sources(state, prep, external, now, change)
    if state.tags is not None:
        current = {t.lower() for t in state.tags}
        added = [t for t in clean_tags(list(data.tags)) if t.lower() not in current]
        state.tags.extend(added)
        change.tags_added = added
    if {"first_name", "last_name"} & set(change.cols):
        put("full_name", full_name(c["first_name"], c["last_name"]))
    if {"email_normalized", "first_name", "last_name"} & set(change.cols):
        for name, value in keys(c["email_normalized"], c["first_name"], c["last_name"]).items():
            put(name, value)
    if not change.empty:
        put("updated_at", now)
    return change


def _attributes(c: dict[str, Any], given: dict[str, Any], replace: bool, change: Change,
                put: Any) -> None:  # fmt: skip
    current = c["attributes"] or {}
    merged = dict(current)
    for key, value in given.items():
        if key not in current:
            merged[key] = value
        elif current[key] != value:
            if replace:
                merged[key] = value
            else:
                change.conflicts.append(
                    {"field": f"attributes.{key}", "kept": str(current[key]), "given": str(value)}
                )
    if merged != current:
        if set(merged) - set(current):
            change.filled.append("attributes")
        put("attributes", merged)


# Parts of a stored address that the file may change; its street and postcode say which
# address it is (another street or postcode is another address, added), and its type and
# default flag are the customer's choice.
ADDRESS_PARTS = ("line2", "city", "region", "country", "lat", "lng", "timezone")


def address_order(address: dict[str, Any]) -> tuple[Any, ...]:
    """The order the API shows a customer's addresses in (customers.loading): the default
    first, then by creation, the id breaking ties of one creation time."""
    return (not address["is_default"], address["created_at"], address["id"])


def _address_key(line1: str | None, postcode: str | None) -> tuple[str | None, str | None]:
    return normalize.street_key(line1), normalize.postcode_key(postcode)


def _addresses(
    state: State, given: list[Any], replace: bool, now: datetime, change: Change
) -> None:
    if not given:
        return
    tenant_id, cid = state.cols["tenant_id"], state.id
    if not state.has_addresses():
        rows = _address_rows(tenant_id, cid, given, now, first_default=True)
        change.filled.append("addresses")
    else:
        # an address held twice (a merge moves the other's): the one shown first, whatever
        # the order of the rows (the last of them was filled)
        stored = (
            sorted(state.addresses, key=address_order)
            if state.addresses is not None
            else [state.default_address()]
        )
        known: dict[tuple[str | None, str | None], dict[str, Any]] = {}
        for a in stored:
            if a is not None:
                known.setdefault(_address_key(a["line1"], a["postcode"]), a)
        fresh = []
        for a in given:
            key = _address_key(a.line1, a.postcode)
            if key in known:
                known[key] = _address_parts(state, known[key], a, replace, change)
            else:
                fresh.append(a)
        if not fresh:
            return
        if not replace:
            for a in fresh:
                change.conflicts.append(
                    {
                        "field": "addresses",
                        "kept": "existing addresses",
                        "given": ", ".join(filter(None, (a.line1, a.postcode, a.city))),
                    }
                )
            return
        rows = _address_rows(tenant_id, cid, fresh, now, first_default=False)
        for row in rows:
            row["is_default"] = False
    change.addresses_added = rows
    if state.addresses is not None:
        state.addresses.extend(rows)
    elif state.cols.get("address") is None:
        default = next((r for r in rows if r["is_default"]), None)
        state.cols["address"] = default


def _address_parts(
    state: State, stored: dict[str, Any], given: Any, replace: bool, change: Change
) -> dict[str, Any]:
    """The file's address is one stored already: its other parts fill the stored address's
    empty ones, and replace the rest under ``replace`` (else the stored are kept, said as
    conflicts). A city or country corrected in a spreadsheet was dropped, the row unchanged.
    The stored address is replaced, not changed in place (earlier copies of the state share
    it); returns the address as it is now."""
    parts: dict[str, Any] = {}
    for part in ADDRESS_PARTS:
        value, was = getattr(given, part), stored.get(part)
        if value in (None, "") or value == was:
            continue
        if was in (None, ""):
            parts[part] = value
        elif isinstance(value, str) and isinstance(was, str):
            if replace and not _same_form(value, was):
                parts[part] = value
            elif not _same_text(value, was):
                change.conflicts.append({"field": f"address.{part}", "kept": was, "given": value})
        elif replace:
            parts[part] = value
        else:
            change.conflicts.append({"field": f"address.{part}", "kept": str(was),
                                     "given": str(value)})  # fmt: skip
    if not parts:
        return stored
    after = {**stored, **parts}
    change.addresses_changed.append((stored, after))
    if state.addresses is not None:
        state.addresses[:] = [after if a is stored else a for a in state.addresses]
    if state.cols.get("address") is stored:
        state.cols["address"] = after
    return after


def _consent(
    c: dict[str, Any],
    consent: dict[str, Any],
    now: datetime,
    put: Any,
    change: Change,
    source: str,
) -> None:
    """An explicit choice is applied, as the API applies one, unless the file dates it
    before the choice stored: an old list must not resubscribe who unsubscribed since. Its
    source is the record's consent source, else the import's ``source``: a changed choice
    keeps saying where it came from (it was stored null, the old choice's source lost)."""
    for channel in ("email", "sms"):
        value = consent.get(f"{channel}_consent")
        if value is None or value == c[f"{channel}_consent"]:
            continue
        at = consent.get(f"{channel}_consent_at")
        stored_at = c[f"{channel}_consent_at"]
        if at is not None and stored_at is not None and at < stored_at:
            change.conflicts.append(
                {"field": f"{channel}_consent",
                 "kept": f"{c[f'{channel}_consent']} ({_iso(stored_at)})",
                 "given": f"{value} ({_iso(at)})"}
            )  # fmt: skip
            continue
        put(f"{channel}_consent", value)
        put(f"{channel}_consent_at", at if at is not None else now)
        put(f"{channel}_consent_source", consent.get(f"{channel}_consent_source") or source)


def _sources(
    state: State, prep: Prepared, external: tuple[str, str] | None, now: datetime, change: Change
) -> None:
    """``customers.service._merge_sources`` for the record's sources and external key."""
    if state.sources is None:
        return
    wanted = list(prep.sources) + ([external] if external else [])
    for source, ext in sorted(wanted, key=lambda w: w[1] == ""):  # links without an id last
        if ext == "":  # a link without an id beside ids (cells.sources_value)
            if any(s["source"] == source and s["external_id"] is None for s in state.sources):
                continue
            ext = None
        elif ext is None:
            if any(s["source"] == source for s in state.sources):
                continue  # provenance without a key: this source is already known
        else:
            link = link_for(state.sources, source, ext, lambda s: (s["source"], s["external_id"]))
            if link is not None and link["external_id"] == ext:
                continue  # already known: a re-import of the same file changes nothing
            if link is not None:  # a link of the source without an id: it takes this one
                before = dict(link)
                link["external_id"] = ext
                link["last_synced_at"] = prep.synced.get((source, ext), now)
                change.sources_changed.append((before, dict(link)))
                continue
        at = prep.synced.get((source, ext), now) if ext else None
        row = _source_row(state.cols["tenant_id"], state.id, source, ext, at)
        state.sources.append(row)
        change.sources_added.append(row)
