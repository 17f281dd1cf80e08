"""One cell of a file → a value, pure: phones, dates, countries, money, tags, sources and
custom attributes as other tools write them, and what a spreadsheet did to a code. A cell
that cannot be read raises ``CellError``, which fails its row naming the column
(``rows.convert``)."""

from __future__ import annotations

import json
import re
import uuid
import zoneinfo
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from typing import Any

import orjson

from rolodex.customers.normalize import check_email
from rolodex.imports import amounts, countries, dates, mapping, words
from rolodex.kit.json_values import LIMIT
from rolodex.kit.phones import to_e164
from rolodex.kit.time import OUT_OF_RANGE, as_utc
from rolodex.models.customers import SOURCES

MAX_VALUE_CHARS = 500  # of a value quoted in the error report
_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")


class CellError(ValueError):
    pass


@lru_cache(maxsize=4096)
def _domain_ok(domain: str) -> bool:
    try:
        check_email("a@" + domain)
    except ValueError:
        return False
    return True


def fast_check_email(raw: str) -> str:
    """``check_email`` with its domain verdict cached: a plain ASCII local part (dot-atom,
    at most 64 characters) is valid exactly when the domain is, so only the domain is checked;
    anything else goes through ``check_email`` itself."""
    text = raw.strip()
    local, at, domain = text.rpartition("@")
    if (
        at
        and len(text) <= 254
        and len(local) <= 64
        and domain.isascii()
        and _LOCAL.fullmatch(local)
        and _domain_ok(domain)
    ):
        return text
    return check_email(raw)


@lru_cache(maxsize=65_536)
def e164(raw: str, region: str) -> str | None:
    """The E.164 form, or None when it is not a valid number (cached: files repeat numbers)."""
    try:
        return to_e164(raw, region)
    except ValueError:
        return None


_RECORD_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.I)


def record_id_value(raw: Any) -> uuid.UUID | None:
    """A Rolodex customer id (an export's ``id`` column), as Rolodex writes one (8-4-4-4-12);
    None for another tool's ids, which ``convert`` takes as the record's external id: 32 hex
    digits are Mailchimp's member id (an MD5), which a UUID's parser would take as well."""
    text = str(raw).strip()
    return uuid.UUID(text) if _RECORD_ID.fullmatch(text) else None


def e164_value(raw: str) -> str:
    """A phone as stored (an export's ``phone_e164``): + and the country code, valid."""
    text = raw.strip()
    if not text.startswith("+") or e164(text, "ZZ") != text:
        raise CellError("must be a valid phone number in E.164 form (+ and the country code)")
    return text


def enum_value(name: str, raw: str) -> tuple[str, str | bool] | None:
    """(field, value) a stage, status or type cell sets (``words``: another tool's word may
    set another field), None when it gives no value."""
    read = words.enum(name, raw)
    if isinstance(read, str):
        raise CellError(read)
    return read


def bool_value(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    # a list is no answer (not the words of its Python text: "[True]")
    value = words.yes_no(str(raw)) if isinstance(raw, str | int | float) else None
    if value is None:
        raise CellError("must be true or false (yes/no, 1/0, subscribed/unsubscribed)")
    return value


def datetime_value(raw: Any, day_first: bool | None = None) -> datetime:
    return datetime_read(raw, day_first)[0]


def datetime_read(raw: Any, day_first: bool | None = None) -> tuple[datetime, str | None]:
    """The instant a date cell gives, and how it was read when not as written (an Excel day
    number, a Unix time, a two-digit year: ``dates.reading``)."""
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise CellError(dates.FORMS)
    value = dates.reading(str(raw), day_first)
    if isinstance(value, str):
        raise CellError(value)
    try:
        return as_utc(value[0]), value[1]
    except OverflowError as exc:  # 0001-01-01T00:00+01:00 is before the first UTC instant
        raise CellError(OUT_OF_RANGE) from exc


def read_note(column: str, raw: Any, value: datetime, how: str) -> str:
    """The row's note on a date not written as one: what was read, and how."""
    midnight = (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0)
    shown = value.date().isoformat() if midnight else value.isoformat()
    return f"{column} {str(raw)!r} read as {shown} ({how})"


def country_value(raw: str) -> str:
    """An alpha-2 code from a code or a name in any case ("Germany", "DEU", "Deutschland");
    two letters go on as written, for the address validation to judge."""
    text = raw.strip()
    if len(text) == 2 and text.isascii() and text.isalpha() and text.upper() != "UK":
        return text
    code = countries.alpha2(text)
    if code is None:
        raise CellError(
            "not a country: write an ISO 3166-1 alpha-2 code (DE) or the country's name (Germany)"
        )
    return code


_ZONES = zoneinfo.available_timezones()
# Time zones as Rails names them (Zendesk, Freshdesk, Shopify, Intercom write them so) that
# are no IANA zone's city: the rest are ("Berlin", "Mexico City": Europe/Berlin...)
_RAILS_ZONES = {
    "hawaii": "Pacific/Honolulu", "alaska": "America/Juneau",
    "pacific time (us & canada)": "America/Los_Angeles", "arizona": "America/Phoenix",
    "mountain time (us & canada)": "America/Denver", "central time (us & canada)":
    "America/Chicago", "eastern time (us & canada)": "America/New_York",
    "indiana (east)": "America/Indiana/Indianapolis", "atlantic time (canada)": "America/Halifax",
    "newfoundland": "America/St_Johns", "saskatchewan": "America/Regina",
    "brasilia": "America/Sao_Paulo", "edinburgh": "Europe/London", "bern": "Europe/Zurich",
    "beijing": "Asia/Shanghai", "new delhi": "Asia/Kolkata",
    "mumbai": "Asia/Kolkata", "chennai": "Asia/Kolkata", "osaka": "Asia/Tokyo",
    "sapporo": "Asia/Tokyo", "wellington": "Pacific/Auckland", "canberra": "Australia/Sydney",
    "utc": "UTC",
}  # fmt: skip
_ZONE_CITIES = {zone.rsplit("/", 1)[-1].replace("_", " ").lower(): zone
                for zone in sorted(_ZONES, reverse=True) if "/" in zone}  # fmt: skip
_GMT_OFFSET = re.compile(r"\(\s*(?:gmt|utc)\s*[+-]?\d{1,2}(?::?\d{2})?\s*\)\s*", re.I)


def timezone_value(raw: str) -> str:
    """An IANA time zone from one as written, or from the name Rails gives it ("Eastern Time
    (US & Canada)", "(GMT+01:00) Berlin", "Mexico City"); other text goes on as written, for
    the address validation to judge."""
    text = raw.strip()
    if text in _ZONES:
        return text
    name = " ".join(_GMT_OFFSET.sub("", text).split()).lower()
    return _RAILS_ZONES.get(name) or _ZONE_CITIES.get(name) or text


def birth_date(value: Any, day_first: bool | None = None) -> Any:
    """A birth date attribute as matching reads it (YYYY-MM-DD) when it reads as a date, as
    --MM-DD when it has no year (03/15); anything else as given (an attribute is free text)."""
    return birth_reading(value, day_first)[0]


def birth_reading(
    value: Any, day_first: bool | None = None, what: str = "birthday"
) -> tuple[Any, str | None]:
    """``birth_date``, with how it was read when not as written (an Excel day number, 19yy
    or 20yy of a two-digit year: ``dates.reading``; a birthday without its year, 04/12, as
    --04-12: ``dates.yearless``); ``what``: the date's name in that (an anniversary)."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return value, None
    read = dates.reading(str(value), day_first, birth=True)
    if isinstance(read, str):
        no_year = dates.yearless(value, day_first) if isinstance(value, str) else None
        if no_year is None:
            return value, None
        if no_year[0] == str(value).strip():  # --04-12 already
            return no_year[0], None
        how = f"{'an' if what[0] in 'aeiou' else 'a'} {what} without its year" + (
            f", {no_year[1]}" if no_year[1] else ""
        )
        return no_year[0], how
    return read[0].date().isoformat(), read[1]


def opt_out_value(raw: Any) -> bool:
    """Whether an opt-out cell says the person opted out: yes, or a subscription state that
    is no consent ("unsubscribed"); "subscribed" in it is not opted out."""
    state = words.SUBSCRIPTION_WORDS.get(mapping.normal(raw)) if isinstance(raw, str) else None
    return not state if state is not None else bool_value(raw)


def count_value(raw: Any) -> int | None:
    """A count ("7", 7, a sheet's "7.0", "1,204"): a whole number, not negative; None when
    the cell is none."""
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        return None
    try:
        value = Decimal(str(raw).strip().replace(",", ""))
    except ArithmeticError:
        return None
    if not value.is_finite() or value < 0 or value != value.to_integral_value():
        return None
    return int(value)


def money_value(raw: Any) -> Decimal:
    try:
        return amounts.money(raw)
    except ValueError as exc:
        raise CellError(str(exc)) from exc


_TEXT_MARKED = re.compile(r"'[0-9A-Za-z]")
_FLOATED = re.compile(r"\s*\+?\d{6,15}\.0\s*")


def spreadsheet_cell(name: str, text: str) -> str:
    """What a spreadsheet made of a code: the apostrophe that keeps a postcode's or an id's
    leading zeros as text ('02134, as Shopify exports them) is dropped, and a phone that a
    sheet took for a number (2125550130.0) loses its ".0". Other cells are left as they are
    (an apostrophe may begin a note)."""
    if (name == "external_id" or name.endswith("_postcode")) and _TEXT_MARKED.match(text):
        return text[1:]
    if name in ("phone", "other_phone") and _FLOATED.fullmatch(text):
        return text.strip()[:-2]
    return text


def whole_number(raw: float) -> str | float:
    """A JSON number given for a code (an id, a postcode) as its digits when it is whole:
    pandas writes a column of ids with a gap as floats (12345.0), which read as "12345.0"
    matched nothing the same tool's CSV (12345) was stored under. Past 2**53 a float's digits
    are not the ones written: it is left as it is, as is a fraction."""
    if raw.is_integer() and abs(raw) < 2**53:
        return str(int(raw))
    return raw


class _Inexact(ValueError):
    """A number in a cell that reading would change."""


def _exact(value: int | float, text: str) -> int | float:
    """``value`` when it is written back exactly as ``text`` (as orjson, an export's encoder,
    writes it) and is a number every engine stores (``json_values.LIMIT``); else _Inexact."""
    if not -LIMIT < value < LIMIT or orjson.dumps(value) != text.encode():
        raise _Inexact(text)
    return value


def _exact_float(text: str) -> float:
    return float(_exact(float(text), text))


def _exact_int(text: str) -> int:
    return int(_exact(int(text), text))


def attr_cell(text: str) -> Any:
    """A custom attribute from CSV text: a JSON literal (number, true, null, "text", object,
    list) is that value when every number in it is written back as the cell writes it, so
    reading loses nothing; anything else is the text itself. "1.10", "12E4", "+5", "007",
    a 20-digit account number or a long decimal stay as typed (a double would round them,
    and no engine stores an integer past 64 bits), and no row fails for one."""
    if not text or text[0] not in '{["-0123456789tfn':
        return text
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError:
        return text
    try:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return _exact(value, text)
        if isinstance(value, dict | list) and any(c.isdigit() for c in text):
            # again, for its numbers as written (orjson reads one past 64 bits as a double)
            return json.loads(text, parse_int=_exact_int, parse_float=_exact_float)
    except _Inexact:
        return text
    except RecursionError:  # deeper than json reads: storing refuses it (MAX_DEPTH) anyway
        return value
    return value


def json_list(raw: Any) -> list[Any] | None:
    """A CSV cell holding a JSON array (an export writes tags and sources so when one of them
    holds a separator), else None."""
    if not isinstance(raw, str) or not raw.startswith("[") or not raw.endswith("]"):
        return None
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    return value if isinstance(value, list) else None


def google_values(raw: Any) -> list[str] | None:
    """The values of a Google Contacts cell that holds several ("ann@x.com ::: ann@y.com"
    in "E-mail 1 - Value": Google's CSV writes a contact's further values of one label so),
    else None. Only email, phone and group cells are read so: other text keeps its ":::"."""
    if not isinstance(raw, str) or ":::" not in raw:
        return None
    return [p.strip() for p in raw.split(":::") if p.strip()]


_ANGLED = re.compile(r"<\s*([^<>\s]+@[^<>\s]+?)\s*>")
_LIST_SEPARATORS = re.compile(r"[;,\s]+")


def email_values(raw: Any) -> list[str] | None:
    """The addresses of an email cell written as a mail program writes them: "Jane Smith
    <jane@x.com>" (copied from a To: line), several in one cell ("a@x.com; b@y.com",
    "a@x.com, b@y.com"), "mailto:a@x.com"; else None (the cell is read as it is). Each of
    these failed its row as not an email address."""
    if not isinstance(raw, str) or "@" not in raw:
        return None
    angled = _ANGLED.findall(raw)
    if angled and _ANGLED.sub("", raw).count("@") == 0:
        return angled
    text = raw.strip()
    if text[:7].lower() == "mailto:" and text.count("@") == 1:
        return [text[7:].strip()]
    if text.count("@") > 1:
        parts = [p for p in _LIST_SEPARATORS.split(text) if p]
        if all(p.count("@") == 1 for p in parts):
            return parts
    return None


_PHONE_LABEL = re.compile(r"\s*(?:\(\s*[A-Za-z][A-Za-z .]{0,19}\)|-\s+[A-Za-z]{1,10})\s*$")
_PHONE_SEPARATORS = re.compile(r"\s*(?:[;,|]|\s/\s|\s+or\s+)\s*")


def phone_values(raw: Any) -> list[str] | None:
    """The numbers of a phone cell holding more than one ("503-555-0100 / 503-555-0199",
    "..., ...", "... or ...") or a label after its number ("+1 503 555 0101 (mobile)",
    "503-555-0100 - cell"), each number without its label; else None (read as it is). Each
    failed its row as not a valid phone number. A part of fewer than seven digits is no
    number of its own ("..., ext 12"): the cell is then read as it is."""
    if not isinstance(raw, str):
        return None
    parts = [p for p in _PHONE_SEPARATORS.split(raw.strip()) if p]
    if any(sum(ch.isdigit() for ch in p) < 7 for p in parts):
        return None
    numbers = [_PHONE_LABEL.sub("", p) for p in parts]
    return numbers if numbers != [raw.strip()] else None


# Google Contacts' system groups, written "* name" in its CSV. Those no user chose are no
# tag: myContacts (every contact saved in the address book: a contact's only group when it
# has no label of its own), all, chatBuddies (Hangouts) and blocked. The ones a user puts a
# contact in, shown as labels in Google Contacts (starred, friends, family, coworkers), are
# tags, named without the "* ".
GOOGLE_SYSTEM = frozenset({"mycontacts", "all", "chatbuddies", "blocked", "starred", "friends",
                           "family", "coworkers"})  # fmt: skip
GOOGLE_AUTOMATIC = frozenset({"mycontacts", "all", "chatbuddies", "blocked"})


def _google_group(text: str) -> bool:
    return text.startswith("* ") and text[2:].strip().casefold() in GOOGLE_SYSTEM


def split_tags(raw: Any, delimiter: str | None) -> list[str]:
    listed = json_list(raw) if delimiter is None else None
    if listed is not None:
        raw = listed
    if isinstance(raw, list):
        # a tag object of an API (Mailchimp's {"id": 1, "name": "vip"}): its name
        raw = [t["name"] if isinstance(t, dict) and isinstance(t.get("name"), str) else t
               for t in raw]  # fmt: skip
        if any(isinstance(t, bool | dict | list) for t in raw):
            raise CellError(
                "each tag must be text (or a number, or an object with a name), not a list, "
                "another object or a boolean"
            )
        return [str(t) for t in raw if t is not None and str(t).strip()]
    if isinstance(raw, bool | dict):  # JSON's true or false alone: no tag "True"
        raise CellError("tags must be text (or a number), not a boolean or an object")
    text = str(raw)
    groups = google_values(text) if delimiter is None else None
    if groups is None and delimiter is None and _google_group(text.strip()):
        groups = [text.strip()]  # a contact's one group: "* myContacts" alone
    if groups is not None:  # Google Contacts: "* myContacts ::: Friends ::: * starred"
        parts = (g.removeprefix("* ").strip() for g in groups)
        return [t for t in parts if t and t.casefold() not in GOOGLE_AUTOMATIC]
    if delimiter is None and _HASHTAGS.fullmatch(text.strip()):  # "#vip #newsletter"
        return [t[1:] for t in text.split()]
    sep = delimiter or ("|" if "|" in text else ";" if ";" in text else ",")
    # Mailchimp quotes each tag: "Customer","VIP"
    return [t for t in (_unquoted(p.strip()) for p in text.split(sep)) if t]


# Tags written as hashtags, two or more apart by spaces and nothing else: each without its #
_HASHTAGS = re.compile(r"#[^\s#,;|]+(?:\s+#[^\s#,;|]+)+")


def _unquoted(tag: str) -> str:
    return tag[1:-1].strip() if len(tag) >= 2 and tag[0] == tag[-1] == '"' else tag


# What the API's schemas trim off text (pydantic's strip_whitespace): what str.strip() does,
# but the information separators U+001C to U+001F stay. An import trimming with str.strip()
# gave a copy of an export other external ids and consent sources than the API had kept.
_TRIMMED = (
    "\t\n\x0b\x0c\r \x85\xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + "\u2028\u2029\u202f\u205f\u3000"
)


def trim(text: str) -> str:
    """``text`` trimmed as the API trims it."""
    return text.strip(_TRIMMED)


def sources_value(
    raw: Any, day_first: bool | None = None
) -> tuple[list[tuple[str, str | None]], dict[tuple[str, str], datetime]]:
    """(source, external id) pairs of a sources cell, and when those a JSON export lists
    with their ``last_synced_at`` were last synced: a copy keeps when the shop last synced,
    not the import's time.

    A source without an id is where the record came from (None), except when it is written
    as a link without one ("api:", or ``"external_id": null``) beside ids of that source: an
    export writes so a customer that absorbed another holding its own link without an id
    beside the other's, and its id is then "" (``state``: a link without an id besides)."""
    listed = json_list(raw)
    if isinstance(raw, dict):  # one source object of a JSON record
        listed = [raw]
    items: list[Any] = (
        listed if listed is not None else raw if isinstance(raw, list) else str(raw).split("|")
    )
    out = []
    empty: set[str] = set()  # sources listed as a link without an id
    synced: dict[tuple[str, str], datetime] = {}
    for item in items:
        if isinstance(item, dict):
            source, external = item.get("source"), item.get("external_id")
            linked = "external_id" in item
        else:
            source, colon, external = trim(str(item)).partition(":")
            linked = bool(colon)
        source = str(source or "").strip().lower()
        if not source:
            continue
        if source not in SOURCES:
            raise CellError(f"unknown source {source!r}; use {', '.join(SOURCES)}")
        if isinstance(external, bool | dict | list):
            raise CellError(f"the external id of source {source!r} must be text or a number")
        if isinstance(external, float):
            external = whole_number(external)
        ext = trim(str(external)) if external not in (None, "") else None
        if ext and len(ext) > 200:
            raise CellError("an external id is at most 200 characters")
        if linked and not ext:
            empty.add(source)
        out.append((source, ext))
        at = item.get("last_synced_at") if isinstance(item, dict) else None
        if ext and at not in (None, ""):
            try:
                synced[(source, ext)] = datetime_value(at, day_first)
            except CellError as exc:
                raise CellError(f"last_synced_at of source {source!r}: {exc}") from exc
    with_ids = {source for source, ext in out if ext} & empty
    if with_ids:
        # after the ids: an id fills a link without one the customer holds, then this keeps one
        out = [s for s in out if s[1] or s[0] not in with_ids]
        out += [(source, "") for source in sorted(with_ids)]
    return out, synced


_BIGCOMMERCE_KEY = re.compile(r"(?:^|,)\s*(address_[a-z0-9_]+):[ \t]*")
_BIGCOMMERCE_PARTS = {"address_line_1": "line1", "address_line_2": "line2",
                      "address_city": "city", "address_state": "region",
                      "address_zip": "postcode", "address_country": "country"}  # fmt: skip


def bigcommerce_addresses(text: str) -> list[dict[str, str]] | None:
    """BigCommerce's customer export writes a customer's addresses in one cell: "address_id:
    1, address_line_1: 3 Elm St, address_city: Boston, ...", several joined by "|". Their
    parts as address objects; None for a cell not written so."""
    if not text.lstrip().startswith("address_"):
        return None
    out = []
    for chunk in text.split("|"):
        keys = list(_BIGCOMMERCE_KEY.finditer(chunk))
        item = {}
        for key, after in zip(keys, [*keys[1:], None], strict=True):
            value = chunk[key.end() : after.start() if after is not None else len(chunk)].strip()
            part = _BIGCOMMERCE_PARTS.get(key.group(1))
            if part is not None and value:
                item[part] = value
        if item:
            out.append(item)
    return out


def has_nul(value: Any) -> bool:
    """Does a NUL hide in ``value``, its keys or items (at any depth: without recursing)?"""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def storable(text: str) -> str:
    """Text any column accepts (PostgreSQL refuses NUL): for reports about bad input."""
    return text.replace("\x00", "\ufffd") if "\x00" in text else text


def shown(value: Any) -> str | None:
    """A value as the error report quotes it: text, cut short, storable."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value
    else:
        try:
            text = orjson.dumps(value, default=str).decode()
        except orjson.JSONEncodeError:  # an integer past 64 bits, a value nested past 254
            try:
                text = json.dumps(value, default=str, ensure_ascii=False, separators=(",", ":"))
            except RecursionError:
                text = "(a value nested too deeply to quote)"
    return storable(text[:MAX_VALUE_CHARS])
