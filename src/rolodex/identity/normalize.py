"""Matching keys: pure normalization of emails, phones, names, addresses and birth dates.

Email provider rules (beyond lowercasing and trimming, which apply to every address):

* gmail.com and googlemail.com are one domain; dots in the local part are ignored and a
  ``+tag`` is dropped (``J.Smith+shop@GoogleMail.com`` → ``jsmith@gmail.com``).
* ``+tag`` is dropped for providers that deliver plus-addressed mail to the base mailbox:
  Outlook/Hotmail/Live/MSN, iCloud/me/mac, Fastmail, Proton. Dots are kept there (they are
  significant). Yahoo's ``-`` disposable addresses are not folded: ``-`` is also a normal
  character in Yahoo local parts.
* Every other domain: lowercased and trimmed only.

Names are ASCII-folded (accents and ligatures), lowercased, stripped of punctuation and of
titles/suffixes (Mr, Dr, Jr, III...); a first name that is a common nickname matches
its formal name when comparing (Bill ~ William, Pepe ~ José, Sam ~ Samuel or Samantha).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from rolodex.kit.phones import to_e164

GMAIL = frozenset({"gmail.com", "googlemail.com"})
PLUS_TAG_DOMAINS = GMAIL | frozenset(
    {
        "outlook.com",
        "hotmail.com",
        "live.com",
        "msn.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "fastmail.com",
        "fastmail.fm",
        "protonmail.com",
        "proton.me",
        "pm.me",
    }
)


def email_key(raw: str | None) -> str | None:
    """The email as a matching key (see the module docstring for provider rules)."""
    if not raw:
        return None
    text = raw.strip().lower()
    local, at, domain = text.rpartition("@")
    if not at or not local or not domain:
        return text or None
    domain = domain.rstrip(".")
    if domain == "googlemail.com":
        domain = "gmail.com"
    if domain in PLUS_TAG_DOMAINS:
        local = local.split("+", 1)[0] or local
    if domain == "gmail.com":
        local = local.replace(".", "") or local
    return f"{local}@{domain}"


def phone_key(raw: str | None, region: str = "US") -> str | None:
    """E.164, or None when the text is not a valid phone number."""
    if not raw:
        return None
    try:
        return to_e164(raw, region)
    except ValueError:
        return None


# Letters NFKD does not decompose into ASCII.
_FOLD_EXTRA = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "ł": "l",
        "þ": "th",
        "ı": "i",
        "ŀ": "l",
    }
)
_APOSTROPHES = re.compile(r"['’`´ʼ]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


# ASCII fast path of fold: letters lowered, apostrophes dropped, other punctuation a space.
_ASCII_FOLD = {
    i: (chr(i).lower() if chr(i).isalnum() else ("" if chr(i) in "'`" else " ")) for i in range(128)
}


def _fold(text: str) -> str:
    if text.isascii():
        return " ".join(text.translate(_ASCII_FOLD).split())
    lowered = text.lower().translate(_FOLD_EXTRA)
    decomposed = unicodedata.normalize("NFKD", lowered)
    ascii_text = decomposed.encode("ascii", "ignore").decode("ascii")
    ascii_text = _APOSTROPHES.sub("", ascii_text)
    return " ".join(_NON_ALNUM.sub(" ", ascii_text).split())


fold = lru_cache(maxsize=262_144)(_fold)
fold.__doc__ = (
    "Lowercase ASCII with accents removed, apostrophes dropped, other punctuation a space."
)


TITLES = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "dr",
        "prof",
        "sir",
        "dame",
        "jr",
        "sr",
        "ii",
        "iii",
        "iv",
        "phd",
        "md",
        "esq",
        "sra",
        "srta",
        "don",
        "dona",
        "herr",
        "frau",
        "hr",
        "fr",
        "mme",
        "mlle",
    ]
)

# Common nicknames by formal name (English, Spanish, German, Italian, French, Dutch, ...).
# A nickname may belong to several formal names (Sam: Samuel, Samantha).
_NICKNAME_TABLE = {
    "william": "bill billy will willy willie liam",
    "robert": "bob bobby rob robbie bert",
    "james": "jim jimmy jamie",
    "michael": "mike mikey mick micky micha",
    "david": "dave davy",
    "thomas": "tom tommy",
    "joseph": "joe joey",
    "christopher": "chris kit",
    "christine": "chris chrissy",
    "cristina": "cris",
    "christophe": "chris",
    "daniel": "dan danny",
    "matthew": "matt matty",
    "anthony": "tony",
    "steven": "steve stevie",
    "stephen": "steve",
    "nicholas": "nick nicky",
    "nicolas": "nico",
    "benjamin": "ben benny",
    "samuel": "sam sammy",
    "samantha": "sam sammy",
    "alexander": "alex sasha sandy",
    "alejandro": "alex ale",
    "andrew": "andy drew",
    "edward": "ed eddie ted teddy",
    "richard": "rick ricky dick rich richie",
    "charles": "chuck charlie chas",
    "henry": "hank harry",
    "harold": "harry",
    "john": "jon jack johnny",
    "jonathan": "jon jonny",
    "jennifer": "jen jenny jenn",
    "elizabeth": "liz lizzie beth betty eliza libby",
    "katherine": "kate katie kathy kat",
    "catherine": "cathy cat kate",
    "katharina": "kathi katja",
    "susan": "sue susie",
    "susanne": "susi",
    "margaret": "peggy maggie meg",
    "patricia": "pat patty trish tricia",
    "rebecca": "becky becca",
    "deborah": "debbie deb",
    "victoria": "vicky tori",
    "amanda": "mandy",
    "jessica": "jess jessie",
    "kimberly": "kim",
    "abigail": "abby",
    "pamela": "pam",
    "jacqueline": "jackie",
    "theodore": "teddy theo",
    "oliver": "ollie",
    "judith": "judy",
    "melissa": "mel",
    "cynthia": "cindy",
    "walter": "walt",
    "joshua": "josh",
    "gerald": "gerry jerry",
    "josephine": "jo josie",
    "eleanor": "ellie nell",
    "dominic": "dom",
    "gregory": "greg",
    "kenneth": "ken kenny",
    "ronald": "ron ronnie",
    "donald": "don donnie",
    "timothy": "tim timmy",
    "jeffrey": "jeff",
    "lawrence": "larry",
    "raymond": "ray",
    "douglas": "doug",
    "patrick": "pat paddy",
    "peter": "pete",
    "philip": "phil",
    "zachary": "zach zack",
    "nathan": "nate",
    "nathaniel": "nate",
    "frederick": "fred freddie",
    "frederic": "fred",
    "jose": "pepe chepe",
    "francisco": "paco pancho curro",
    "guadalupe": "lupe",
    "ignacio": "nacho",
    "dolores": "lola",
    "concepcion": "concha conchita",
    "guillermo": "memo",
    "roberto": "beto tito",
    "alberto": "beto",
    "eduardo": "lalo",
    "rafael": "rafa",
    "fernando": "nando",
    "javier": "javi",
    "isabel": "isa",
    "isabelle": "isa",
    "enrique": "quique",
    "manuel": "manolo",
    "jesus": "chuy",
    "antonio": "toni",
    "johannes": "hans hannes jo",
    "josef": "sepp",
    "friedrich": "fritz",
    "nikolaus": "klaus",
    "wolfgang": "wolf",
    "maximilian": "max",
    "maxime": "max",
    "giuseppe": "beppe peppe",
    "giovanni": "gianni",
    "francesco": "franco cesco checco",
    "alessandro": "sandro ale",
    "salvatore": "toto",
    "domenico": "mimmo",
    "vincenzo": "enzo",
    "federica": "fede",
    "elisabetta": "betta",
    "guillaume": "guille",
    "willem": "wim",
    "cornelis": "kees",
    "hendrik": "henk",
    "mohammed": "mo",
    "aleksandra": "ola",
    "dmitri": "dima",
    "anastasia": "nastya",
}
# Every given name known here → the formal names it can stand for.
GIVEN_NAME_GROUPS: dict[str, frozenset[str]] = {}
for _formal, _nicks in _NICKNAME_TABLE.items():
    for _name in (_formal, *_nicks.split()):
        GIVEN_NAME_GROUPS[_name] = GIVEN_NAME_GROUPS.get(_name, frozenset()) | {_formal}
# One formal name per nickname (the first listed) for blocking keys.
CANONICAL_GIVEN_NAME: dict[str, str] = {}
for _formal, _nicks in _NICKNAME_TABLE.items():
    for _name in _nicks.split():
        CANONICAL_GIVEN_NAME.setdefault(_name, _formal)


def same_given_name(a: str, b: str) -> bool:
    """Equal folded given names, or a nickname and a formal name it can stand for."""
    if a == b:
        return True
    ga, gb = GIVEN_NAME_GROUPS.get(a), GIVEN_NAME_GROUPS.get(b)
    return ga is not None and gb is not None and not ga.isdisjoint(gb)


@lru_cache(maxsize=262_144)
def _part_tokens(part: str) -> tuple[str, ...]:
    """A part's folded tokens without its titles and suffixes, unless that is all it holds:
    "Don", "Miss", "Herr" and "Md" are given names and surnames too ("Don Johnson",
    "Lon Don"), and a part left empty would make its customer a namesake of everyone who
    shares the other part."""
    tokens = fold(part).split()
    kept = tuple(t for t in tokens if t not in TITLES)
    return kept or tuple(tokens)


def name_tokens(first: str | None, last: str | None) -> tuple[str, ...]:
    """Folded name tokens (first name first), titles and suffixes dropped."""
    if first and last:
        return _part_tokens(first) + _part_tokens(last)
    return _part_tokens(first or last or "")


_SOUNDEX = str.maketrans("bfpvcgjkqsxzdtlmnraeiouyhw", "11112222222233455600000000")


@lru_cache(maxsize=262_144)
def phonetic(token: str) -> str:
    """American Soundex of one folded token (letter + three digits); digits kept as they are."""
    if not token:
        return ""
    if not token[0].isalpha():
        return token
    codes = token.translate(_SOUNDEX)
    out = [token[0].upper()]
    last = codes[0]
    for ch, code in zip(token[1:], codes[1:], strict=True):
        if ch in "hw":
            continue  # h and w do not separate equal codes
        if code != last and code != "0" and code.isdigit():
            out.append(code)
            if len(out) == 4:
                break
        last = code
    return "".join(out).ljust(4, "0")


def name_key(first: str | None, last: str | None) -> str | None:
    """Blocking key: sorted Soundex codes of the name tokens, a nickname first token taken as
    its formal name (tolerates order, case, accents, many typos and common nicknames)."""
    return tokens_key(name_tokens(first, last))


@lru_cache(maxsize=262_144)
def tokens_key(tokens: tuple[str, ...]) -> str | None:
    """name_key of already folded tokens."""
    if not tokens:
        return None
    codes = [phonetic(CANONICAL_GIVEN_NAME.get(tokens[0], tokens[0]))]
    codes.extend(phonetic(t) for t in tokens[1:])
    codes.sort()
    return " ".join(codes)[:64]


# Street words written in full or abbreviated, by their short form.
_STREET_WORDS = {
    "street": "st",
    "avenue": "ave",
    "av": "ave",
    "road": "rd",
    "drive": "dr",
    "lane": "ln",
    "boulevard": "blvd",
    "court": "ct",
    "place": "pl",
    "terrace": "ter",
    "circle": "cir",
    "parkway": "pkwy",
    "highway": "hwy",
    "square": "sq",
    "north": "n",
    "south": "s",
    "east": "e",
    "west": "w",
    "strasse": "str",
    "calle": "c",
    "avenida": "av",
    "via": "v",
    "rue": "r",
    "straat": "str",
}
_UNIT_WORDS = frozenset({"apt", "apartment", "unit", "suite", "ste", "flat", "piso", "no"})


def street_key(line1: str | None) -> str | None:
    """House number and street, folded and abbreviated (``12 Main Street`` → ``12 main st``)."""
    if not line1:
        return None
    if line1.isascii():  # unique per customer: not cached, the fast path matters
        tokens = line1.translate(_ASCII_FOLD).replace("strasse", " strasse").split()
    else:
        tokens = _fold(line1).replace("strasse", " strasse").split()
    words = []
    for token in tokens:
        if token in _UNIT_WORDS:
            break  # the unit is not part of the street
        words.append(_STREET_WORDS.get(token, token))
    if not words:
        return None
    numbers = [w for w in words if w[0].isdigit()]
    names = [w for w in words if not w[0].isdigit()]
    return " ".join(numbers[:1] + names)[:200] or None


@lru_cache(maxsize=262_144)
def postcode_key(raw: str | None, country: str | None = None) -> str | None:
    """Upper case without spaces or dashes; a US ZIP+4 keeps its first five digits."""
    if not raw:
        return None
    text = raw.upper().replace(" ", "").replace("-", "").replace("\t", "")
    if (country or "").upper() == "US" and len(text) == 9 and text.isdigit():
        text = text[:5]
    return text or None


@lru_cache(maxsize=65_536)
def city_key(raw: str | None) -> str | None:
    return fold(raw) or None if raw else None


DOB_ATTRIBUTES = ("date_of_birth", "dob", "birthdate", "birth_date", "birthday")


def dob_key(value: Any) -> str | None:
    """ISO date (YYYY-MM-DD) of a birth date given as a date or an ISO string; else None."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and len(value) >= 10:
        try:
            return date.fromisoformat(value[:10]).isoformat()
        except ValueError:
            return None
    return None


def dob_from_attributes(attributes: dict[str, Any] | None) -> str | None:
    for key in DOB_ATTRIBUTES:
        if attributes and attributes.get(key):
            return dob_key(attributes[key])
    return None


@dataclass(slots=True)
class MatchRecord:
    """What scoring compares: normalized keys of one customer (None when unknown)."""

    email: str | None = None
    phone: str | None = None
    tokens: tuple[str, ...] = ()
    name_key: str | None = None
    street: str | None = None
    postcode: str | None = None
    city: str | None = None
    country: str | None = None
    dob: str | None = None
    # The lowercased email as given, when provider rules folded it into another ``email``
    # key (``Jane.Doe+shop@gmail.com`` → ``janedoe@gmail.com``); None when they are the same.
    email_given: str | None = None

    @property
    def sorted_name(self) -> str:
        return " ".join(sorted(self.tokens))


def match_record(
    *,
    email: str | None = None,
    phone_e164: str | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
    line1: str | None = None,
    postcode: str | None = None,
    city: str | None = None,
    country: str | None = None,
    dob: Any = None,
) -> MatchRecord:
    """A MatchRecord from raw profile fields (phone already in E.164)."""
    key = email_key(email)
    given = email.strip().lower() if email else None
    return MatchRecord(
        email=key,
        phone=phone_e164 or None,
        tokens=name_tokens(first_name, last_name),
        name_key=name_key(first_name, last_name),
        street=street_key(line1),
        postcode=postcode_key(postcode, country),
        city=city_key(city),
        country=country.upper() if country else None,
        dob=dob_key(dob),
        email_given=given if given != key else None,
    )
