"""What a revert gives back of a customer the import updated, field by field (see
``revert``): the values before its first row, unless changed since, parted fields (custom
attributes, tags, addresses, sources) part by part, and earlier emails where no other
customer holds them now."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from rolodex.auth.roles import Principal
from rolodex.customers.normalize import full_name
from rolodex.identity.rows import decode
from rolodex.imports import repository, state
from rolodex.imports import revert_repository as rr
from rolodex.imports.state import State
from rolodex.kit.ids import new_id
from rolodex.kit.time import utcnow
from rolodex.models import StageTransition

DERIVED = frozenset({"email_key", "name_key", "full_name"})  # recomputed from what is restored
UNLISTED = "its value is not the import's any more, changed by a write the audit log does not list"
_ABSENT = object()
_SAME_VALUE = {
    "email": ("email", "email_normalized"),
    "email_normalized": ("email", "email_normalized"),
    "phone": ("phone", "phone_e164"),
    "phone_e164": ("phone", "phone_e164"),
}


def _fields(column: str) -> tuple[str, ...]:
    """The snapshot fields (as audit entries name them) that show this column, its part of
    a parted field first ("consent.email_at"), then the whole ("consent")."""
    if column.startswith(("email_consent", "sms_consent")):
        return (f"consent.{column.replace('_consent', '')}", "consent")
    if column.startswith("utm_"):
        return (f"utm.{column.removeprefix('utm_')}", "utm")
    return _SAME_VALUE.get(column, (column,))


def restores(rows: list[Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The columns the rows changed: their values before the first row, and after the last."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for row in rows:
        for name, (was, now) in (row.changes or {}).get("cols", {}).items():
            before.setdefault(name, decode(was))
            after[name] = decode(now)
    return before, after


def restorable(name: str) -> bool:
    return name != "updated_at" and name not in DERIVED and name in state.WRITABLE


def unlisted(
    rows: list[Any], current: dict[str, Any], touched: dict[str, str], done_before: set[str]
) -> None:
    """Add to ``touched`` the columns the rows changed that hold another value now though no
    entry since names them: writes the audit log does not list (an event moves
    ``last_active_at`` on) are kept like any change since."""
    for name, left in restores(rows)[1].items():
        fields = _fields(name)
        if name == "attributes" or not restorable(name):
            continue  # attributes are weighed key by key (_attributes_back)
        if not set(fields) & (touched.keys() | done_before) and current.get(name) != left:
            touched[fields[0]] = UNLISTED


def email_back(
    rows: list[Any], current: dict[str, Any], touched: dict[str, str], done_before: set[str]
) -> str | None:
    """The email the customer had before the import, when the revert is to give it back."""
    email = restores(rows)[0].get("email_normalized")
    if not email or email == current["email_normalized"]:
        return None
    if {"email", "email_normalized"} & (touched.keys() | done_before):
        return None
    return str(email)


def emails_blocked(
    session: Session,
    tenant_id: uuid.UUID,
    wanted: dict[uuid.UUID, str],
    gone: set[uuid.UUID],
) -> dict[uuid.UUID, str]:
    """Of the customers to get an earlier email back (``wanted``), those who cannot, and why
    (live emails are unique): another live customer holds it, unless that one lets go of it
    in this batch (removed, or given back its own earlier email: what an import passed along
    from one customer to the next, its revert passes back). Two wanting one: the first."""
    blocked: dict[uuid.UUID, str] = {}
    first: dict[str, uuid.UUID] = {}
    for cid, email in wanted.items():
        if first.setdefault(email, cid) != cid:
            blocked[cid] = (
                f"its earlier email {email} belongs to another customer of this import now"
            )
    holders = {c: rr.email_holder(session, tenant_id, e, c) for c, e in wanted.items()}
    changed = True
    while changed:  # one kept email may keep the next in the chain
        changed = False
        for cid, email in wanted.items():
            holder = holders[cid]
            if cid in blocked or holder is None or holder in gone:
                continue
            if holder in wanted and holder not in blocked:
                continue
            blocked[cid] = f"its earlier email {email} belongs to customer {holder} now"
            changed = True
    return blocked


def _parts_back(
    field: str,
    items: set[str],
    part: Any,
    touched: dict[str, str],
    done_before: set[str],
    kept: set[str],
) -> set[str]:
    """Of the items the import added to a parted field (tags, address ids, source ids), those
    to take back: not put back by an earlier pass, nor changed since (those go in ``kept``).
    ``part`` names an item's part ("tags.vip")."""
    out = set()
    for item in items:
        names = {f"{field}.{part(item)}", field}
        if names & done_before:
            continue
        hit = names & touched.keys()
        if hit:
            kept.update(hit)
            continue
        out.add(item)
    return out


def _address_parts_back(
    st: State,
    changed: dict[str, tuple[dict[str, Any], dict[str, Any]]],
    touched: dict[str, str],
    done_before: set[str],
    kept: set[str],
) -> dict[str, dict[str, Any]]:
    """Of the stored addresses whose parts the import changed (address id → parts before,
    after), the parts to put back: not for an address changed since (named by an entry, or
    whose parts are not the import's any more) nor put back by an earlier pass."""
    now = {str(a["id"]): a for a in st.addresses or []}
    ids = _parts_back("addresses", changed.keys() & now.keys(), str, touched, done_before, kept)
    out = {}
    for aid in ids:
        was, left = changed[aid]
        if any(now[aid].get(k) != v for k, v in left.items()):
            touched[f"addresses.{aid}"] = UNLISTED
            kept.add(f"addresses.{aid}")
            continue
        out[aid] = was
    return out


def _attributes_back(
    c: dict[str, Any],
    was: Any,
    left: Any,
    touched: dict[str, str],
    done_before: set[str],
    kept: set[str],
) -> bool:
    """Put back, key by key, the custom attributes the import changed (``was`` before it,
    ``left`` as it left them) but not the keys changed since, by an entry or a write the
    audit log does not list (those go in ``kept``). Whether any went back."""
    was, left = was or {}, left or {}
    now = dict(c["attributes"] or {})
    out = dict(now)
    for key in set(was) | set(left):
        if was.get(key, _ABSENT) == left.get(key, _ABSENT):
            continue
        names = {f"attributes.{key}", "attributes"}
        if names & done_before:
            continue
        hit = names & touched.keys()
        if not hit and now.get(key, _ABSENT) != left.get(key, _ABSENT):
            touched[f"attributes.{key}"] = UNLISTED
            hit = {f"attributes.{key}"}
        if hit:
            kept.update(hit)
        elif key in was:
            out[key] = was[key]
        else:
            out.pop(key, None)
    if out == now:
        return False
    c["attributes"] = out
    return True


def undo_updates(
    session: Session,
    st: State,
    rows: list[Any],
    principal: Principal,
    touched: dict[str, str],
    done_before: set[str],
) -> tuple[bool, set[str]]:
    """Put back what the rows changed (the earliest row's 'before' wins), in place, but not
    the fields in ``touched`` (changed since, or an email another customer keeps; field →
    why) nor those an earlier pass put back (``done_before``). Whether anything was put
    back, and which touched fields the rows had changed (kept)."""
    restore = restores(rows)[0]
    tags: set[str] = set()
    address_ids: set[str] = set()
    source_ids: set[str] = set()
    source_values: dict[str, tuple[Any, Any]] = {}
    address_values: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}  # parts before, after
    for row in rows:
        change = row.changes or {}
        tags.update(change.get("tags", []))
        address_ids.update(change.get("addresses", []))
        source_ids.update(change.get("sources_added", []))
        for sid, ext, synced in change.get("sources_changed", []):
            source_values.setdefault(sid, (ext, decode(synced)))
        for aid, was, now in change.get("addresses_changed", []):
            first, last = address_values.setdefault(aid, ({}, {}))
            for part, value in was.items():
                first.setdefault(part, value)  # the earliest row's 'before' wins
            last.update(now)
    kept: set[str] = set()
    # what is gone since has nothing left to take back
    source_of = {str(s["id"]): str(s["source"]) for s in st.sources or []}
    tags &= set(st.tags or [])
    address_ids &= {str(a["id"]) for a in st.addresses or []}
    tags = _parts_back("tags", tags, str.lower, touched, done_before, kept)
    address_ids = _parts_back("addresses", address_ids, str, touched, done_before, kept)
    source_ids = _parts_back(
        "sources", source_ids & source_of.keys(), source_of.get, touched, done_before, kept
    )
    back = _parts_back(
        "sources", source_values.keys() & source_of.keys(), source_of.get, touched, done_before,
        kept,
    )  # fmt: skip
    source_values = {k: v for k, v in source_values.items() if k in back}
    parts_back = _address_parts_back(st, address_values, touched, done_before, kept)
    c = st.cols
    stage_before = c["lifecycle_stage"]
    undone = False
    for name, value in restore.items():
        if not restorable(name) or done_before & set(_fields(name)):
            continue
        if name == "attributes":
            left = restores(rows)[1].get(name)
            undone = _attributes_back(c, value, left, touched, done_before, kept) or undone
            continue
        hit = touched.keys() & set(_fields(name))
        if hit:
            kept.update(hit)
            continue
        c[name] = value
        undone = True
    if {"first_name", "last_name"} & restore.keys() - kept:  # the names it has now
        c["full_name"] = full_name(c["first_name"], c["last_name"])
    c.update(state.keys(c["email_normalized"], c["first_name"], c["last_name"]))
    undone = undone or bool(tags or address_ids or source_ids or source_values or parts_back)
    if not undone:
        return False, kept
    c["updated_at"] = utcnow()
    removed_tags = [t for t in st.tags or [] if t in tags]
    st.tags = [t for t in st.tags or [] if t not in tags]
    st.addresses = [
        {**a, **parts_back.get(str(a["id"]), {})}
        for a in st.addresses or []
        if str(a["id"]) not in address_ids
    ]
    kept_sources = []
    updates = []
    for s in st.sources or []:
        if str(s["id"]) in source_ids:
            continue
        if str(s["id"]) in source_values:
            s["external_id"], s["last_synced_at"] = source_values[str(s["id"])]
            updates.append(s)
        kept_sources.append(s)
    st.sources = kept_sources
    tenant_id = c["tenant_id"]
    rr.delete_tags(session, tenant_id, [(st.id, t) for t in removed_tags])
    rr.delete_by_id(session, rr.ADDRESSES, tenant_id, [uuid.UUID(a) for a in address_ids])
    rr.delete_by_id(session, rr.SOURCES, tenant_id, [uuid.UUID(s) for s in source_ids])
    repository.update_sources(session, updates)
    repository.update_addresses(session, [a for a in st.addresses if str(a["id"]) in parts_back])
    if c["lifecycle_stage"] != stage_before:
        session.add(
            StageTransition(
                tenant_id=tenant_id,
                id=new_id(),
                customer_id=st.id,
                from_stage=stage_before,
                to_stage=c["lifecycle_stage"],
                reason="import reverted",
                ltv_amount=None,
                ltv_before=c["ltv"],
                ltv_after=c["ltv"],
                actor_type=principal.actor_type,
                actor_id=principal.actor_id,
                created_at=utcnow(),
            )
        )
    return True, kept
