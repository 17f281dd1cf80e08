"""Which column of a file fills which customer field, pure.

A header is compared in a normal form (lowercase letters and digits only: "E-mail", "e_mail"
and "EMAIL" are all ``email``) against each field's names; explicit overrides win over
guesses; ``attr.<name>`` (or ``attributes.<name>``) columns are custom attributes;
``address2_city`` style columns fill the second address. Columns an export writes but an
import cannot set (timestamps kept by the system) are ignored; an order count ("Total
Orders", ``order_count``) is not stored (a customer's orders are counted from its orders)
but makes a new customer with orders a customer (``rows``). An
export's ``id`` is the customer's own (``rows``: a Rolodex id finds that customer, or makes
a new one under it; another tool's id in an "ID" column, not a UUID, is the record's external
id) and its ``phone_e164`` the phone as stored (read in no region).

Google Contacts' custom fields, events and relations are each a label column and a value column
("Custom Field 1 - Label", "Custom Field 1 - Value"): ``attr_name1`` and ``attr_value1``, a
custom attribute named by each row's label (``rows``).

A field takes one column (tags and notes take several: a record's notes columns are its
notes, one paragraph each). When several columns guess the same field the best guess wins (an
exact name beats a prefixed one such as "Default Address Phone" or a weaker name such as
"Lead Status" beside "Lifecycle Stage"), then the leftmost; the others are left unmapped and
reported. An opt-out column (Zoho's and Salesforce's "Email Opt Out", HubSpot's "Unsubscribed
from all email", "Do Not Email") is ``email_opt_out``: yes revokes consent, no leaves it
unknown (``rows``: an opt-out never grants consent); "Do Not Contact" is ``contact_opt_out``, of
email and SMS alike. Billing and shipping columns side by side
fill two addresses. Further phone columns ("Mobile Phone Number" beside "Phone Number";
Outlook's Home, Business and Mobile Phone) are ``other_phone``: the first of them a row fills
is its phone when its phone is empty, the rest are kept as the custom attribute
``other_phone``; weaker email columns ("E-mail 2 - Value", Pipedrive's "Email - Home" beside
"Email - Work") likewise ``other_email``. A bare "Type" is not guessed: other tools' files use
it for anything (person or company, phone kinds). A template's note in brackets after a name
("First name (required)", "Tags (comma separated)") is read past.
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from rolodex.errors import InvalidInput
from rolodex.imports.headers import (
    ADDRESS_ONLY_PREFIXES,
    ADDRESS_PREFIXES,
    BIRTH_DATES,
    CONTACT_ATTRIBUTES,
    OTHER_LANGUAGES,
    PREFIXES,
    SYNONYMS,
    WEAK,
    WHOLE_ADDRESS_PREFIXES,
)
from rolodex.search import text as search_text

# field → kind; kinds tell rows.py how to read a cell.
FIELDS: dict[str, str] = {
    "email": "text",
    "phone": "text",
    "other_phone": "text",
    "other_email": "text",
    "first_name": "text",
    "last_name": "text",
    "full_name": "text",
    "company": "text",
    "lifecycle_stage": "enum",
    "status": "enum",
    "customer_type": "enum",
    "notes": "longtext",
    "internal_notes": "longtext",
    "acquisition_source": "text",
    "utm_source": "text",
    "utm_medium": "text",
    "utm_campaign": "text",
    "utm_term": "text",
    "utm_content": "text",
    "email_consent": "bool",
    "email_consent_at": "datetime",
    "email_consent_source": "text",
    "sms_consent": "bool",
    "sms_consent_at": "datetime",
    "sms_consent_source": "text",
    "email_opt_out": "bool",  # Email Opt Out, Unsubscribed, Do Not Email: consent inverted
    "sms_opt_out": "bool",
    "contact_opt_out": "bool",  # Do Not Contact: both consents inverted
    "blocked": "bool",  # a salon's Blocked client: yes is the status blocked, no says nothing
    "last_active_at": "datetime",
    "created_at": "datetime",
    "ltv": "money",
    "order_count": "count",  # read for a new customer's stage, not stored
    "tags": "tags",
    "attributes": "attributes",
    "addresses": "addresses",
    "sources": "sources",
    "external_id": "text",
    "id": "id",
    "phone_e164": "e164",
}
ADDRESS_PARTS = (
    "type",
    "is_default",
    "line1",
    "line2",
    "city",
    "region",
    "postcode",
    "country",
    "lat",
    "lng",
    "timezone",
)
# read by an import and folded into line2 (``rows``): Outlook's "Home Street 3" and "Home Address
# PO Box", Google Contacts' "Address 1 - PO Box" (they were not imported)
FOLDED_PARTS = ("line3", "po_box")
MAX_ADDRESSES = 50
IGNORE = "ignore"
# Written by exports, kept by the system: recognized, never imported.
READ_ONLY = frozenset(
    {
        "emailnormalized",
        "updatedat",
        "deletedat",
        "firstorderat",
        "lastorderat",
    }
)
OTHER_PHONE = "other_phone"  # the attribute a second phone column is kept as
OTHER_EMAIL = "other_email"  # the attribute a second email column is kept as
OTHERS = {"phone": OTHER_PHONE, "email": OTHER_EMAIL}
# fields that take several columns; a record's notes columns (Notes and Background) are
# joined, one paragraph each: the second was not imported
MULTI = frozenset({"tags", OTHER_PHONE, OTHER_EMAIL, "notes"})

_EXACT: dict[str, str] = {}
for _field, _names in SYNONYMS.items():
    for _name in _names:
        _EXACT.setdefault(_name, _field)
for _field in FIELDS:
    _EXACT.setdefault(re.sub(r"[^a-z0-9]", "", _field), _field)
for _field, _names in OTHER_LANGUAGES.items():
    for _name in _names:
        _EXACT.setdefault(_name, _field)
# JSON documents (our own export) nest consent and UTM: consent.email → email_consent, ...
_EXACT.update(
    {
        "consentemail": "email_consent",
        "consentemailat": "email_consent_at",
        "consentemailsource": "email_consent_source",
        "consentsms": "sms_consent",
        "consentsmsat": "sms_consent_at",
        "consentsmssource": "sms_consent_source",
    }
)
# Birth dates are custom attributes, under a name matching reads as one; so are a contact's
# job title, website and LinkedIn profile.
for _name, _attribute in (BIRTH_DATES | CONTACT_ATTRIBUTES).items():
    _EXACT.setdefault(_name, "attr." + _attribute)

_ADDRESS = re.compile(
    r"address[ _.-]?(\d{1,2})[ _.-]?(" + "|".join(ADDRESS_PARTS + FOLDED_PARTS) + r")", re.I
)
# custom attributes; Stripe keeps a customer's own keys under metadata (metadata.tier),
# Intercom under custom_attributes, Zendesk under user_fields, Freshdesk under custom_fields
_ATTR = re.compile(
    r"(?:attr|attribute|attributes|metadata|custom_attributes|user_fields|custom_fields)\.(.+)",
    re.I | re.S,
)
# a template's note after a column's name: "(required)", "[optional]", "(e.g. +49 30 123)"
_NOTE = re.compile(
    r"\s*[(\[]\s*(?:required|optional|mandatory|pflicht(?:feld)?|freiwillig|"
    r"obligatoire|facultatif|obligatorio|e\.\s?g\.?|eg|z\.\s?b\.|ex\.|.*separated|.*getrennt|"
    r"if any|if applicable|"
    r"utc|gmt|"  # the time zone of a time column: "Created At (UTC+0)" (Wix)
    r"[dmy]{1,4}[/.-][dmy]{1,4}(?:[/.-][dmy]{1,4})?|"  # a date's form: "Birthday (MM/DD)"
    r"\d+ (?:digits|characters)|"  # "Zip Code (5 digits)"
    r"usd|eur|gbp|cad|aud|nzd|chf|sek|nok|dkk|jpy|inr|brl|mxn|zar|sgd|hkd)"  # the currency
    r"(?:\W.*)?[)\]]\s*",
    re.IGNORECASE | re.DOTALL,
)
_NON_ALNUM = re.compile(r"[^a-z0-9]")
_NON_ALNUM_RUN = re.compile(r"[^a-z0-9]+")


def normal(header: str) -> str:
    """The comparable form of a header: lowercase ASCII letters and digits, accents folded
    as search folds them ("Straße" → ``strasse``, "Téléphone" → ``telephone``)."""
    return _NON_ALNUM.sub("", search_text.normalize(header.strip()).lower())


_ADDRESS_FIELD = re.compile(r"address(\d{1,2})_(\w+)")
# a custom attribute's name and its value in two columns (Google Contacts' "Custom Field 1 -
# Label" and "Custom Field 1 - Value"): attr_name1 and attr_value1
_PAIR_FIELD = re.compile(r"attr_(name|value)(\d{1,2})")
MAX_PAIRS = 50


def address_field(name: str) -> tuple[int, str] | None:
    """(number, part) of a numbered address field (``address2_city``); None for another."""
    m = _ADDRESS_FIELD.fullmatch(name)
    return (int(m.group(1)), m.group(2)) if m else None


def pair_field(name: str) -> tuple[int, str] | None:
    """(number, name or value) of a custom attribute's name or value column (``attr_name2``,
    ``attr_value2``); None for another field."""
    m = _PAIR_FIELD.fullmatch(name)
    return (int(m.group(2)), m.group(1)) if m and 1 <= int(m.group(2)) <= MAX_PAIRS else None


def is_field(name: str) -> bool:
    """A target a column may be mapped to."""
    if "\x00" in name:
        return False
    if name in FIELDS or name == IGNORE:
        return True
    if name.startswith("attr."):
        return 1 <= len(name) - 5 <= 64
    if pair_field(name) is not None:
        return True
    found = address_field(name)
    return bool(
        found
        and 1 <= found[0] <= MAX_ADDRESSES
        and (found[1] in ADDRESS_PARTS or found[1] in FOLDED_PARTS)
    )


def _not_a_field(raw: str, target: str) -> str:
    """Why an override's field is refused."""
    if target.startswith("attr.") and "\x00" not in target:
        got = len(target) - 5
        return f"a custom attribute is attr.<name>, the name 1 to 64 characters (got {got})"
    return f"unknown field {raw[:100]!r}"


def attribute_name(header: str) -> str | None:
    """The custom attribute the dashboard offers to keep a column as: its header in snake
    case ("Favourite Colour" → ``favourite_colour``), or as written where that leaves
    nothing ("★"); an attr. column's own attribute."""
    if "\x00" in header:
        return None
    m = _ATTR.fullmatch(header.lstrip())
    if m and m.group(1).strip():
        return "attr." + m.group(1)[:64]
    snake = _NON_ALNUM_RUN.sub("_", search_text.normalize(header).lower()).strip("_")
    name = (snake or header.strip())[:64]
    return "attr." + name if name else None


def labelled_attribute(label: str, default: str, taken: Container[str]) -> str:
    """The custom attribute a value named by a label is kept as (a Google contact's custom
    field, event or relation; a vCard's X-ABLabel): the label in snake case ("Loyalty Tier":
    loyalty_tier), ``default`` where that leaves no name; then _2, _3... past the names
    ``taken`` (holding another value): no value is lost to another of the same name."""
    base = (attribute_name(label) or f"attr.{default}")[5:][:60] or default
    key, n = base, 1
    while key in taken:
        n += 1
        key = f"{base}_{n}"
    return key


def add_labelled(record: dict[str, Any], label: str, default: str, value: Any) -> None:
    """``value`` into a record of keys (a vCard's, an API's contact) as the ``attr.<name>`` key
    ``labelled_attribute`` names, past the attr. keys holding another value."""
    taken = {k[5:] for k, v in record.items() if k.startswith("attr.") and v != value}
    record["attr." + labelled_attribute(label, default, taken)] = value


def field_kind(name: str) -> str:
    if name.startswith("attr."):
        return "attr"
    if name.startswith("address") and name != "addresses":
        return "address"
    if pair_field(name) is not None:
        return "pair"
    return FIELDS.get(name, IGNORE)


def guess(header: str) -> tuple[str | None, int]:
    """(field, confidence) for one header; confidence 2 exact, 1 prefixed, 0 none."""
    if "\x00" in header:
        return None, 0  # no field or attribute name holds a NUL (PostgreSQL cannot store it)
    text = header.strip()
    m = _ATTR.fullmatch(header.lstrip())
    if m and m.group(1).strip():  # the name as written: " tier " is not "tier"
        return "attr." + m.group(1)[:64], 2
    m = _ADDRESS.fullmatch(text.replace(" ", "_"))
    if m and 1 <= int(m.group(1)) <= MAX_ADDRESSES:
        return f"address{int(m.group(1))}_{m.group(2).lower()}", 2
    key = normal(text)
    if not key:
        return None, 0
    found = _guess_key(key)
    if found[0] is None and "/" in text:
        found = _alternatives(text)
    note = _NOTE.search(text)
    if found[0] is None and note is not None and note.start() and note.end() == len(text):
        return guess(text[: note.start()])
    return found


def _alternatives(text: str) -> tuple[str | None, int]:
    """A header naming one field in two words ("Province/State", "Postal Code/Zip", Wave's
    "Billing province/state"): that field (FreshBooks' region and postcode were lost)."""
    parts = [p for p in text.split("/") if p.strip()]
    guesses = [guess(p) for p in parts]
    targets = {target for target, _ in guesses}
    if len(parts) < 2 or len(targets) != 1 or None in targets:
        return None, 0
    return guesses[0][0], min(confidence for _, confidence in guesses)


def _guess_key(key: str, depth: int = 0) -> tuple[str | None, int]:
    """A normal-form header's guess; ``depth``: prefixes taken off it so far (at most two:
    Pipedrive's "Person - Postal address", Stripe's "Shipping Address City")."""
    if key in READ_ONLY:
        return IGNORE, 2
    if key in _EXACT:
        return _EXACT[key], 1 if depth else 2
    if key in WEAK:
        return WEAK[key], 1
    numbered = _numbered(key, weak=depth > 0)
    if numbered is not None:
        return numbered
    if depth < 2:
        for prefix in PREFIXES:
            rest = key[len(prefix) :]
            if not key.startswith(prefix) or not rest:
                continue
            if rest == "address" and prefix in WHOLE_ADDRESS_PREFIXES:
                return None, 0  # Outlook's "Home Address": the whole address, beside its parts
            found = _guess_key(rest, depth + 1)[0]
            if found is not None and prefix in ADDRESS_ONLY_PREFIXES and found[:7] != "address":
                continue
            if found is not None:
                return found, 1
        # Constant Contact writes the address's kind after its part ("City - Home"): read as
        # Outlook's "Home City"
        for kind in ADDRESS_PREFIXES:
            rest = key[: -len(kind)]
            if key.endswith(kind) and rest and not key.startswith(kind):
                found = _guess_key(kind + rest, depth + 1)[0]
                if found is not None and found.startswith("address"):
                    return found, 1
    return None, 0


# Google Contacts ("E-mail 1 - Value", "Phone 2 - Value", "Address 1 - Postal Code"), Outlook
# ("E-mail 2 Address"), Pipedrive ("Email - Work", "Phone - Mobile"): a contact's n-th email,
# phone or address, or the one of a kind. The first email or phone is the field's own column;
# the others are weaker guesses (``resolve`` makes them other_email / other_phone).
_KIND = re.compile(
    r"(e?mail|phone)(\d{1,2})?(value|address|work|home|mobile|other|personal|business|main)?"
)
_NUMBERED_ADDRESS = re.compile(r"address(\d{1,2})([a-z].*)")


def _numbered(key: str, *, weak: bool = False) -> tuple[str, int] | None:
    m = _KIND.fullmatch(key)
    if m and (m[2] or m[3]):
        target = "email" if m[1].endswith("mail") else "phone"
        first = m[2] in (None, "1") and m[3] in (None, "value", "address")
        return target, 2 if first and not weak else 1
    m = _NUMBERED_ADDRESS.fullmatch(key)
    if m and 1 <= int(m[1]) <= MAX_ADDRESSES:
        part = _EXACT.get(m[2], "")
        if part.startswith("address1_"):
            return f"address{int(m[1])}_{part[9:]}", 1 if weak else 2
    return None


def unique_headers(headers: list[str]) -> list[str]:
    """Headers made unique: a repeated name gets " (2)", " (3)"...; a blank one "column N"."""
    out: list[str] = []
    seen: set[str] = set()
    for i, raw in enumerate(headers, start=1):
        name = raw.strip() or f"column {i}"
        base, n = name, 1
        while name.lower() in seen:
            n += 1
            name = f"{base} ({n})"
        seen.add(name.lower())
        out.append(name)
    return out


@dataclass
class Mapping:
    """The resolved mapping: for each column, its field (or None when unmapped)."""

    columns: list[str]
    fields: list[str | None]
    how: list[str]  # explicit | auto | ignored | duplicate | unknown
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, str]:
        return {c: f for c, f in zip(self.columns, self.fields, strict=True) if f and f != IGNORE}

    def used(self) -> list[tuple[int, str, str]]:
        """(column index, column name, field) of the mapped columns."""
        return [
            (i, c, f)
            for i, (c, f) in enumerate(zip(self.columns, self.fields, strict=True))
            if f and f != IGNORE
        ]


def parse_overrides(items: list[str] | dict[str, str] | None) -> dict[str, str]:
    """``["col=field", ...]`` or ``{"col": "field"}`` → a dict; 422 on a bad item, and on a
    column given two fields (the last won, silently)."""
    if not items:
        return {}
    if isinstance(items, dict):
        return {str(k): str(v) for k, v in items.items()}
    out: dict[str, str] = {}
    for item in items:
        col, sep, target = item.rpartition("=")
        if not sep or not col.strip():
            raise InvalidInput(
                f"mapping: write column=field, not {item!r}",
                details=[{"field": "mapping", "message": "write column=field", "value": item}],
            )
        col, target = col.strip(), target.strip()
        if col in out and target_of(out[col]) != target_of(target):
            raise InvalidInput(
                f"mapping: column {col!r} is mapped twice ({out[col]}, {target})",
                details=[{"field": f"mapping.{col}", "message": "mapped twice", "value": item}],
            )
        out[col] = target
    return out


def target_of(raw: str) -> str:
    """An override's field name as stored (ignore words and attr. spellings folded)."""
    name = raw.strip()
    if name.lower() in ("", "-", IGNORE, "skip", "none"):
        return IGNORE
    m = _ATTR.fullmatch(name)
    if m:
        return "attr." + m.group(1).strip()
    return name.lower()


def resolve(
    headers: list[str], overrides: dict[str, str] | None = None, *, open_columns: bool = False
) -> Mapping:
    """Map ``headers`` (as in the file) with ``overrides`` (column → field) applied first.

    An override naming a column the file does not have (unless ``open_columns``: JSON keys
    beyond the sample, added as columns), or a field that does not exist, is a 422 naming it;
    two overrides for one field too, and two for one column ("Tier" and "tier" both name
    it) that say different things."""
    extra: list[str] = []
    if open_columns:
        known = {h.strip().lower() for h in headers} | {normal(h) for h in headers}
        for col in overrides or {}:
            if col.strip().lower() not in known and normal(col) not in known:
                extra.append(col.strip())
        headers = [*headers, *extra]
    columns = unique_headers(headers)
    by_name = {c.lower(): i for i, c in enumerate(columns)}
    for i, c in enumerate(columns):
        if normal(c):
            by_name.setdefault(normal(c), i)
    fields: list[str | None] = [None] * len(columns)
    how = ["unknown"] * len(columns)
    errors: list[dict[str, str]] = []
    taken: dict[str, int] = {}
    named: dict[int, str] = {}  # column index → the override that named it
    for col, raw_target in (overrides or {}).items():
        index = by_name.get(col.strip().lower(), by_name.get(normal(col)))
        if index is None:
            errors.append({"field": f"mapping.{col}", "message": "the file has no such column"})
            continue
        target = target_of(raw_target)
        if index in named:  # "Tier" and "tier": one column, and the last override won
            if target != fields[index]:
                errors.append(
                    {"field": f"mapping.{col}", "message": _twice(named[index], columns[index])}
                )
            continue
        named[index] = col
        if not is_field(target):
            errors.append({"field": f"mapping.{col}", "message": _not_a_field(raw_target, target)})
            continue
        if target != IGNORE and target not in MULTI and target in taken:
            errors.append({"field": f"mapping.{col}", "message": f"{target} is already mapped"})
            continue
        fields[index], how[index] = target, "explicit" if target != IGNORE else "ignored"
        if target != IGNORE:
            taken[target] = index
    if errors:
        names = ", ".join(e["field"] for e in errors)
        raise InvalidInput(f"invalid mapping: {names}", details=errors)
    # Guess from the header as written: a repeated "Email" guesses email like the first one.
    normals = [normal(h) for h in headers]
    geolocation = _mailchimp_geolocation(normals)
    pairs = _labelled_values(normals, {pair_field(f) for f in taken} - {None})
    orders = _shopify_orders(normals)
    order_status = _order_status(normals)
    # what an export's own shape decides
    fixed = (
        {i: IGNORE for i in geolocation}
        | orders
        | order_status
        | _linkedin_connections(normals)
        | _facebook_leads(normals)
        | _street_as_address(normals)
        | _birth_parts(normals)
        | _title_beside_job_title(normals)
        | pairs
    )
    guesses = [
        (i, fixed[i], 2) if i in fixed else (i, *guess(headers[i]))
        for i in range(len(columns))
        if how[i] == "unknown"
    ]
    warnings = [
        f"{col!r} is in none of the first records; later records that have it fill it"
        for col in extra
    ]
    if any(field == IGNORE and normals[i] == "name" for i, field in orders.items()):
        warnings.append(
            "column 'Name' is the order's number (#1001) in Shopify's orders export: not "
            "imported; Billing Name is the customer's name"
        )
    if any(field == IGNORE and normals[i] == "id" for i, field in orders.items()):
        warnings.append(
            "column 'Id' is the order's id in Shopify's orders export, not the customer's: "
            "not imported; customers are matched by email and phone"
        )
    for i in order_status:
        warnings.append(
            f"column {columns[i]!r} is the order's status in an orders export (Completed, "
            "Shipped), not the customer's: not imported"
            if normals[i] == "status"
            else f"column {columns[i]!r} is the item's title in an orders export, not the "
            "customer's: not imported"
        )
    if any(how[i] == "unknown" for i in pairs):
        warnings.append(
            "columns of a label and a value (Custom Field 1 - Label, Custom Field 1 - Value) "
            "are custom attributes: each row's value is kept under the name its label gives "
            "(Loyalty Tier: attr.loyalty_tier), or the column's (attr.custom_field_1) where "
            "the label is empty"
        )
    if geolocation:
        located = ", ".join(repr(columns[i]) for i in sorted(geolocation))
        warnings.append(
            f"columns {located} are not imported: Mailchimp's guess of where a subscriber's "
            "IP address is, not their postal address (the address column holds that)"
        )
    # Best confidence first, then leftmost: who gets a field several columns guess.
    losers: list[tuple[int, str]] = []
    for i, guessed, _confidence in sorted(guesses, key=lambda g: (-g[2], g[0])):
        if guessed is None:
            if normal(headers[i]) == "type":
                warnings.append(
                    f"column {columns[i]!r} is not imported: map it to customer_type if it "
                    "holds guest, registered, wholesale or affiliate"
                )
            continue
        target = guessed
        if target == IGNORE:
            fields[i], how[i] = IGNORE, "ignored"
        elif target in taken and target not in MULTI:
            losers.append((i, target))
        else:
            fields[i], how[i] = target, "auto"
            taken[target] = i
    _weak_key_beside_id(columns, fields, guesses, taken, warnings)
    _one_kind_per_address(headers, fields, how, taken, losers)
    for i, target in _second_address(headers, losers, taken):
        fields[i], how[i] = target, "auto"
        taken[target] = i
    # Further phone columns (Mobile, Home, Business...) and weaker email columns (Work, Home,
    # "E-mail 2"): each row's phone or email when its own is empty, else kept beside it.
    strength = {i: confidence for i, _, confidence in guesses}
    for i, target in sorted(losers):
        other = OTHERS.get(target)
        if other is None or (target == "email" and strength.get(i, 2) >= 2):
            continue  # two columns both named as the email: the second is not imported
        fields[i], how[i] = other, "auto"
        taken.setdefault(other, i)
        warnings.append(
            f"column {columns[i]!r} also looks like {target}, which column "
            f"{columns[taken[target]]!r} fills: it is the {target} of rows where that is "
            f"empty, and is kept as attr.{other} where both are given"
        )
    for i, target in sorted(losers):
        kept = target == "external_id" or target.startswith("attr.")
        name = attribute_name(columns[i]) if kept else None
        if how[i] == "unknown" and strength.get(i, 2) < 2 and name and name not in taken:
            # Square's Reference ID (the shop's own reference) beside its Square Customer ID:
            # not the record's id, and not to be lost; Google's Occupation beside its job title
            fields[i], how[i] = name, "auto"
            taken[name] = i
            warnings.append(
                _kept_beside_id(columns[i], name, columns[taken[target]])
                if target == "external_id"
                else f"column {columns[i]!r} is kept as {name}: column "
                f"{columns[taken[target]]!r} fills {target}"
            )
    for i, target in sorted(losers):
        if how[i] == "unknown":
            how[i] = "duplicate"
            # a JSON key left out still fills the field of a record without the chosen key
            fate = (
                f"it fills {target} only in records without {columns[taken[target]]!r}"
                if open_columns
                else "it is not imported"
            )
            warnings.append(
                f"column {columns[i]!r} also looks like {target}, which column "
                f"{columns[taken[target]]!r} fills; {fate}"
            )
    _name_beside_given_name(headers, fields, how, taken)
    return Mapping(columns, fields, how, warnings)


# Mailchimp's members exports: its own columns, and those of the subscriber's IP geolocation
_MAILCHIMP = frozenset({"memberrating", "optintime", "optinip", "confirmtime", "confirmip",
                        "lastchanged", "leid", "euid"})  # fmt: skip
_GEOLOCATION = frozenset({"latitude", "longitude", "gmtoff", "dstoff", "timezone", "cc",
                          "region"})  # fmt: skip


def mailchimp(names: list[str]) -> bool:
    """Is a file of these normal-form headers a Mailchimp members export? It has three of its
    own columns (MEMBER_RATING, OPTIN_TIME, LEID...)."""
    return len(_MAILCHIMP.intersection(names)) >= 3


def _mailchimp_geolocation(names: list[str]) -> set[int]:
    """The columns of a Mailchimp members export that place the subscriber's IP address
    (LATITUDE, TIMEZONE, CC, REGION...): guessed as the postal address's parts, they made its
    one-cell ADDRESS a first line with parts beside it, never split into its own parts
    (``rows.split_address``), and put an IP's region in a postal address."""
    if not mailchimp(names):
        return set()
    return {i for i, name in enumerate(names) if name in _GEOLOCATION}


# An orders export (Etsy's, a shop's own): an order's id and its amount, each under one of
# these names; its bare "Status" is the order's (Completed), not the customer's.
_ORDER_IDS = frozenset({"orderid", "ordernumber", "orderno", "order"})
_ORDER_AMOUNTS = frozenset({"ordertotal", "ordervalue", "ordernet", "total", "subtotal",
                            "totalpaid", "orderamount", "amount"})  # fmt: skip


def _order_status(names: list[str]) -> dict[int, str]:
    if not (_ORDER_IDS.intersection(names) and _ORDER_AMOUNTS.intersection(names)):
        return {}
    return {i: IGNORE for i, name in enumerate(names) if name in ("status", "title")}


# Facebook's lead ads export: its own columns
_FACEBOOK_LEADS = frozenset({"adid", "adname", "adsetid", "adsetname", "campaignid",
                             "campaignname", "formid", "formname", "isorganic"})  # fmt: skip
_FACEBOOK_FIELDS = {"leadstatus": IGNORE, "campaignname": "utm_campaign", "adname": "utm_content",
                    "platform": "utm_source"}  # fmt: skip


def _facebook_leads(names: list[str]) -> dict[int, str]:
    """Facebook's lead ads export: its lead_status is the lead's state in Facebook (CREATED),
    not a stage (every row failed on it); the campaign, ad and platform (fb, ig) the lead
    came through are its UTM campaign, content and source."""
    if len(_FACEBOOK_LEADS.intersection(names)) < 3:
        return {}
    return {i: _FACEBOOK_FIELDS[n] for i, n in enumerate(names) if n in _FACEBOOK_FIELDS}


# Shopify's orders export: its own columns
_SHOPIFY_ORDERS = frozenset({"financialstatus", "fulfillmentstatus", "lineitemname",
                             "lineitemquantity", "lineitemprice", "paidat"})  # fmt: skip


def _shopify_orders(names: list[str]) -> dict[int, str]:
    """The columns of Shopify's orders export (a shop with no customers export of its own
    imports its orders) read otherwise than their names say: "Name" is the order's number
    (#1001), not the customer's, whose name is "Billing Name"; "Id" is the order's id (a
    customer of three orders would have been linked under three ids); "Billing Street" is
    Address1 and Address2 in one, beside them. A file is that export when it has three of its
    own columns (Financial Status, Lineitem name, Paid at...)."""
    if len(_SHOPIFY_ORDERS.intersection(names)) < 3:
        return {}
    out = {}
    for i, name in enumerate(names):
        if name == "billingname":
            out[i] = "full_name"
        elif (
            (name == "name" and "billingname" in names)
            or name == "id"
            or (name in ("billingstreet", "shippingstreet") and name[:-6] + "address1" in names)
        ):
            out[i] = IGNORE
    return out


def _street_as_address(names: list[str]) -> dict[int, str]:
    """Yahoo's and Thunderbird's "Home Address" and "Work Address" beside their city, state
    and zip and no "Home Street": the street, not a whole address in one cell (Outlook's,
    beside its "Home Street"); the street was lost."""
    out = {}
    for i, name in enumerate(names):
        kind = name.removesuffix("address")
        if (
            kind != name
            and kind in WHOLE_ADDRESS_PREFIXES
            and not any(n.startswith(kind + "street") for n in names)
        ):
            out[i] = "address1_line1"
    return out


def _title_beside_job_title(names: list[str]) -> dict[int, str]:
    """Outlook's "Title" (Mr., Dr.) beside its "Job Title": the name's prefix (a bare Title
    is otherwise a job title or a prefix by its value: ``rows``); it was not imported."""
    if "jobtitle" not in names:
        return {}
    return {i: "attr.name_prefix" for i, name in enumerate(names) if name == "title"}


# Thunderbird's birthday in three columns; "Birth Day" alone read as the birthday
_BIRTH_PARTS = {"birthyear": "attr.birth_year", "birthmonth": "attr.birth_month",
                "birthday": "attr.birth_day"}  # fmt: skip


def _birth_parts(names: list[str]) -> dict[int, str]:
    """Birth Year, Birth Month and Birth Day side by side: the parts of one birthday (the
    day alone was stored as the birthday, "12"), put together by ``rows``."""
    found = {name: i for i, name in enumerate(names) if name in _BIRTH_PARTS}
    if len(found) < 3:
        return {}
    return {i: _BIRTH_PARTS[name] for name, i in found.items()}


# Google Contacts: "Custom Field 1 - Label" (or "- Type", its older exports) and "Custom Field
# 1 - Value"; an event's ("Anniversary") and a relation's ("Spouse") likewise
_LABELLED = re.compile(r"(customfield|event|relation)(\d{1,2})(label|type|value)")
_FURTHER_WEBSITE = re.compile(r"website(\d{1,2})value")


def _labelled_values(names: list[str], taken: set[tuple[int, str] | None]) -> dict[int, str]:
    """Columns holding a custom attribute's name (the label) and its value: attr_nameN and
    attr_valueN, N counting the pairs past those ``taken`` by overrides (they were not
    imported, and a value's name changes from row to row, so no column can be kept as one
    attribute)."""
    numbers = (n for n in range(1, MAX_PAIRS + 1) if not {(n, "name"), (n, "value")} & taken)
    found: dict[tuple[str, str], dict[str, int]] = {}
    for i, name in enumerate(names):
        m = _LABELLED.fullmatch(name)
        if m:
            part = "value" if m[3] == "value" else "name"
            found.setdefault((m[1], m[2]), {}).setdefault(part, i)
    out: dict[int, str] = {}
    for n, columns in zip(numbers, (c for c in found.values() if "value" in c), strict=False):
        for part, i in columns.items():
            out[i] = f"attr_{part}{n}"
    for i, name in enumerate(names):  # "Website 2 - Value": website_2 (the first is website)
        m = _FURTHER_WEBSITE.fullmatch(name)
        if m and int(m[1]) > 1:
            out[i] = f"attr.website_{int(m[1])}"
    return out


def _linkedin_connections(names: list[str]) -> dict[int, str]:
    """LinkedIn's connections export (First Name, Last Name, URL, Email Address, Company,
    Position, Connected On): its bare "URL" is the person's LinkedIn profile."""
    if "connectedon" not in names:
        return {}
    return {i: "attr.linkedin" for i, name in enumerate(names) if name == "url"}


def _weak_key_beside_id(
    columns: list[str],
    fields: list[str | None],
    guesses: list[tuple[int, str | None, int]],
    taken: dict[str, int],
    warnings: list[str],
) -> None:
    """A column only weakly named as the external id (Square's reference_id: the shop's own
    reference) beside an "id" column (the record's id in the tool the file came from, its
    external id) is kept as a custom attribute: as the external id it made every row holding
    both fail, as two external ids."""
    i, j = taken.get("external_id"), taken.get("id")
    weak = {k for k, target, confidence in guesses if target == "external_id" and confidence < 2}
    if i is None or j is None or i not in weak:
        return
    name = attribute_name(columns[i])
    if name is None or name in taken:
        return
    fields[i] = name
    del taken["external_id"]
    taken[name] = i
    warnings.append(_kept_beside_id(columns[i], name, columns[j]))


def _kept_beside_id(column: str, name: str, id_column: str) -> str:
    return (
        f"column {column!r} is kept as {name}: column {id_column!r} is the record's id in the "
        "tool the file came from, its external id"
    )


def _twice(first: str, column: str) -> str:
    same = f"{first!r}" if first == column else f"{first!r} (column {column!r})"
    return f"the same column as {same}: map it once"


@lru_cache(maxsize=4096)
def address_kind(header: str) -> str | None:
    """Which address a column's name says it is of ("Billing Zip", "shipping_city"):
    billing, shipping or mailing; None when it names no kind."""
    name = normal(header)
    kind = next((p for p in ADDRESS_PREFIXES if name.startswith(p)), None)
    kind = kind or next((p for p in ADDRESS_PREFIXES if name.endswith(p)), None)  # "City - Home"
    if kind in ("ship", "service"):  # Etsy's "Ship City"; Jobber's "Service City"
        return "shipping"
    return None if kind is None else kind.removesuffix("address")


def _one_kind_per_address(
    headers: list[str],
    fields: list[str | None],
    how: list[str],
    taken: dict[str, int],
    losers: list[tuple[int, str]],
) -> None:
    """The first address is one kind's: when billing and shipping columns are both guessed,
    a column of the other kind that won a part the first kind lacks ("Shipping Country"
    beside billing columns without a country) goes with its own kind's address instead."""
    guessed = [(i, f) for i, f in enumerate(fields) if how[i] == "auto" and f]
    first = [(i, f) for i, f in guessed if f.startswith("address1_") and address_kind(headers[i])]
    kinds = {address_kind(headers[i]) for i, _ in first}
    kinds |= {address_kind(headers[i]) for i, f in losers if f.startswith("address1_")}
    kinds.discard(None)
    if len(kinds) < 2 or not first:
        return
    owner = address_kind(headers[taken.get("address1_line1", first[0][0])])
    for i, f in first:
        if address_kind(headers[i]) != owner:
            fields[i], how[i] = None, "unknown"
            del taken[f]
            losers.append((i, f))


def _second_address(
    headers: list[str], losers: list[tuple[int, str]], taken: dict[str, int]
) -> list[tuple[int, str]]:
    """Address columns of a second kind (Shipping City beside Billing City) that lost their
    address1 part to the first kind: the next free address number, one per kind."""
    numbers: dict[str, int] = {}
    used = {int(m.group(1)) for f in taken if (m := re.fullmatch(r"address(\d+)_\w+", f))}
    out: list[tuple[int, str]] = []
    for i, target in losers:
        m = re.fullmatch(r"address1_(\w+)", target)
        kind = address_kind(headers[i])
        if not m or kind is None:
            continue
        if kind not in numbers:
            free = next(n for n in range(2, MAX_ADDRESSES + 2) if n not in used)
            if free > MAX_ADDRESSES:
                continue
            numbers[kind] = free
            used.add(free)
        field_name = f"address{numbers[kind]}_{m.group(1)}"
        if field_name not in taken and all(f != field_name for _, f in out):
            out.append((i, field_name))
    return out


def _name_beside_given_name(
    headers: list[str], fields: list[str | None], how: list[str], taken: dict[str, int]
) -> None:
    """A column headed just "Name" beside a guessed given-name column and no surname column
    is the surname (German forms: "Vorname", "Name"), not a whole name; beside a surname
    column and no given-name column, the given name (MailerLite: "Name", "Last name"). Its
    cells may hold the whole name all the same: ``rows.convert`` takes the other part off."""
    i = taken.get("full_name")
    if i is None or how[i] != "auto" or normal(headers[i]) != "name":
        return
    for given, other in (("first_name", "last_name"), ("last_name", "first_name")):
        if given in taken and other not in taken:
            fields[i] = other
            del taken["full_name"]
            taken[other] = i
            return


def field_names() -> list[str]:
    """Every target, for documentation and error messages."""
    parts = [f"address1_{p}" for p in ADDRESS_PARTS + FOLDED_PARTS]
    return [*FIELDS, *parts, "attr.<name>", "attr_name1", "attr_value1", IGNORE]
