"""Rows of a CSV that are not records of its table, pure: title lines above the header
(``reader.header_line`` finds it below them), and below it the header again (two exports
joined into one file), a totals row ("Total,,1234") and the header of another table further
down (after a blank row, a row of two values or more naming fields, none a number, an email
or a date); the rows of that table are not read with the first one's columns.
"""

from __future__ import annotations

import re

from rolodex.imports.mapping import guess

_TOTAL = re.compile(
    r"(grand\s*|sub-?\s*)?totals?|sum|summe|gesamt(summe)?|insgesamt|totaal|totale|somme|suma",
    re.IGNORECASE,
)
_AMOUNT = re.compile(r"[\d\s.,'+()$€£¥%-]*\d[\d\s.,'+()$€£¥%-]*")
# a column's name that names nothing: blank, pandas' "Unnamed: 3", "column 3"
_UNNAMED = re.compile(r"(?:unnamed:?|column)\s*\d+|", re.IGNORECASE)
# a cell no header holds: an email, a number, a date, a phone number, an amount
_VALUE = re.compile(r".*@.*|[\d\s.,:/+()$€£-]*\d[\d\s.,:/+()$€£-]*", re.DOTALL)


def filled(cells: list[str]) -> list[str]:
    return [value for cell in cells if (value := cell.strip())]


def holds_value(cells: list[str]) -> bool:
    """Does a line hold a value no header names (an email, a number, a date)?"""
    return any(_VALUE.fullmatch(cell) for cell in filled(cells))


def title_lines(skipped: list[tuple[int, list[str]]], header: int) -> str:
    """The warning of title lines skipped above the header on line ``header``."""
    shown = [repr(" ".join(filled(row))[:60]) for _, row in skipped]
    more = f" and {len(shown) - 3} more" if len(shown) > 3 else ""
    return (
        f"the header row is line {header}; the lines above it were skipped as a title: "
        f"{', '.join(shown[:3])}{more}"
    )


def totals(values: list[str]) -> str | None:
    """The word of a sheet's totals row under its table ("Total", "Grand total:", "Summe"):
    its first value, the others numbers if any. None for any other row. ``values``: the
    row's ``filled`` cells."""
    if not values or not _TOTAL.fullmatch(values[0].rstrip(": ")):
        return None
    return values[0] if all(_AMOUNT.fullmatch(c) for c in values[1:]) else None


def _folded(cells: list[str]) -> list[str]:
    return [cell.replace("\ufeff", "").strip().casefold() for cell in cells]


class Table:
    """The rows below one header: why each is no record of it (None: it is one)."""

    def __init__(self, header: list[str]) -> None:
        self.header = _folded(header)
        self.gap = False  # a blank row (and maybe a title line) just above
        self.other = 0  # the line of another table's header, once met

    def blank(self) -> None:
        self.gap = True

    def why_not(self, line: int, cells: list[str]) -> str | None:
        values = filled(cells)
        gap, self.gap = self.gap, not values or (self.gap and len(values) == 1)
        if not values:
            return None  # an empty row, skipped
        if self.other:
            return (
                f"a row of another table (its header on line {self.other}); not imported: "
                "import that table as its own file"
            )
        # the first cell first: folding every cell of every row cost 3% of an import
        if _folded(cells[:1]) == self.header[:1] and _folded(cells) == self.header:
            return "the row repeats the header row (files joined into one?); not imported"
        if (total := totals(values)) is not None:
            return f"the row looks like a totals row ({total!r}), not a customer; not imported"
        # after a blank row only: guessing every cell of every row cost 70 us a row (7% of
        # an import)
        if gap and sum(1 for v in values if guess(v)[0]) > 1 and not holds_value(cells):
            self.other = line
            return (
                f"the row looks like the header of another table ({', '.join(values[:6])}); it "
                "and the rows below it are not imported: import that table as its own file"
            )
        return None


def unnamed(header: list[str], columns: list[str], how: list[str], rows: list[list[str]]) -> str:
    """The warning of columns with no name in the header (merged cells' leftovers) that the
    mapping leaves out though ``rows`` (the file's first) hold values in them; "" if none."""
    out = []
    for i, name in enumerate(header):
        if how[i] != "unknown" or not _UNNAMED.fullmatch(name.strip()):
            continue
        value = next((r[i].strip() for r in rows if i < len(r) and r[i].strip()), None)
        if value:
            out.append(f"{columns[i]!r} (e.g. {value[:40]!r})")
    if not out:
        return ""
    more = f" and {len(out) - 5} more" if len(out) > 5 else ""
    return (
        f"columns with no name in the header hold values and are not imported: "
        f"{', '.join(out[:5])}{more}; map them (mapping column=field) to import them"
    )
