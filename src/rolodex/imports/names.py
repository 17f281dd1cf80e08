"""A whole name in one cell → given name and surname, pure.

"Ada Lovelace" is split at its last space, a surname's particles going with it ("Anna van
der Berg": Anna / van der Berg); "Lovelace, Ada" (one comma: surname first, as directories
and CRMs sort) is turned around, as is a surname written first in capitals ("DUPONT Jean",
as French and official lists write it). A generational or professional suffix after a
comma stays with the surname as written: "John Smith, Jr." is John / "Smith, Jr.", and
"Smith, John, Jr." the same; "John Smith Jr" is John / "Smith Jr".
"""

from __future__ import annotations

# Not "Ma", "Sa" or "Co": given names too.
SUFFIXES = frozenset(
    {"jr", "sr", "ii", "iii", "iv", "phd", "md", "dds", "dmd", "esq", "cpa", "mba", "rn",
     "dvm", "jd", "llm", "msc", "bsc", "obe", "mbe", "cbe", "inc", "llc", "ltd", "gmbh",
     "plc", "corp"}
)  # fmt: skip


def _suffix(word: str) -> bool:
    return word.replace(".", "").casefold() in SUFFIXES


def _capitals_first(words: list[str]) -> int:
    """How many words of a name in capitals open it before words that are not ("DUPONT Jean",
    "VAN DER BERG Anna": 1, 3), each of three letters or more but particles (a given name's
    initials, "AJ Smith", are no surname); 0 for any other name."""
    lead = 0
    while lead < len(words) and _capitals(words[lead]):
        lead += 1
    rest = words[lead:]
    if not lead or not rest or not any(c.islower() for w in rest for c in w):
        return 0
    if any(_suffix(w) for w in rest):  # IBM Corp: a company's name, no person's
        return 0
    letters = ["".join(c for c in w if c.isalpha()) for w in words[:lead]]
    if not all(len(w) >= 3 or w.casefold() in PARTICLES for w in letters):
        return 0
    return lead if any(len(w) >= 3 for w in letters) else 0


def _capitals(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


# Words that open a surname of several ("Anna van der Berg", "Maria de la Cruz", "Ludwig van
# Beethoven", "Mohammed Al Fayed"): the surname is from the first of them after the given name
PARTICLES = frozenset(
    {"van", "von", "der", "den", "de", "del", "della", "dela", "di", "da", "du", "la", "le",
     "ten", "ter", "bin", "ibn", "al", "el", "dos", "das", "do", "st", "st.", "zu", "vom"}
)  # fmt: skip


# Vietnamese middle and family names too (Văn, Lê, Đỗ written without their marks: "Minh Van
# Tran"): a particle only in lowercase or before another ("Van Der Berg")
_GIVEN_TOO = frozenset({"Van", "Le", "Do"})


def _particle(word: str, after: str) -> bool:
    if word.casefold() not in PARTICLES:
        return False
    return word not in _GIVEN_TOO or after.casefold() in PARTICLES


def split(full: str) -> tuple[str, str | None]:
    """(given name, surname or None) of a whole name whose spaces are already single."""
    if "," not in full:
        words = full.split(" ")
        tail = [words.pop()] if len(words) >= 3 and _suffix(words[-1]) else []  # Smith Jr
        lead = _capitals_first(words)
        if lead:  # DUPONT Jean: the surname first, in capitals (French, official lists)
            return " ".join(words[lead:]), " ".join(words[:lead] + tail)
        if len(words) == 1:
            return (words[0], " ".join(tail)) if tail else (words[0], None)  # a given name
        start = next(
            (i for i in range(1, len(words) - 1) if _particle(words[i], words[i + 1])),
            len(words) - 1,
        )
        return " ".join(words[:start]), " ".join(words[start:] + tail)
    parts = [p.strip() for p in full.split(",") if p.strip()]
    suffixes: list[str] = []
    while len(parts) > 1 and _suffix(parts[-1]):
        suffixes.insert(0, parts.pop())
    if len(parts) == 2:  # Lovelace, Ada (Jr.)
        last, first = parts
        words = first.split(" ")
        if len(words) > 1 and _suffix(words[-1]):  # Smith, John Jr.
            first, suffixes = " ".join(words[:-1]), [words[-1], *suffixes]
    elif len(parts) == 1 and suffixes:  # John Smith, Jr.
        first, _, last = parts[0].rpartition(" ")
        if not first:
            return full, None  # Acme, Inc.: no surname to keep the suffix with
    else:  # several commas and no suffix: not a form we know; split as if they were spaces
        first, _, last = " ".join(parts).rpartition(" ")
        return (first, last) if first else (last, None)
    return first, ", ".join([last, *suffixes])
