"""Customers as vCards (3.0, what iPhone, Android, Google Contacts and Outlook all import): a
filtered list on a phone or in an address book. One card a customer, streamed, of what a card
holds: name, company, job title, emails and phones (the customer's own first, marked
preferred; other_email and other_phone after it), addresses (a billing or shipping one typed
so), notes, birthday, website, LinkedIn, Instagram, Facebook, Twitter and TikTok profiles,
anniversary, spouse, manager and assistant (Apple's X-ABDATE and X-ABRELATEDNAMES, labelled)
and tags (CATEGORIES). The customer's id is
its UID and X-ROLODEX-ID, which an import reads back as the customer's id: a file exported,
edited in an address book and imported again updates the same customers, and one imported
into another tenant keeps their ids. Stages, consent, figures and other attributes stay in
the CSV and JSON exports.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rolodex.identity.normalize import DOB_ATTRIBUTES

LINE_OCTETS = 75  # a content line's length before it is folded (RFC 2426 2.6)
_ESCAPES = str.maketrans({"\\": "\\\\", "\n": "\\n", ",": "\\,", ";": "\\;", "\r": ""})


def escape(text: str) -> str:
    return str(text).translate(_ESCAPES)


def fold(line: str) -> str:
    """A content line of at most LINE_OCTETS octets a physical line, each line after the
    first starting with a space; never inside a character's UTF-8 bytes."""
    out: list[str] = []
    current: list[str] = []
    size = 0
    for ch in line:
        width = len(ch.encode("utf-8"))
        if size + width > LINE_OCTETS:
            out.append("".join(current))
            current, size = [" "], 1
        current.append(ch)
        size += width
    out.append("".join(current))
    return "\r\n".join(out) + "\r\n"


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def card(doc: dict[str, Any]) -> str:
    """A customer (its API representation) as one vCard."""
    attrs = doc.get("attributes") or {}
    first, last = _text(doc.get("first_name")), _text(doc.get("last_name"))
    company = _text(doc.get("company"))
    phone = _text(doc.get("phone_e164")) or _text(doc.get("phone"))
    names = [_text(attrs.get(k)) for k in ("middle_name", "name_prefix", "name_suffix")]
    shown = _text(doc.get("full_name")) or " ".join(p for p in (first, last) if p)
    # no name: what an address book shows (an import reads this back as no name), or nothing
    shown = shown or company or _text(doc.get("email")) or phone
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        "PRODID:-//Rolodex//Rolodex//EN",
        f"UID:urn:uuid:{doc['id']}",
        f"X-ROLODEX-ID:{doc['id']}",
        "N:" + ";".join(escape(p) for p in (last, first, *names)),
        f"FN:{escape(shown)}",
    ]
    if _text(attrs.get("nickname")):
        lines.append(f"NICKNAME:{escape(_text(attrs['nickname']))}")
    department = _text(attrs.get("department"))
    if company:
        lines.append(f"ORG:{escape(company)}" + (f";{escape(department)}" if department else ""))
    if _text(attrs.get("job_title")):
        lines.append(f"TITLE:{escape(_text(attrs['job_title']))}")
    if _text(doc.get("email")):
        lines.append(f"EMAIL;TYPE=INTERNET;TYPE=pref:{escape(_text(doc['email']))}")
    lines += [f"EMAIL;TYPE=INTERNET:{escape(e)}" for e in _others(attrs.get("other_email"))]
    if phone:
        lines.append(f"TEL;TYPE=VOICE;TYPE=pref:{escape(phone)}")
    lines += [f"TEL;TYPE=VOICE:{escape(p)}" for p in _others(attrs.get("other_phone"))]
    for address in doc.get("addresses") or []:
        lines += _address(address)
    if _text(doc.get("notes")):
        lines.append(f"NOTE:{escape(_text(doc['notes']))}")
    birthday = next((attrs[k] for k in DOB_ATTRIBUTES if _text(attrs.get(k))), None)
    if birthday is not None:
        lines.append(f"BDAY:{escape(_text(birthday))}")
    if _text(attrs.get("website")):
        lines.append(f"URL:{escape(_text(attrs['website']))}")
    for network in _NETWORKS:
        if _text(attrs.get(network)):
            lines.append(f"X-SOCIALPROFILE;TYPE={network}:{escape(_text(attrs[network]))}")
    item = 0
    for key, prop, label in _LABELLED:  # Apple's grouped items, which Google's cards use too
        if _text(attrs.get(key)):
            item += 1
            lines.append(f"item{item}.{prop}:{escape(_text(attrs[key]))}")
            lines.append(f"item{item}.X-ABLabel:_$!<{label}>!$_")
    tags = [escape(t) for t in doc.get("tags") or [] if _text(t)]
    if tags:
        lines.append("CATEGORIES:" + ",".join(tags))
    lines.append("END:VCARD")
    return "".join(fold(line) for line in lines)


# the social profiles a card carries (Apple's X-SOCIALPROFILE), each an attribute of its name
_NETWORKS = ("linkedin", "instagram", "facebook", "twitter", "tiktok")
# attributes a contact app shows as a dated or a related person's item, with its label
_LABELLED = (("anniversary", "X-ABDATE", "Anniversary"), ("spouse", "X-ABRELATEDNAMES", "Spouse"),
             ("manager", "X-ABRELATEDNAMES", "Manager"),
             ("assistant", "X-ABRELATEDNAMES", "Assistant"))  # fmt: skip


def _others(value: Any) -> list[str]:
    """other_email / other_phone: one value, or a list of them."""
    listed = value if isinstance(value, list) else [value]
    return [v.strip() for v in listed if isinstance(v, str) and v.strip()]


def _one_line(value: Any) -> str:
    """An address line as one line: a card's street is its lines, so a line break inside
    one would make it two."""
    return ", ".join(p.strip() for p in _text(value).split("\n") if p.strip())


def _address(address: dict[str, Any]) -> list[str]:
    street = "\n".join(
        p for p in (_one_line(address.get("line1")), _one_line(address.get("line2"))) if p
    )
    parts = [street] + [_text(address.get(k)) for k in ("city", "region", "postcode", "country")]
    if not any(parts):
        return []
    kind = address.get("type")
    typed = f";TYPE={kind}" if kind in ("billing", "shipping") else ""
    return [f"ADR{typed}:;;" + ";".join(escape(p) for p in parts)]


class VcardWriter:
    """The cards of pages of customers, streamed."""

    def begin(self) -> bytes:
        return b""

    def rows(self, rows: Iterable[dict[str, Any]]) -> bytes:
        return "".join(card(row) for row in rows).encode("utf-8")

    def end(self) -> bytes:
        return b""
