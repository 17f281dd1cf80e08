"""One record of a file → customer data and per-field errors, pure.

The profile is validated by ``customers.schemas.CustomerCreate`` (the API's own rules); the
email by ``fast_check_email``, which gives the same verdict as ``check_email`` and caches the
expensive part (the domain). What CustomerCreate has no field for is read here: the external
key, a historic creation time, an opening LTV, consent times and sources, provenance.
"""

from __future__ import annotations

import logging
import re
import uuid
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import orjson
from pydantic import ValidationError

from rolodex.customers.schemas import CustomerCreate, CustomerImport
from rolodex.exports.csv_safety import restore
from rolodex.identity.normalize import DOB_ATTRIBUTES
from rolodex.imports import countries, dates, mapping, names, words
from rolodex.imports.cells import (
    CellError,
    attr_cell,
    bigcommerce_addresses,
    birth_reading,
    bool_value,
    count_value,
    country_value,
    datetime_read,
    e164,
    e164_value,
    email_values,
    enum_value,
    fast_check_email,
    google_values,
    has_nul,
    json_list,
    money_value,
    opt_out_value,
    phone_values,
    read_note,
    record_id_value,
    shown,
    sources_value,
    split_tags,
    spreadsheet_cell,
    timezone_value,
    trim,
    whole_number,
)
from rolodex.ingest import shopify
from rolodex.kit.phones import phone_regions, region_of

log = logging.getLogger("rolodex.imports")

_UTM = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")
_PROFILE = ("first_name", "last_name", "company", "notes", "internal_notes", "acquisition_source")


@dataclass(slots=True)
class RowError:
    reason: str
    field: str | None = None
    column: str | None = None
    value: str | None = None


# A row whose reading raised what no check foresaw: it fails alone, with this reason, and the
# import goes on (the error and its traceback go to the server's log).
UNFORESEEN = "this row could not be read: an unexpected error, written to the server log"


# A row with no email, phone, name, company or id: a sheet's sum row (",,30"), a note under
# the table. It would be a customer no one can find or match, its LTV in every figure.
NAMES_NO_ONE = (
    "names no one: no email, phone, name, company or id (a sheet's totals or notes row?); "
    "give one of them to import it"
)


def unforeseen(row_no: int) -> RowError:
    log.exception("import row %d could not be read", row_no)
    return RowError(UNFORESEEN)


@dataclass(slots=True)
class Prepared:
    """A valid record: ``data`` as the API would take it, plus what imports add."""

    row_no: int
    line: int
    data: CustomerCreate
    given: frozenset[str]  # CustomerCreate fields the record gave a value for
    phone_e164: str | None = None
    external_id: str | None = None
    record_id: uuid.UUID | None = None  # an export's id: this tenant's customer, or a new one's
    created_at: datetime | None = None
    ltv: Decimal | None = None
    consent: dict[str, Any] = field(default_factory=dict)
    sources: list[tuple[str, str | None]] = field(default_factory=list)
    phone_column: str | None = None  # where the phone came from, when not the phone's column
    # when a source of ``sources`` was last synced, as the file says (a JSON export's sources)
    synced: dict[tuple[str, str], datetime] = field(default_factory=dict)
    # how cells not written as their field's values were read (45292 as an Excel day), for
    # the row's note in the report
    notes: list[str] = field(default_factory=list)


# -- records ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Options:
    default_tags: tuple[str, ...] = ()
    tag_delimiter: str | None = None
    is_csv: bool = True
    day_first: bool | None = None  # the file's date order (dates.order_of), None: unknown
    # the tenant's phone region: a record failing for other cells says of its phone too
    region: str | None = None


def _text(raw: Any) -> str:
    """Text as given (the schema trims where the API trims); numbers from JSON as text."""
    if isinstance(raw, str):
        return raw
    if isinstance(raw, bool) or not isinstance(raw, int | float | Decimal):
        raise CellError("must be text")
    return str(raw)


# Shopify's address keys (its webhook's and its Admin API's customers): read by its webhook's
# own reading (ingest.shopify), not a second copy of it
_SHOPIFY_ADDRESS = frozenset({"address1", "address2", "province", "province_code", "zip",
                              "country_code", "country_name"})  # fmt: skip
# A customer's account states in a bare "State" column, not a region: Shopify's (its JSON's
# top-level "state") and a mailing list's subscriber (Kit: active, inactive, cancelled; its
# bounced and complained are subscription words, read as email consent). Kept as the
# attribute account_state; they were stored as an address of region "active".
ACCOUNT_STATES = frozenset({"enabled", "disabled", "invited", "declined", "active", "inactive",
                            "cancelled", "canceled", "unconfirmed"})  # fmt: skip
# Where a contact list's items hold their value: {"value": ...} (Google), {"number": ...}
_ITEM_KEYS = ("value", "address", "email", "number", "phone", "phone_number", "e164")


def _listed_address(item: dict[str, Any]) -> dict[str, Any]:
    """One address object of a JSON record: Rolodex's own parts, or Shopify's (address1,
    province_code, zip, country_code...) as its webhook reads them."""
    if _SHOPIFY_ADDRESS.isdisjoint(item):
        keep = set(mapping.ADDRESS_PARTS)
        return _address({k: v for k, v in item.items() if k in keep and v is not None})
    rec = shopify.address_of(item)
    if rec is None:
        return {}
    parts = {k: v for k, v in asdict(rec).items() if v not in (None, "", False)}
    if "country" not in parts and isinstance(item.get("country"), str) and item["country"]:
        parts["country"] = country_value(item["country"])  # a name without its code
    return parts


def _listed(raw: Any) -> list[str]:
    """The values of a contact list ("emails": ["a@x", "b@y"], "phones": [{"number": ...}]),
    primary first, as text."""
    items = raw if isinstance(raw, list) else [raw]
    ranked = sorted(items, key=lambda i: not (isinstance(i, dict) and i.get("primary") is True))
    out = []
    for item in ranked:
        if isinstance(item, dict):
            item = next((item[k] for k in _ITEM_KEYS if item.get(k) not in (None, "")), None)
        if item is None or item == "":
            continue
        text = _text(item)
        if text.strip():
            out.append(text)
    return out


def _name_parts(raw: dict[str, Any], body: dict[str, Any], extra: dict[str, Any]) -> None:
    """A name object ({"first": ..., "last": ...}, {"givenName": ..., "familyName": ...}): its
    parts, unless the record's own first or last name column gives them."""
    for key, value in raw.items():
        if value in (None, ""):
            continue
        target = mapping.guess(str(key))[0]
        if target in ("first_name", "last_name"):
            body.setdefault(target, _text(value))
        elif target == "full_name":
            extra.setdefault("full_name", " ".join(_text(value).split()))


_TWO_SPACES = re.compile(r" {2,}")
_KEPT_WHOLE = (
    "address {!r} kept whole as its first line: its parts, two spaces apart, are not "
    "Mailchimp's (street, second line, city, state, zip, country)"
)
# A consent time the row gives no consent with. Mailchimp's OPTIN_TIME and CONFIRM_TIME are
# in its exports of unsubscribed and cleaned members too (beside UNSUB_TIME, CLEAN_TIME): they
# say when someone once subscribed, not that they are subscribed, and only the file's name
# (subscribed_members_export_...) tells the lists apart. A time is stored with the consent a
# column gives (yes, subscribed; an opt-out's no), never as consent on its own.
_LONE_TIME = (
    "{0} {1!r} not stored: the row gives no {2} consent, and a consent time alone grants "
    "none (map a column saying yes or subscribed to {2}_consent to give it)"
)
# A row with no stage and an order count above 0 (Shopify's "Total Orders"): it bought, and a
# paid order makes a customer a customer (SPEC), so a new one is created in that stage, not
# as a prospect. Not a stage the file gives: an existing customer's stage follows its own
# orders and stage changes, and is kept.
_BOUGHT = (
    "{} {!r}: a new customer is created in stage customer, as a paid order makes one "
    "(an existing customer keeps its stage)"
)
_LINE_ONLY = frozenset({"line1", "type", "is_default"})  # an address of these may be split
_NAMES = frozenset({"first_name", "last_name"})  # the API trims them, no blank_is_none
_CONTACTS = frozenset({"email", "phone", mapping.OTHER_EMAIL, mapping.OTHER_PHONE})
# a contact's dates other than its birthday, read as birthdays are (Outlook's 6/1/2010 and
# 0/0/00, a vCard's 20100601: as Google's 2010-06-01)
OTHER_DATES = frozenset({"anniversary"})
# date fields, and the birth date attributes (identity.normalize.DOB_ATTRIBUTES)
_DATES = frozenset(
    [f for f, kind in mapping.FIELDS.items() if kind == "datetime"]
    + [f"attr.{name}" for name in (*DOB_ATTRIBUTES, *OTHER_DATES)]
)
_CODES = frozenset({"external_id", "id"})  # texts a JSON file may give as numbers


def split_address(text: str) -> dict[str, Any]:
    """The parts of a whole address in one cell, as Mailchimp writes it: street, second line,
    city, state, zip and country separated by two spaces ("1 Main St  Apt 4  Springfield  IL
    62704  US"; an empty part leaves four). Six parts two spaces apart are those six, in
    order (the empty ones too: "1 Main St  Apt 4  Springfield    62704  US" has no state).
    Else read from the end, as Mailchimp's own import reads a cell without its second line:
    a country, a postcode, then region and city when enough parts are left; nothing unless a
    country or a postcode is found (a street typed with double spaces stays the street)."""
    placed = _six_parts(text.strip())
    if placed is not None:
        return placed
    parts = [p.strip() for p in _TWO_SPACES.split(text.strip()) if p.strip()]
    if len(parts) < 3:
        return {}
    out: dict[str, Any] = {}
    last = parts[-1]
    if (len(last) == 2 and last.isascii() and last.isalpha() and last.isupper()) or (
        len(last) > 3 and countries.alpha2(last)
    ):
        out["country"] = country_value(parts.pop())
    if len(parts) > 1 and len(parts[-1]) <= 10 and any(c.isdigit() for c in parts[-1]):
        out["postcode"] = parts.pop()
    if not out:
        return {}
    if len(parts) > 2:
        out["region"] = parts.pop()
    if len(parts) > 1:
        out["city"] = parts.pop()
    out["line1"] = parts[0]
    if len(parts) > 1:
        out["line2"] = ", ".join(parts[1:])
    return out


_SIX = ("line1", "line2", "city", "region", "postcode", "country")


def _six_parts(text: str) -> dict[str, Any] | None:
    """Mailchimp's six address parts, each two spaces from the next, by their place; None
    when the cell is not so (a part with a space more at its edge cannot be placed)."""
    parts = text.split("  ")
    if len(parts) != len(_SIX) or not parts[0] or any(p != p.strip() for p in parts):
        return None
    placed = {k: p for k, p in zip(_SIX, parts, strict=True) if p}
    if "country" in placed:
        try:
            placed["country"] = country_value(placed["country"])
        except CellError:
            return None
    return placed


def _address(parts: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for part, raw in parts.items():
        if part == "is_default":
            out[part] = bool_value(raw)
        elif part in ("lat", "lng"):
            try:
                out[part] = float(raw)
            except (TypeError, ValueError) as exc:
                raise CellError("not a number") from exc
        elif part == "type":
            out[part] = _text(raw).strip().lower()
        elif part == "country":
            out[part] = country_value(_text(raw))
        elif part == "timezone":
            out[part] = timezone_value(_text(raw))
        elif part == "postcode" and isinstance(raw, float):
            out[part] = _text(whole_number(raw))
        else:
            out[part] = _text(raw)
    return out


def read(
    row_no: int, line: int, cells: list[tuple[str, str, Any]], options: Options
) -> Prepared | list[RowError]:
    """A record as the import takes it: ``convert``, and a record that names no one fails."""
    result = convert(row_no, line, cells, options)
    if isinstance(result, Prepared) and not names_someone(result):
        return [RowError(NAMES_NO_ONE)]
    return result


def names_someone(prep: Prepared) -> bool:
    data = prep.data
    who = (data.email, data.phone, data.first_name, data.last_name, data.company)
    return any(who) or bool(prep.external_id or prep.record_id or prep.sources)


def convert(
    row_no: int, line: int, cells: list[tuple[str, str, Any]], options: Options
) -> Prepared | list[RowError]:
    """``cells`` are (field, column, raw value) of one record; empty values are absent."""
    errors: list[RowError] = []
    columns: dict[str, str] = {}
    raws: dict[str, Any] = {}
    body: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    attributes: dict[str, Any] = {}
    addresses: dict[int, dict[str, Any]] = {}
    kinds: dict[str, set[str | None]] = {}  # address number → what its columns' names say
    tags: list[str] = []
    listed = any(n == "addresses" and isinstance(v, list) and v for n, _, v in cells)
    # addresses the record has columns for other parts of (empty ones too): their first line
    # is a street as written (an export's), not a whole address in one cell (split_address)
    numbered = [mapping.address_field(n) for n, _, _ in cells]
    parted = {
        f[0]
        for f in numbered
        if f is not None and f[1] not in _LINE_ONLY and f[1] not in mapping.FOLDED_PARTS
    }
    for name, column, raw in cells:
        if raw is None or raw == "" or raw == [] or raw == {}:
            continue
        if isinstance(raw, str):
            if options.is_csv:
                raw = spreadsheet_cell(name, restore(raw))
            if not raw.strip() and not (name in _NAMES and trim(raw)):
                continue  # blank; a name of U+001C..U+001F is one to the API (see trim)
            if name in _CONTACTS and words.no_value(raw):  # the row is kept, without it
                _note(extra, f"{column} {raw.strip()[:40]!r} read as no value")
                continue
            if name in _DATES and dates.zero(raw):  # Outlook's 0/0/00: no birthday
                _note(extra, f"{column} {raw.strip()!r} read as no date")
                continue
        elif isinstance(raw, float) and name in ("phone", "other_phone"):
            raw = spreadsheet_cell(name, repr(raw))  # a JSON phone written 4155550123.0
        elif isinstance(raw, float) and (name in _CODES or name.endswith("_postcode")):
            raw = whole_number(raw)  # a JSON id written 12345.0
        columns.setdefault(name, column)
        raws.setdefault(name, raw)
        if name.startswith("address") and name != "addresses":
            if listed and mapping.normal(column).startswith("defaultaddress"):
                continue  # Shopify's default_address: the list holds it too, marked default
            number = mapping.address_field(name)
            if number is not None:
                kinds.setdefault(str(number[0]), set()).add(mapping.address_kind(column))
        try:
            if has_nul(raw):
                raise CellError("contains a NUL character")
            _cell(name, column, raw, options, body, extra, attributes, addresses, tags)
        except CellError as exc:
            errors.append(RowError(str(exc), name, column, shown(raw)))
    # Every problem of the record at once, not one per upload: the cells that could not be
    # read above, then what the API's validation and the email check say of the rest.
    _customer_no_name(extra, body, columns)
    if "full_name" in extra and not body.get("first_name") and not body.get("last_name"):
        first, last = names.split(extra.pop("full_name"))
        body["first_name"] = first
        if last:
            body["last_name"] = last
    elif "full_name" in extra and not (body.get("first_name") and body.get("last_name")):
        # "First Name" and "Full Name": the full name gives the part missing, when it holds
        # the other at one end ("Ann" and "Ann Lee": Lee)
        known, missing = ("first_name", "last_name") if body.get("first_name") else (
            "last_name", "first_name")  # fmt: skip
        full = extra.pop("full_name")
        rest = _rest_of(full, str(body[known]))
        if rest is not None and rest is not full:
            body[missing] = rest
    _whole_name_in_part(body, columns)
    for column, raw, key in _labelled(extra.pop("pairs", {}), attributes):
        try:
            _cell(f"attr.{key}", column, raw, options, body, extra, attributes, addresses, tags)
        except CellError as exc:
            errors.append(RowError(str(exc), f"attr.{key}", column, shown(raw)))
    _birth_parts(attributes)
    for key in [k for k in extra if k.startswith("routed.")]:
        # another field's word in a status or type column: the field's own column wins
        (extra if key == "routed.email_consent" else body).setdefault(key[7:], extra.pop(key))
    if extra.pop("blocked", False):  # a client a salon blocks from booking, whatever else
        body["status"] = "blocked"  # a status column says; "not blocked" says nothing
    every = extra.pop("contact_opt_out", False)  # Do Not Contact: every channel
    for channel in ("email", "sms"):
        # an opt-out revokes consent, even beside a consent column saying yes; "not opted out"
        # grants none (the consent stays unknown, or what the consent column says)
        if extra.pop(f"{channel}_opt_out", False) or every:
            extra[f"{channel}_consent"] = False
            extra.pop(f"routed.{channel}_consent", None)
    for channel in ("email", "sms"):
        # a time with no consent in the row (Mailchimp's OPTIN_TIME, with no status column)
        # is not stored: kept, it made "no consent, given at ..." (see _LONE_TIME)
        if f"{channel}_consent_at" in extra and f"{channel}_consent" not in extra:
            del extra[f"{channel}_consent_at"]
            at = f"{channel}_consent_at"
            _note(extra, _LONE_TIME.format(columns[at], shown(raws[at]), channel))
    orders = extra.pop("order_count", None)
    bought = orders is not None and orders[2] > 0 and not body.get("lifecycle_stage")
    if bought:  # a new customer's stage, not a given one: see _BOUGHT
        body["lifecycle_stage"] = "customer"
        _note(extra, _BOUGHT.format(orders[0], shown(orders[1])))
    other_id = extra.pop("other_id", None)
    if other_id is not None and extra.setdefault("external_id", other_id) != other_id:
        reason = (
            f"not a Rolodex customer id (a UUID), and column {columns['external_id']!r} gives "
            "the external id: map this column to attr.<name> to keep it, or to ignore"
        )
        errors.append(RowError(reason, "id", columns["id"], shown(raws["id"])))
    if "phone_e164" in extra and not body.get("phone"):
        body["phone"] = extra["phone_e164"]  # the stored form is a phone as written too
    for name, other in mapping.OTHERS.items():
        _others(name, other, extra.pop(other, []), body, extra, attributes, columns, raws)
    if attributes:
        body["attributes"] = {**body.get("attributes", {}), **attributes}
    if addresses:
        parted |= extra.pop("parted", set())
        for n, address in addresses.items():
            # a PO box beside a whole address in one cell: the cell is split all the same
            lines = set(address) - set(mapping.FOLDED_PARTS)
            if n not in parted and lines <= _LINE_ONLY and "line1" in address:
                split = split_address(address["line1"])
                address.update(split)
                if not split and len(_TWO_SPACES.split(address["line1"].strip())) > 2:
                    _note(extra, _KEPT_WHOLE.format(shown(address["line1"])))
            _fold(address)
        typed: dict[str, int] = {}
        for n, address in addresses.items():
            said = kinds.get(str(n), set())
            kind = next(iter(said)) if len(said) == 1 else None
            if "type" not in address and kind in ("billing", "shipping"):
                address["type"] = kind  # Billing City, Billing Zip...: a billing address
                typed.setdefault(kind, n)
        if len(typed) == 2 and _same_place(
            addresses[typed["billing"]], addresses[typed["shipping"]]
        ):
            kept, same = sorted(typed.values())
            addresses[kept]["type"] = "both"  # a shop's order with one address for both
            del addresses[same]
        body["addresses"] = [addresses[n] for n in sorted(addresses)]
    all_tags = tags + list(options.default_tags)
    if all_tags:
        body["tags"] = all_tags
    utm = {k[4:]: body.pop(k) for k in _UTM if k in body}
    if utm:
        body["utm"] = utm
    email = body.pop("email", None)
    if email is not None:
        try:
            email = fast_check_email(email)
        except ValueError as exc:
            reason = f"not a valid email address: {exc}"
            errors.append(RowError(reason, "email", columns["email"], email))
    try:
        data = CustomerImport.model_validate(body)
    except ValidationError as exc:
        errors.extend(_pydantic_error(e, columns, raws) for e in exc.errors())
    if errors:
        if options.region is not None and not any(e.field == "phone" for e in errors):
            problem = _phone_problem(body, extra, columns, options.region)
            if problem is not None:
                errors.append(problem)
        return errors
    given = set(body) - {"utm"} | {f"utm_{k}" for k in utm}
    if bought:
        given.discard("lifecycle_stage")
    if email is not None:
        data.email = email
        given.add("email")
    consent = {k: extra[k] for k in extra if k.startswith(("email_consent", "sms_consent"))}
    return Prepared(
        row_no,
        line,
        data,
        frozenset(given),
        phone_e164=extra.get("phone_e164"),
        external_id=extra.get("external_id"),
        record_id=extra.get("record_id"),
        created_at=extra.get("created_at"),
        ltv=extra.get("ltv"),
        consent=consent,
        sources=extra.get("sources", []),
        phone_column=extra.get("phone_column"),
        synced=extra.get("synced", {}),
        notes=extra.get("notes", []),
    )


def _others(
    name: str,
    other: str,
    given: list[tuple[str, str, Any]],
    body: dict[str, Any],
    extra: dict[str, Any],
    attributes: dict[str, Any],
    columns: dict[str, str],
    raws: dict[str, Any],
) -> None:
    """Further phone (email) columns: the first one given is the record's phone (email) when
    it has none; the others, unless the same, are kept as one attribute, comma separated."""
    if given and not body.get(name):
        column, raw, body[name] = given.pop(0)
        columns[name], raws[name] = column, raw
        if name == "phone":
            extra["phone_column"] = column
    own = body.get(name, "").strip()
    kept = list(dict.fromkeys(t.strip() for _, _, t in given if t.strip() != own))
    if kept:
        attributes.setdefault(other, ", ".join(kept))


def _cell(
    name: str,
    column: str,
    raw: Any,
    options: Options,
    body: dict[str, Any],
    extra: dict[str, Any],
    attributes: dict[str, Any],
    addresses: dict[int, dict[str, Any]],
    tags: list[str],
) -> None:
    kind = mapping.field_kind(name)
    several = google_values(raw) if name in _CONTACTS else None
    if several is None and name in _CONTACTS:
        several = (email_values if "email" in name else phone_values)(raw)
        if several is not None:
            _note(extra, f"{column} {shown(raw)!r} read as {', '.join(several)}")
    if several is not None:  # read as a list of them: the first is the field's, others kept
        raw = several
    if kind == "attr":
        key = name[5:]
        value = attr_cell(raw) if options.is_csv and isinstance(raw, str) else raw
        if value is None:
            return  # "null": no value, as a blank cell (the API stores no null attribute)
        if key in DOB_ATTRIBUTES or key in OTHER_DATES:
            what = "birthday" if key in DOB_ATTRIBUTES else key
            value, how = birth_reading(value, options.day_first, what)
            if how:
                _note(extra, f"{column} {str(raw)!r} read as {value} ({how})")
        elif key == "job_title" and mapping.normal(column) == "title" and words.honorific(value):
            key = "name_prefix"  # Outlook's bare Title: Mr., Dr.
        attributes[key] = value
    elif kind == "address":
        number, part = mapping.address_field(name) or (0, "")
        if part == "region" and mapping.normal(column) == "state" and isinstance(raw, str):
            if _account_state(raw):
                attributes.setdefault("account_state", raw.strip())  # Shopify's "enabled"
                return
            subscribed = words.SUBSCRIPTION_WORDS.get(mapping.normal(raw))
            if subscribed is not None:  # a subscriber's state: "unsubscribed", "bounced"
                extra.setdefault("routed.email_consent", subscribed)
                return
        value = _address({part: raw})[part]
        addresses.setdefault(number, {})[part] = (
            _po_box(value, column) if part == "po_box" else value
        )
    elif kind == "pair":  # a custom attribute's name or value: see _labelled
        number, part = mapping.pair_field(name) or (0, "")
        extra.setdefault("pairs", {}).setdefault(number, {})[part] = (column, raw)
    elif kind == "addresses":
        listed = [raw] if isinstance(raw, dict) else raw
        # a CSV's cell: a JSON list (Rolodex's export of a merge's many addresses), else
        # BigCommerce's "address_line_1: ..., address_city: ..."
        parsed = (json_list(raw) or bigcommerce_addresses(raw)) if isinstance(raw, str) else None
        if parsed is not None:  # BigCommerce's "address_line_1: ..., address_city: ..."
            listed = parsed
        if not isinstance(listed, list) or not all(isinstance(a, dict) for a in listed):
            raise CellError("must be a list of address objects")
        for item in listed:
            address = _listed_address(item)
            if address:
                addresses[len(addresses) + 1] = address
                if not _LINE_ONLY.issuperset(item):  # other parts' keys, if null: see parted
                    extra.setdefault("parted", set()).add(len(addresses))
    elif name in ("email", "phone") and isinstance(raw, list | dict):
        found = _listed(raw)
        if found:
            body[name] = found[0]
            others = extra.setdefault(mapping.OTHERS[name], [])
            others.extend((column, t, t) for t in found[1:])
    elif name in (mapping.OTHER_PHONE, mapping.OTHER_EMAIL) and isinstance(raw, list | dict):
        extra.setdefault(name, []).extend((column, t, t) for t in _listed(raw))
    elif name == "full_name" and isinstance(raw, dict):
        _name_parts(raw, body, extra)
    elif kind == "tags":
        tags.extend(split_tags(raw, options.tag_delimiter))
    elif kind == "attributes":
        value = raw
        if isinstance(raw, str):
            try:
                value = orjson.loads(raw)
            except orjson.JSONDecodeError as exc:
                raise CellError("must be a JSON object") from exc
        if not isinstance(value, dict):
            raise CellError("must be a JSON object")
        # null is no value, as a blank cell is (it never erases); the API stores no null either
        body["attributes"] = {k: v for k, v in value.items() if v is not None}
    elif kind == "sources":
        extra["sources"], synced = sources_value(raw, options.day_first)
        if synced:
            extra["synced"] = synced
    elif kind == "enum":
        read = enum_value(name, _text(raw))
        if read is not None:
            target, value = read
            if target == name:
                body[name] = value
            else:
                extra["routed." + target] = value
    elif name in ("email_opt_out", "sms_opt_out", "contact_opt_out"):
        extra[name] = opt_out_value(raw)
    elif kind == "bool":
        extra[name] = bool_value(raw)
    elif kind == "datetime":
        value, how = datetime_read(raw, options.day_first)
        if how:
            _note(extra, read_note(column, raw, value, how))
        (extra if name != "last_active_at" else body)[name] = value
    elif kind == "money":
        extra[name] = money_value(raw)
    elif kind == "count":
        count = count_value(raw)
        if count is None:
            _note(extra, f"{column} {shown(raw)!r} is not a count of orders: not read")
        else:
            extra[name] = (column, raw, count)
    elif kind == "id":
        record_id = record_id_value(raw)
        if record_id is not None:
            extra["record_id"] = record_id
        else:  # another tool's id ("ID", 12345): the record's external id, not dropped
            text = _text(raw).strip()
            if len(text) > 200:
                raise CellError("neither a Rolodex customer id nor an external id (at most 200)")
            extra["other_id"] = text
    elif kind == "e164":
        extra["phone_e164"] = e164_value(_text(raw))
    elif name == "external_id":
        text = trim(_text(raw))
        if len(text) > 200:
            raise CellError("at most 200 characters")
        extra[name] = text
    elif name in ("email_consent_source", "sms_consent_source"):
        text = trim(_text(raw))
        if len(text) > 64:
            raise CellError("at most 64 characters")
        extra[name] = text
    elif name in (mapping.OTHER_PHONE, mapping.OTHER_EMAIL):
        extra.setdefault(name, []).append((column, raw, _text(raw)))
    elif name == "full_name":
        extra[name] = " ".join(_text(raw).split())
    elif name == "notes" and body.get("notes"):  # a second notes column: a paragraph more
        body["notes"] = f"{body['notes']}\n\n{_text(raw)}"
    elif kind in ("text", "longtext"):
        body[name] = _text(raw)


def _phone_problem(
    body: dict[str, Any], extra: dict[str, Any], columns: dict[str, str], region: str
) -> RowError | None:
    """The phone's problem of a record that fails for other cells. A valid record's phone is
    read later (``batch.phone_of``, then in the country of the customer it matches), which a
    failing record never reaches: without this its bad phone was said only once the other
    cells were corrected, one upload later. Read as ``phone_of`` reads it (an export's
    ``phone_e164``, then the tenant's region and the record's address country); a failing
    record matches no customer, so no other country is tried."""
    phone = body.get("phone")
    if not isinstance(phone, str) or not phone.strip():
        return None
    stored = extra.get("phone_e164")
    if stored is not None and e164(phone, region_of(stored)) == stored:
        return None
    addresses = [SimpleNamespace(**a) for a in body.get("addresses", []) if isinstance(a, dict)]
    regions = phone_regions(addresses, region)
    if any(e164(phone, r) is not None for r in regions):
        return None
    reason = f"not a valid phone number (read with the region {' or '.join(regions)})"
    return RowError(reason, "phone", columns.get("phone"), shown(phone))


_VALUE_SUFFIX = re.compile(r"[\s_.:-]*value\s*$", re.IGNORECASE)


def _labelled(
    pairs: dict[int, dict[str, tuple[str, Any]]], attributes: dict[str, Any]
) -> list[tuple[str, Any, str]]:
    """(value column, value, attribute name) of each custom attribute given as a label and a
    value: named by the label in snake case ("Loyalty Tier": loyalty_tier; Google's "* "
    before its own labels read past), else by the value column without its "Value" (Custom
    Field 1). A name another column (or an earlier pair) fills with another value gets _2,
    _3...: neither value is lost."""
    out: list[tuple[str, Any, str]] = []
    for number in sorted(pairs):
        pair = pairs[number]
        if "value" not in pair:
            continue
        column, raw = pair["value"]
        label = pair.get("name", (None, None))[1]
        label = label.strip().lstrip("*").strip() if isinstance(label, str) else None
        if not label and isinstance(pair.get("name", (None, None))[1], int | float):
            label = str(pair["name"][1])
        used = {k for _, _, k in out} | {
            k for k, v in attributes.items() if str(v) != str(raw).strip()
        }
        key = mapping.labelled_attribute(
            label or _VALUE_SUFFIX.sub("", column) or column,
            f"attr_value{number}",
            used,
        )
        out.append((column, raw, key))
    return out


# a PO box's word where the cell holds only its number, by the column's language
_PO_BOX_WORDS = {"postfach": "Postfach", "boitepostale": "BP", "apartadopostal": "Apartado",
                 "casellapostale": "Casella postale"}  # fmt: skip
_WORD = re.compile(r"[^\W\d_]{2}")


def _po_box(text: str, column: str) -> str:
    """A PO box as an address line: "PO Box 5" for a cell of "5" (Google's and Outlook's PO
    Box columns hold the number or the whole line)."""
    if not text.strip() or _WORD.search(text):
        return text
    name = mapping.normal(column)
    word = next((w for key, w in _PO_BOX_WORDS.items() if name.endswith(key)), "PO Box")
    return f"{word} {text.strip()}"


def _fold(address: dict[str, Any]) -> None:
    """An address's third street line and PO box (no part of a stored address) joined to its
    second line, comma separated."""
    more = [address.pop(part, None) for part in mapping.FOLDED_PARTS]
    lines = [t for t in (address.get("line2"), *more) if isinstance(t, str) and t.strip()]
    if len(lines) > (1 if address.get("line2") else 0):
        address["line2"] = ", ".join(t.strip() for t in lines)


def _birth_parts(attributes: dict[str, Any]) -> None:
    """Thunderbird's Birth Year, Birth Month and Birth Day (``mapping._birth_parts``): one
    birthday, YYYY-MM-DD (--MM-DD without a year, as a vCard writes it); parts that make no
    date stay as they are."""
    parts = [attributes.get(k) for k in ("birth_year", "birth_month", "birth_day")]
    try:
        year, month, day = (int(str(p).strip()) if p not in (None, "") else None for p in parts)
    except ValueError:
        return
    if month is None or day is None or (year is not None and year < 1000):
        return
    try:
        date(year or 2000, month, day)
    except ValueError:
        return
    for key in ("birth_year", "birth_month", "birth_day"):
        attributes.pop(key, None)
    when = f"{month:02d}-{day:02d}"
    attributes["birthday"] = f"{year:04d}-{when}" if year else f"--{when}"


def _account_state(raw: Any) -> bool:
    return isinstance(raw, str) and raw.strip().lower() in ACCOUNT_STATES


def _whole_name_in_part(body: dict[str, Any], columns: dict[str, str]) -> None:
    """A column headed "Name" read as one part of a name beside a column of the other part
    (``mapping._name_beside_given_name``) may hold the whole name: "Ray Fox" beside "Fox" is
    Ray, "Ann Lee" beside "Ann" is Lee, "Bo" beside "Bo" no surname."""
    for part, other in (("first_name", "last_name"), ("last_name", "first_name")):
        value, known = body.get(part), body.get(other)
        if not isinstance(value, str) or not isinstance(known, str):
            continue
        if mapping.normal(columns.get(part, "")) != "name":
            continue
        rest = _rest_of(value, known)
        if rest is None:
            del body[part]  # the whole name is the other part alone ("Bo" beside "Bo")
        elif rest is not value:
            body[part] = rest


def _customer_no_name(extra: dict[str, Any], body: dict[str, Any], columns: dict[str, str]) -> None:
    """A bare "Customer" column (QuickBooks': the customer's display name) is the name but
    where it is the company's (a business customer: "Acme Inc", its Company too) or an id
    (Stripe's cus_NffrFeUfNV2Hib, a number)."""
    if "full_name" not in extra or mapping.normal(columns.get("full_name", "")) != "customer":
        return
    who = extra["full_name"]
    company = str(body.get("company") or "")
    if any(c.isdigit() for c in who) or " ".join(company.split()).casefold() == who.casefold():
        del extra["full_name"]
        what = "the company's name" if not any(c.isdigit() for c in who) else "an id"
        _note(extra, f"{columns['full_name']} {shown(who)!r} read as {what}, not a person's name")


def _rest_of(whole: str, part: str) -> str | None:
    """``whole`` without ``part`` at its start or end ("Ann Lee" without "Ann": Lee), None
    when it is ``part`` alone, ``whole`` itself (the same object) when it holds ``part`` at
    neither end."""
    words, sep = " ".join(whole.split()), " ".join(part.split())
    if words.lower() == sep.lower():
        return None
    if words.lower().startswith(sep.lower() + " "):
        return words[len(sep) + 1 :]
    if words.lower().endswith(" " + sep.lower()):
        return words[: -len(sep) - 1]
    return whole


def _same_place(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """A billing and a shipping address that are one place, written alike but for case and
    spaces (an order's, nearly always): the row has one address, of type both."""

    def parts(address: dict[str, Any]) -> dict[str, str]:
        return {
            k: " ".join(str(v).split()).casefold()
            for k, v in address.items()
            if k != "type" and str(v).strip()
        }

    return parts(a) == parts(b)


def _note(extra: dict[str, Any], note: str) -> None:
    extra.setdefault("notes", []).append(note)


def _pydantic_error(err: Any, columns: dict[str, str], raws: dict[str, Any]) -> RowError:
    loc = tuple(err.get("loc", ()))
    name = str(loc[0]) if loc else None
    if name == "utm" and len(loc) > 1:
        name = f"utm_{loc[1]}"
    elif name == "addresses" and len(loc) > 2:
        name = f"address{int(loc[1]) + 1}_{loc[2]}"
    message = str(err.get("msg", "invalid")).removeprefix("Value error, ")
    column = columns.get(name or "")
    if column is None and name == "addresses" and "addresses" not in columns:
        column = next((c for f, c in columns.items() if f.startswith("address")), None)
    if column is None and name == "attributes":
        column = next((c for f, c in columns.items() if f.startswith("attr.")), None)
    raw = raws.get(name or "", err.get("input"))
    return RowError(message, name, column, shown(raw))
