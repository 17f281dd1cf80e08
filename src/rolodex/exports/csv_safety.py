"""Spreadsheet formula injection, pure: neutralize cells a spreadsheet would run as a formula.

A cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return is prefixed with a
single quote, which spreadsheets show as text. A cell that already looks neutralized (quotes
followed by one of those characters) gets one more quote, so ``restore`` (applied by imports
to CSV cells) gives back exactly the original value: ``restore(neutralize(s)) == s``.
A negative number (``-33.86``, a longitude) is no formula and stays a number; ``restore``
still reads the quoted form earlier exports wrote.
"""

from __future__ import annotations

import re

TRIGGERS = frozenset("=+-@\t\r")
QUOTE = "'"
_NEGATIVE_NUMBER = re.compile(r"-[0-9]+(?:\.[0-9]+)?")


def _looks_triggered(value: str) -> bool:
    """Starts with a formula character, after any quotes."""
    rest = value.lstrip(QUOTE)
    return bool(rest) and rest[0] in TRIGGERS


def needs_quote(value: str) -> bool:
    """Would a spreadsheet read this as a formula, or is it quoted text that looks like one?"""
    return _looks_triggered(value) and _NEGATIVE_NUMBER.fullmatch(value) is None


def neutralize(value: str) -> str:
    """The cell as written to CSV: never starts with a formula character."""
    return QUOTE + value if needs_quote(value) else value


def restore(cell: str) -> str:
    """The value a neutralized cell stands for (other cells are returned as they are)."""
    if cell.startswith(QUOTE) and _looks_triggered(cell[1:]):
        return cell[1:]
    return cell
