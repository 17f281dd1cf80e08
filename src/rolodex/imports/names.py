"""A whole name in one cell → given name and surname, pure.

"Ada Lovelace" is split at its last space; "Lovelace, Ada" (one comma: surname first, as
directories and CRMs sort) is turned around. A generational or professional suffix after a
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


def split(full: str) -> tuple[str, str | None]:
    """(given name, surname or None) of a whole name whose spaces are already single."""
    if "," not in full:
        words = full.split(" ")
        if len(words) >= 3 and _suffix(words[-1]):  # John Smith Jr
            return " ".join(words[:-2]), " ".join(words[-2:])
        first, _, last = full.rpartition(" ")
        return (first, last) if first else (last, None)  # one word: a given name
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
