"""vCard contact lists (.vcf), what phones and address books export: Apple Contacts and
iCloud (vCard 3.0), Google Contacts (3.0), Android and Outlook (2.1, non-ASCII text in
quoted-printable) and vCard 4.0. Each card is one record of the fields an import maps, so the
rest of the import (mapping, matching, the row report) reads it as it reads a JSON record.

Cards are read streaming, each from its BEGIN:VCARD line (the record's line) to its
END:VCARD: lines unfolded (a line starting with a space goes on the one before it, as does
the line after a quoted-printable one ending in "="), parameters read (TYPE=cell,voice;
vCard 2.1's bare ;CELL;PREF), values decoded (quoted-printable in their CHARSET) and
unescaped (\\n \\, \\;). A card's photo, logo, sound and key (base64 data: most of an exported
file) are left out, as is a line longer than 1 MiB (only such data is that long; a note is
stored up to 20,000 characters). A card with a line that is no property, one that never
ends, or one over 1 MiB without its photo fails its row, saying why; the next card is read.

Not vobject: it keeps only the part of a text before its first comma ("NOTE:Regular since
2019, prefers mornings" read as "Regular since 2019"), and vCard 2.1 writers (Android,
Outlook) leave commas in text as they are.

What a card gives: N (given and family name; FN when N has none), EMAIL and TEL (the preferred
first, then a mobile number; the others are kept as other emails and phones), ADR (addresses),
ORG (company, and its unit the department attribute), TITLE, NICKNAME (or Android's), URL and a
LinkedIn profile (the job_title, nickname, website and linkedin attributes, as a CSV's columns
of those names are kept); N's middle name, prefix and suffix (the middle_name, name_prefix and
name_suffix attributes), NOTE, BDAY (the birthday attribute, read by matching), CATEGORIES
(tags) and UID (the external id: the same card imported again updates its customer);
anniversaries, other dates and related people (Apple's and Google's X-ABDATE and
X-ABRELATEDNAMES with their X-ABLabel, vCard 4's ANNIVERSARY and RELATED, Outlook's
X-MS-SPOUSE, Android's X-ANDROID-CUSTOM) custom attributes named by their labels (attr.anniversary,
attr.spouse); X-ROLODEX-ID (Rolodex's own export) is the customer's id, and its export's
billing and shipping address types are read back. Any other property is a ``vcard.<name>`` key,
which no field maps, so that the preview and the mapping list it as not imported.
"""

from __future__ import annotations

import codecs
import quopri
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from rolodex.imports import dates, mapping
from rolodex.imports.cells import GOOGLE_AUTOMATIC
from rolodex.imports.csv_lines import MAX_RECORD_CHARS, Lines
from rolodex.imports.detect import cp1252_text

START = re.compile(r"\s*begin\s*:\s*vcard\s*$", re.I)
_END = re.compile(r"\s*end\s*:\s*vcard\s*$", re.I)
# group.NAME;param=value;"quoted";...: (the start of a content line, RFC 6350 3.3)
_PROPERTY = re.compile(r'(?:[A-Za-z0-9_-]+\.)?([A-Za-z0-9_-]+)((?:;(?:"[^"]*"|[^";:])*)*):')
_PARAM = re.compile(r'(?:"[^"]*"|[^";])+')
_GROUP = re.compile(r"([A-Za-z0-9_-]+)\.[A-Za-z0-9_-]+[;:]")  # item1.X-ABDATE: item1
_BINARY = frozenset({"PHOTO", "LOGO", "SOUND", "KEY"})
# vCard 2.1's bare parameters that are no TYPE (;QUOTED-PRINTABLE)
_BARE = {"QUOTED-PRINTABLE": "ENCODING", "BASE64": "ENCODING", "8BIT": "ENCODING",
         "7BIT": "ENCODING"}  # fmt: skip
# what says how a card is written or where it came from, not who it is: not listed
_META = frozenset({"VERSION", "PRODID", "REV", "X-ABADR", "X-ABLABEL", "X-ABUID",
                   "X-ABSHOWAS", "CLIENTPIDMAP", "PROFILE", "NAME", "SOURCE", "MAILER",
                   "LABEL"})  # fmt: skip
_ESCAPED = re.compile(r"\\([nN,;:\\])")
_YEAR_FIRST = re.compile(r"(\d{4})-?(\d{2})-?(\d{2})(?!\d)")
_GENDERS = {"F": "female", "M": "male", "O": "other"}
_LINKEDIN = re.compile(r"(?:^|[/.])linkedin\.com/", re.I)
_PO_BOX = re.compile(r"p\.?\s*o\.?\s|po box", re.I)
# the keys of a record in the order a preview lists them (``vcard.*`` last)
_ORDER = ("id", "external_id", "name", "name_prefix", "first_name", "middle_name", "last_name",
          "name_suffix", "nickname", "emails", "phones", "company", "department", "job_title",
          "addresses", "birthday", "gender", "website", "linkedin", "tags",
          "notes")  # fmt: skip


@dataclass(slots=True)
class Card:
    """One card of the file, as (line, text) of its properties (unfolded; photos left out),
    or why it cannot be read."""

    line: int  # of its BEGIN:VCARD (or of the first stray line)
    lines: list[tuple[int, str]] | None
    problem: str | None = None


@dataclass(slots=True)
class _Open:
    line: int
    lines: list[list[Any]] = field(default_factory=list)  # [line, text] of each property
    size: int = 0
    dropping: bool = False  # the current property is left out (a photo, a nested card)
    nested: int = 0  # depth inside a card of an AGENT property (vCard 2.1)
    qp_next: bool = False  # a quoted-printable line ending in "=": the next line goes on it
    bad: str | None = None
    agent: bool = False  # the last property was an AGENT with no value: a card follows

    def card(self) -> Card:
        if self.bad is not None:
            return Card(self.line, None, self.bad)
        if self.size > MAX_RECORD_CHARS:
            return Card(self.line, None, "the card is longer than 1 MiB without its photo")
        return Card(self.line, [(n, text) for n, text in self.lines])


def cards(lines: Lines) -> Iterator[Card]:
    """The cards of a file of vCards, in order; text outside any card is a Card with a
    problem (one for each run of such lines)."""
    card: _Open | None = None
    stray: int | None = None
    for raw in lines:
        number = lines.number
        text = raw.rstrip("\r\n")
        overlong = bool(lines.overlong) and lines.overlong[-1] == number
        if card is None:
            if START.match(text):
                if stray is not None:
                    yield _stray(stray)
                    stray = None
                card = _Open(number)
            elif (text.strip() or overlong) and stray is None:
                stray = number
            continue
        if overlong:  # a photo on one line, most likely: left out with its property
            card.dropping, card.qp_next = True, False
            continue
        if card.qp_next or text[:1] in (" ", "\t"):
            _goes_on(card, text)
            continue
        if not text.strip():
            continue
        if card.nested:
            card.nested += 1 if START.match(text) else -1 if _END.match(text) else 0
            continue
        if _END.match(text):
            yield card.card()
            card = None
        elif START.match(text) and card.agent:  # 2.1's AGENT: another's card inside this one
            card.nested, card.dropping = 1, True
        elif START.match(text):
            yield Card(card.line, None, _unended(card.line, number))
            card = _Open(number)
        else:
            _property(card, number, text)
    if stray is not None:
        yield _stray(stray)
    if card is not None:
        yield Card(card.line, None, _unended(card.line, None))


def _property(card: _Open, number: int, text: str) -> None:
    """The first line of a property of an open card."""
    found = _PROPERTY.match(text)
    if found is None:
        card.bad = card.bad or (
            f"line {number} is not a vCard property (NAME:value): {text.strip()[:60]!r}"
        )
        card.dropping = card.qp_next = False
        return
    name = found[1].upper()
    card.agent = name == "AGENT" and not text[found.end() :].strip()
    card.dropping = name in _BINARY or card.agent
    card.qp_next = "QUOTED-PRINTABLE" in found[2].upper() and text.endswith("=")
    if not card.dropping:
        card.lines.append([number, text])
        _grown(card, len(text))


def _goes_on(card: _Open, text: str) -> None:
    """A line that goes on the property before it: folded (its first space left out), or
    after a quoted-printable soft line break (the "=" left out)."""
    soft = card.qp_next
    card.qp_next = soft and text.endswith("=")
    if card.dropping or not card.lines:
        return
    last = card.lines[-1]
    last[1] = last[1][:-1] + text if soft else last[1] + text[1:]
    _grown(card, len(text))


def _grown(card: _Open, by: int) -> None:
    card.size += by
    if card.size > MAX_RECORD_CHARS:
        card.lines.clear()
        card.dropping = True


def _stray(line: int) -> Card:
    return Card(line, None, f"line {line} is outside any card: a card is BEGIN:VCARD ... END:VCARD")


def _unended(line: int, next_card: int | None) -> str:
    where = f"the card on line {next_card} begins" if next_card else "the file ends"
    return f"the card that begins on line {line} has no END:VCARD before {where}"


class Unreadable(Exception):
    """A card holding a value that cannot be decoded, or a card of no customer (a group)."""


@dataclass(slots=True)
class _Property:
    name: str
    kinds: set[str]  # its TYPE values in lowercase, 2.1's bare ones among them
    params: dict[str, list[str]]
    value: str  # decoded (quoted-printable), still escaped
    group: str | None = None  # item1 of item1.X-ABDATE (Apple's: its X-ABLabel names it)

    @property
    def pref(self) -> bool:
        return "pref" in self.kinds or "PREF" in self.params

    def text(self) -> str:
        return _unescape(self.value).strip()

    def parts(self, separator: str = ";") -> list[str]:
        return [_unescape(p).strip() for p in _split(self.value, separator)]


def _read(line: int, text: str) -> _Property | None:
    """A property of a card (None: binary data, left out)."""
    found = _PROPERTY.match(text)
    assert found is not None  # framing checked it
    params: dict[str, list[str]] = {}
    for raw in _PARAM.findall(found[2]):
        key, eq, value = raw.partition("=")
        if not eq:
            key, value = _BARE.get(raw.strip().upper(), "TYPE"), raw
        values = [v.strip() for v in value.strip().strip('"').split(",")]
        params.setdefault(key.strip().upper(), []).extend(values)
    kinds = {v.lower() for v in params.get("TYPE", [])}
    value = text[found.end() :]
    encoding = (params.get("ENCODING") or [""])[0].upper()
    if encoding in ("B", "BASE64"):
        return None
    if encoding == "QUOTED-PRINTABLE":
        value = _quoted_printable(line, value, (params.get("CHARSET") or ["utf-8"])[0])
    grouped = _GROUP.match(text)
    group = grouped[1].lower() if grouped else None
    return _Property(found[1].upper(), kinds, params, value, group)


def _quoted_printable(line: int, value: str, charset: str) -> str:
    try:
        codec = codecs.lookup(charset).name
    except LookupError:
        raise Unreadable(f"line {line}: unknown character set {charset!r}") from None
    data = quopri.decodestring(value.encode("utf-8"))
    try:
        return data.decode(codec)
    except UnicodeDecodeError:  # bytes of Windows' own in a CHARSET=UTF-8 (old exports)
        return cp1252_text(data) if codec == "utf-8" else data.decode(codec, errors="replace")


def _split(value: str, separator: str) -> list[str]:
    """``value``'s parts between the separators not escaped by a backslash."""
    parts, start, i = [], 0, 0
    while i < len(value):
        if value[i] == "\\":
            i += 2
            continue
        if value[i] == separator:
            parts.append(value[start:i])
            start = i + 1
        i += 1
    parts.append(value[start:])
    return parts


def _unescape(value: str) -> str:
    return _ESCAPED.sub(lambda m: "\n" if m[1] in "nN" else m[1], value)


def record(card: Card, groups: dict[str, list[str]] | None = None) -> dict[str, Any]:
    """The fields of a card as an import's record (a JSON record's keys); ``groups``
    (``memberships``): the names of the groups of the file each card's UID is a member of,
    its tags."""
    assert card.lines is not None
    out: dict[str, Any] = {}
    emails: list[tuple[bool, int, str]] = []
    phones: list[tuple[bool, bool, int, str]] = []
    addresses: list[tuple[bool, int, dict[str, str | None]]] = []
    notes: list[str] = []
    full_name = company = None
    props = [(index, _read(line, text)) for index, (line, text) in enumerate(card.lines)]
    labels = {p.group: p.text() for _, p in props if p and p.name == "X-ABLABEL" and p.group}
    for index, prop in props:
        if prop is None or prop.name in _META:
            continue
        name = prop.name
        if name in _KINDS and prop.text().lower() == "group":
            raise Unreadable(_group(card))
        if name == "N":  # family; given; additional (middle); prefix; suffix
            parts = (prop.parts() + [""] * 5)[:5]
            keys = ("last_name", "first_name", "middle_name", "name_prefix", "name_suffix")
            out.update({k: v for k, v in zip(keys, parts, strict=True) if v})
        elif name == "FN":
            full_name = prop.text()
        elif name == "EMAIL" and prop.text():
            emails.append((not prop.pref, index, prop.text()))
        elif name == "TEL" and prop.text():
            number = re.sub(r"^tel:", "", prop.text(), flags=re.I)
            machine = next((k for k in ("fax", "pager") if k in prop.kinds), None)
            if machine:  # no one to call or text: listed as not imported
                out.setdefault(f"vcard.{machine}", number)
            else:
                phones.append((not prop.pref, not prop.kinds & {"cell", "mobile"}, index, number))
        elif name == "ADR" and (address := _address(prop.parts())):
            kind = prop.kinds & {"billing", "shipping"}  # Rolodex's own export types them
            if len(kind) == 1:
                address["type"] = kind.pop()
            addresses.append((not prop.pref, index, address))
        elif name == "ORG":  # the company; its unit (department) after it
            parts = prop.parts()
            company = next((p for p in parts if p), None)
            if parts and parts[0] and len(parts) > 1 and parts[1]:
                out["department"] = parts[1]
        elif name == "NICKNAME" and prop.text():
            out["nickname"] = prop.text()
        elif name == "NOTE" and prop.text():
            notes.append(prop.text().replace("\r\n", "\n"))
        elif name == "CATEGORIES":
            tags = [t for t in prop.parts(",") if t and t.casefold() not in GOOGLE_AUTOMATIC]
            out.setdefault("tags", []).extend(tags)
        elif name in _DATED or name in _RELATED or name == "X-ANDROID-CUSTOM":
            _labelled(out, prop, labels.get(prop.group or ""))
        else:
            _other(out, prop)
    shown = {company or ""} | {e[-1] for e in emails} | {p[-1] for p in phones}
    _named(out, full_name, company, {t.casefold() for t in shown})
    for uid in {_uid(out.get("external_id")), _uid(out.get("id"))} - {""}:
        out.setdefault("tags", []).extend((groups or {}).get(uid, []))
    if "id" in out and out.get("external_id") == f"urn:uuid:{out['id']}":
        del out["external_id"]
    for key, listed in (("emails", emails), ("phones", phones), ("addresses", addresses)):
        if listed:
            out[key] = [item[-1] for item in sorted(listed, key=lambda i: i[:-1])]
    if notes:
        out["notes"] = "\n\n".join(notes)
    if not out.get("tags"):
        out.pop("tags", None)
    order = {key: i for i, key in enumerate(_ORDER)}
    return dict(sorted(out.items(), key=lambda kv: order.get(kv[0], len(order))))


_KINDS = ("KIND", "X-ADDRESSBOOKSERVER-KIND")  # vCard 4's; Apple's (iCloud) before it


_MEMBERS = ("MEMBER", "X-ADDRESSBOOKSERVER-MEMBER")


def _uid(value: Any) -> str:
    """A card's UID as a group's member list names it (urn:uuid: and case left out)."""
    text = str(value or "").strip().lower()
    return text.removeprefix("urn:uuid:")


def _group_of(card: Card) -> tuple[str, list[str]] | None:
    """A group's card (iCloud's "Friends", vCard 4's KIND:group): its name and its members'
    UIDs; None for any other card."""
    assert card.lines is not None
    props = [p for n, t in card.lines if (p := _read(n, t)) is not None]
    if not any(p.name in _KINDS and p.text().lower() == "group" for p in props):
        return None
    name = next((p.text() for p in props if p.name == "FN"), "")
    return name, [_uid(p.text()) for p in props if p.name in _MEMBERS and p.text()]


def memberships(lines: Lines) -> dict[str, list[str]]:
    """The groups of a file of cards (a first pass over it: a group's card may come after
    its members): each member's UID and the names of its groups, which ``record`` makes its
    tags."""
    out: dict[str, list[str]] = {}
    for card in cards(lines):
        try:
            group = _group_of(card) if card.lines is not None else None
        except Unreadable:
            continue  # the card fails its own row, saying why
        if group is not None and group[0]:
            for uid in group[1]:
                out.setdefault(uid, []).append(group[0])
    return out


def _group(card: Card) -> str:
    """Why a group's card is not imported, and what became of it."""
    name, members = _group_of(card) or ("", [])
    shown = f" ({name!r})" if name else ""
    if name and members:
        return f"a contact group{shown}, not a person: its members are tagged {name!r}"
    return f"a contact group{shown}, not a person: not imported"


def _other(out: dict[str, Any], prop: _Property) -> None:
    """TITLE, BDAY, UID, URL, GENDER and what no field holds (``vcard.<name>``)."""
    text, name = prop.text(), prop.name
    if not text:
        return
    if name in ("URL", "X-SOCIALPROFILE") and (_LINKEDIN.search(text) or "linkedin" in prop.kinds):
        out.setdefault("linkedin", text)
    elif name == "X-SOCIALPROFILE" and (social := _social(prop, text)) is not None:
        out.setdefault(f"attr.{social}", text)  # Instagram, Facebook: listed as not imported
    elif name == "IMPP" and (messenger := _messenger(prop, text)) is not None:
        out.setdefault(f"attr.{messenger[0]}", messenger[1])  # Skype, Telegram, WhatsApp
    elif name == "URL":
        out.setdefault("website", text)
    elif name == "TITLE":
        out.setdefault("job_title", text)
    elif name == "BDAY":
        out.setdefault("birthday", _birthday(text, prop.params.get("X-APPLE-OMIT-YEAR")))
    elif name == "UID":
        out.setdefault("external_id", text)
    elif name == "X-ROLODEX-ID":  # Rolodex's own export: the customer's id (its UID too)
        out.setdefault("id", text)
    elif name == "GENDER" and text.split(";")[0].upper() in _GENDERS:
        out.setdefault("gender", _GENDERS[text.split(";")[0].upper()])
    else:
        out.setdefault(f"vcard.{name.lower()}", text)


# a date of the contact's other than its birthday, and a person related to it: a custom
# attribute named by its label (Apple's, Google's: item1.X-ABDATE beside item1.X-ABLabel) or by
# the property (vCard 4's ANNIVERSARY; Outlook's X-MS-SPOUSE; Evolution's)
_DATED = {"X-ABDATE": "date", "ANNIVERSARY": "anniversary", "X-ANNIVERSARY": "anniversary",
          "X-MS-ANNIVERSARY": "anniversary", "X-EVOLUTION-ANNIVERSARY": "anniversary"}  # fmt: skip
_RELATED = {"X-ABRELATEDNAMES": "related_name", "RELATED": "related_name",
            "X-SPOUSE": "spouse", "X-MS-SPOUSE": "spouse", "X-EVOLUTION-SPOUSE": "spouse",
            "X-MANAGER": "manager", "X-MS-MANAGER": "manager", "X-EVOLUTION-MANAGER": "manager",
            "X-ASSISTANT": "assistant", "X-MS-ASSISTANT": "assistant",
            "X-EVOLUTION-ASSISTANT": "assistant"}  # fmt: skip
# Android's X-ANDROID-CUSTOM (vnd.android.cursor.item/relation;Luis;14;...): its type numbers
_ANDROID = {
    "relation": ("related_name", {"1": "assistant", "2": "brother", "3": "child",
                 "4": "domestic_partner", "5": "father", "6": "friend", "7": "manager",
                 "8": "mother", "9": "parent", "10": "partner", "11": "referred_by",
                 "12": "relative", "13": "sister", "14": "spouse"}),
    "contact_event": ("date", {"1": "anniversary", "2": "date", "3": "birthday"}),
}  # fmt: skip
_APPLE_LABEL = re.compile(r"_\$!<(.*)>!\$_")


def _labelled(out: dict[str, Any], prop: _Property, label: str | None) -> None:
    """An anniversary, another date or a related person: ``attr.<name>``, the name its label
    gives (Apple's "_$!<Anniversary>!$_", a label typed: "Met", vCard 4's TYPE=spouse), else
    the property's (they were listed as not imported). A second of one name gets _2, _3..."""
    name, value = prop.name, prop.text()
    if name == "X-ANDROID-CUSTOM":
        parts = prop.parts()
        kind = parts[0].rsplit("/", 1)[-1] if parts else ""
        if kind == "nickname" and len(parts) > 1 and parts[1]:
            out.setdefault("nickname", parts[1])
            return
        if kind not in _ANDROID or len(parts) < 3 or not parts[1]:
            out.setdefault("vcard.x-android-custom", value)
            return
        default, types = _ANDROID[kind]
        value = parts[1]
        typed = parts[3] if parts[2] == "0" and len(parts) > 3 else types.get(parts[2])
        label, dated = typed or default, kind == "contact_event"
    else:
        dated = name in _DATED
        default = _DATED.get(name) or _RELATED[name]
        typed = next((k for k in prop.kinds if k not in ("pref", "text", "uri")), None)
        label = label or (typed if name == "RELATED" else None) or default
    if not value:
        return
    apple = _APPLE_LABEL.fullmatch(label.strip())
    label = (apple[1] if apple else label).strip() or default
    if dated:
        value = _birthday(value, prop.params.get("X-APPLE-OMIT-YEAR"))
    mapping.add_labelled(out, label, default, value)


# the networks whose profile a card's X-SOCIALPROFILE names, by its type or its address
_SOCIAL = {"instagram": "instagram", "facebook": "facebook", "twitter": "twitter", "x": "twitter",
           "tiktok": "tiktok", "youtube": "youtube", "pinterest": "pinterest",
           "threads": "threads", "bluesky": "bluesky", "mastodon": "mastodon"}  # fmt: skip
_SOCIAL_HOST = re.compile(
    r"(?:^|[/.@])(instagram|facebook|twitter|x|tiktok|youtube|pinterest|threads|bsky)\.(?:com|net|app)/",
    re.I,
)


def _social(prop: _Property, text: str) -> str | None:
    """The network of a social profile (Apple's X-SOCIALPROFILE;type=instagram): the
    custom attribute it is kept as, as a CSV's Instagram column is."""
    typed = next((_SOCIAL[k] for k in prop.kinds if k in _SOCIAL), None)
    if typed is not None:
        return typed
    host = _SOCIAL_HOST.search(text)
    if host is None:
        return None
    name = host[1].lower()
    return "bluesky" if name == "bsky" else _SOCIAL.get(name)


# a card's messenger (IMPP;X-SERVICE-TYPE=Skype:skype:echo123): the attribute of its name
_MESSENGERS = frozenset({"skype", "telegram", "whatsapp", "wechat", "line", "signal", "viber"})
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")  # skype:, x-apple: (Apple's for the others)


def _messenger(prop: _Property, text: str) -> tuple[str, str] | None:
    """(messenger, address without its scheme) of an IMPP property, by its X-SERVICE-TYPE or
    its scheme (skype:echo123); None for another (XMPP, AIM...: listed as not imported)."""
    scheme, colon, rest = text.partition(":")
    service = ((prop.params.get("X-SERVICE-TYPE") or [""])[0] or scheme).strip().lower()
    if service not in _MESSENGERS:
        return None
    bare = rest if colon and _SCHEME.fullmatch(scheme) else text
    return service, bare.strip() or text


def _named(
    out: dict[str, Any], full_name: str | None, company: str | None, shown: set[str]
) -> None:
    """FN is the name when N gives none, unless it is what an address book shows for a card
    without a name: the company (a company's card), an email or a phone."""
    if company:
        out["company"] = company
    named = "first_name" in out or "last_name" in out
    if full_name and not named and full_name.casefold() not in shown:
        out["name"] = full_name


def _address(parts: list[str]) -> dict[str, str | None]:
    """An ADR's parts (PO box; extended address; street; locality; region; postal code;
    country) as an import's address: the street's first line is line1; the rest of it, the
    extended address and the PO box line2."""
    box, extended, street, city, region, code, country = (parts + [""] * 7)[:7]
    lines = [s.strip() for s in street.split("\n") if s.strip()]  # \n only: not U+0085
    lines += [extended] if extended else []
    if box:
        lines.append(box if _PO_BOX.match(box) else f"PO Box {box}")
    found = {
        "line1": lines[0] if lines else "",
        "line2": ", ".join(lines[1:]),
        "city": city,
        "region": region,
        "postcode": code,
        "country": country,
    }
    # every part, empty ones as None: a card's street is a street, never a whole address in
    # one cell to split (as a file's lone address column is)
    return {k: v or None for k, v in found.items()} if any(found.values()) else {}


def _birthday(text: str, omitted: list[str] | None) -> str:
    """YYYY-MM-DD from vCard's forms of it (1985-04-12, 19850412, 1985-04-12T00:00:00Z); a
    birthday without its year as --MM-DD (vCard 4's --0412; Apple writes the year 1604 and
    says X-APPLE-OMIT-YEAR=1604); any other text as written."""
    found = _YEAR_FIRST.match(text)
    if found is not None:
        if omitted and omitted[0] == found[1]:
            return f"--{found[2]}-{found[3]}"
        return f"{found[1]}-{found[2]}-{found[3]}"
    no_year = dates.yearless(text) if text.startswith("--") else None
    return no_year[0] if no_year else text
