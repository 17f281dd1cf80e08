"""A country as other tools write it → its ISO 3166-1 alpha-2 code, pure.

Names come from pycountry (ISO 3166-1: names, official and common names, alpha-3 codes) and
its translations into the languages below (so "Deutschland", "España", "Österreich" and
"Allemagne" are read), plus a few everyday forms ISO does not list ("USA", "U.S.", "UK",
"Holland"). Compared case-, accent- and punctuation-insensitively. A name that means two
countries in two languages is left out rather than guessed.
"""

from __future__ import annotations

import gettext
import unicodedata
from functools import cache, lru_cache

import pycountry

from rolodex.search import text as search_text

# Translations read: the languages of the shops Rolodex serves, each country's own included
# for Europe and the Americas (native names such as "Suomi", "Polska", "Brasil").
LANGUAGES = (
    "de", "fr", "es", "it", "nl", "pt", "pt_BR", "sv", "da", "nb_NO", "nn", "fi", "is", "pl",
    "cs", "sk", "sl", "hr", "sr@latin", "hu", "ro", "bg", "el", "tr", "et", "lv", "lt", "ga",
    "cy", "ca", "eu", "gl", "mt", "sq", "ru", "uk", "ja", "zh_CN", "zh_TW", "ko", "id", "ms",
    "vi", "he", "ar",
)  # fmt: skip
# Everyday names that are no ISO name of the country (in folded form, see ``key``).
ALIASES = {
    "usa": "US", "us": "US", "unitedstates": "US", "america": "US", "unitedstatesofamerica": "US",
    "uk": "GB", "greatbritain": "GB", "britain": "GB", "england": "GB", "scotland": "GB",
    "wales": "GB", "northernireland": "GB", "unitedkingdom": "GB",
    "holland": "NL", "thenetherlands": "NL", "southkorea": "KR", "korea": "KR",
    "northkorea": "KP", "russia": "RU", "vietnam": "VN", "laos": "LA", "syria": "SY",
    "iran": "IR", "turkey": "TR", "czechrepublic": "CZ", "ceskarepublika": "CZ", "ivorycoast": "CI",
    "macedonia": "MK", "capeverde": "CV", "swaziland": "SZ", "burma": "MM", "easttimor": "TL",
    "vatican": "VA", "vaticancity": "VA", "palestine": "PS", "taiwan": "TW", "uae": "AE",
    "emirates": "AE", "drc": "CD", "drcongo": "CD", "congokinshasa": "CD",
    "congobrazzaville": "CG", "brunei": "BN", "moldova": "MD", "bolivia": "BO",
    "venezuela": "VE", "tanzania": "TZ", "micronesia": "FM", "hongkong": "HK", "macau": "MO",
    "macao": "MO", "saintmartin": "MF", "sintmaarten": "SX", "stkitts": "KN",
    "stlucia": "LC", "stvincent": "VC", "kosovo": "XK",
}  # fmt: skip


def key(text: str) -> str:
    """The comparable form: accents folded, lowercase, letters and digits of any script only
    ("U.S." → ``us``, "Österreich" → ``osterreich``, "日本" stays ``日本``)."""
    folded = unicodedata.normalize("NFKD", search_text.normalize(text.strip()))
    return "".join(c for c in folded.casefold() if c.isalnum() and not unicodedata.combining(c))


@cache
def _table() -> dict[str, str]:
    """Folded name → alpha-2: ISO's own names and codes, then the translations; built once."""
    table: dict[str, str] = {}
    own: set[str] = set()
    for country in pycountry.countries:
        code = country.alpha_2
        for name in (
            code,
            country.alpha_3,
            country.name,
            getattr(country, "official_name", None),
            getattr(country, "common_name", None),
        ):
            if name:
                table[key(name)] = code
                own.add(key(name))
    for alias, code in ALIASES.items():
        table[alias] = code
        own.add(alias)
    clashes: set[str] = set()
    for language in LANGUAGES:
        try:
            catalog = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language])
        except OSError:
            continue  # this pycountry does not ship the language
        for country in pycountry.countries:
            for name in (country.name, getattr(country, "common_name", None)):
                if not name:
                    continue
                folded = key(catalog.gettext(name))
                if folded in own or (folded.isascii() and len(folded) < 4):
                    continue  # ISO's own names stand; short Latin words are noise ("y")
                if table.get(folded, country.alpha_2) != country.alpha_2:
                    clashes.add(folded)
                table[folded] = country.alpha_2
    for folded in clashes:
        del table[folded]
    return table


def alpha2(text: str) -> str | None:
    """The alpha-2 code ``text`` names ("Germany", "deu", "Deutschland", "U.S.A." → DE, DE,
    DE, US), or None when it names no country."""
    return _alpha2(text) if len(text) <= 100 else None  # no country's name is longer


@lru_cache(maxsize=4096)
def _alpha2(text: str) -> str | None:
    folded = key(text)
    return _table().get(folded) if folded else None
