"""A date or time as spreadsheets and other tools write it → a datetime, pure.

ISO 8601 first (what Rolodex exports). Then the common spreadsheet forms: day first with dots
(31.01.2024, as in Germany), year first with slashes or dots (2024/01/31), month or day first
with slashes or dashes (01/31/2024, 31/01/2024: whichever the numbers allow), English month
names (Jan 31, 2024; 31 January 2024), each with an optional time (14:30, 14:30:05, 2:30 PM)
and zone (Z, UTC, +01:00). A time without a zone is UTC, as in ISO values.

A slashed date whose day and month could be swapped (03/04/2024) is read in the file's own
order when its other dates show it (``order_of``: one writes 31/01/2024 and none 01/31/2024,
so it writes day first); otherwise it is refused with both readings named: a wrong guess
would misdate rows silently. Two-digit years are refused too (is 01/02/58 in 1958 or 2058?).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any

FORMS = (
    "not a date: write it as 2024-01-31, or with a time as 2024-01-31 14:30 (ISO 8601); "
    "31.01.2024, 2024/01/31, 01/31/2024, 31/01/2024 and Jan 31, 2024 are read too"
)
# Each run of spaces belongs to the token after it: no two runs can share spaces (which
# made a long run of them cost quadratic time).
_TIME = (
    r"(?:[ T] ?(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<f>\d{1,6}))?)?"
    r"(?: ?(?P<ampm>[AaPp]\.?[Mm]\.?))?)?"
    r"(?: ?(?P<tz>Z|UTC|GMT|[+-]\d{2}:?\d{2}))?"
)
LONGEST = 64  # characters of the longest form read (a weekday, a month name, a zone)
_NUMERIC = re.compile(r"(?P<a>\d{1,4})(?P<sep>[./-])(?P<b>\d{1,2})(?P=sep)(?P<c>\d{1,4}),?" + _TIME)
_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9,
    "sept": 9, "oct": 10, "nov": 11, "dec": 12, "january": 1, "february": 2, "march": 3,
    "april": 4, "june": 6, "july": 7, "august": 8, "september": 9, "october": 10,
    "november": 11, "december": 12,
}  # fmt: skip
_MONTH = r"(?P<mon>[A-Za-z]{3,9})\.?"
_WEEKDAY = r"(?:[A-Za-z]{3,9},? )?"
_DAY_MONTH = re.compile(_WEEKDAY + r"(?P<d>\d{1,2})(?:st|nd|rd|th)?[ .-]{1,2}" + _MONTH
                        + r"[ ,.-]{1,2}(?P<y>\d{4}),?" + _TIME)  # fmt: skip
_MONTH_DAY = re.compile(_WEEKDAY + _MONTH + r"[ .-]{1,2}(?P<d>\d{1,2})(?:st|nd|rd|th)?,? "
                        + r"(?P<y>\d{4}),?" + _TIME)  # fmt: skip
_MONTH_NAMES = ("", "January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December")  # fmt: skip


def order_of(values: Iterable[Any]) -> bool | None:
    """Whether a file writes its slashed dates day first (True) or month first (False), by
    those of ``values`` that show it (31/01/2024, 01/31/2024); None when none does, or some
    show one order and some the other."""
    day = month = False
    for value in values:
        if not isinstance(value, str) or len(value) > LONGEST:
            continue
        m = _NUMERIC.fullmatch(" ".join(value.split()))
        if m is None or m["sep"] == "." or len(m["a"]) > 2 or len(m["c"]) != 4:
            continue
        first, second = int(m["a"]), int(m["b"])
        day = day or first > 12 >= second
        month = month or second > 12 >= first
    return None if day == month else day


def read(raw: str, day_first: bool | None = None) -> datetime | str:
    """The datetime ``raw`` writes (naive when it names no zone), or why it is none; a date
    whose day and month could be swapped is read day first or month first as ``day_first``
    says (None: refused, naming both readings)."""
    text = raw.strip()
    if len(text) >= 10 and text[4] == "-" and text[:4].isdigit():
        try:
            return datetime.fromisoformat(text)  # most files: no need for the cache below
        except ValueError:
            pass
    text = " ".join(text.split())
    if len(text) > LONGEST:
        return FORMS  # and no cache entry for it
    return _read(text, day_first)


@lru_cache(maxsize=65_536)
def _read(text: str, day_first: bool | None = None) -> datetime | str:
    m = _NUMERIC.fullmatch(text)
    if m:
        return _numeric(text, m, day_first)
    m = _DAY_MONTH.fullmatch(text) or _MONTH_DAY.fullmatch(text)
    if m:
        month = _MONTHS.get(m["mon"].lower())
        if month is None:
            return FORMS
        return _build(int(m["y"]), month, int(m["d"]), m)
    if text.upper().endswith((" UTC", " GMT")):  # 2024-01-31 14:30:00 UTC
        value = read(text[:-4].rstrip(), day_first)
        return value.replace(tzinfo=UTC) if isinstance(value, datetime) else value
    return FORMS


def _numeric(text: str, m: re.Match[str], day_first: bool | None) -> datetime | str:
    a, b, c, sep = m["a"], int(m["b"]), m["c"], m["sep"]
    if len(a) == 4:  # 2024/01/31, 2024.01.31, 2024-1-31
        return _build(int(a), b, int(c), m) if len(c) <= 2 else FORMS
    if len(c) != 4:
        if len(c) == 2 and len(a) <= 2:
            return f"{text!r} has a two-digit year: write the year in full (20{c} or 19{c})"
        return FORMS
    first, year = int(a), int(c)
    if sep == "." and (first > 12 or b <= 12):  # 31.01.2024: day first, as dots are
        return _build(year, b, first, m)
    if first > 12 >= b:  # 31/01/2024
        return _build(year, b, first, m)
    if b > 12 >= first or first == b:  # 01/31/2024 (and 03/03/2024 either way)
        return _build(year, first, b, m)
    if first > 12 and b > 12:
        return FORMS
    if day_first is not None:  # the file's own order (order_of)
        return _build(year, b, first, m) if day_first else _build(year, first, b, m)
    as_month_first = f"{_MONTH_NAMES[first]} {b}, {year}"
    as_day_first = f"{first} {_MONTH_NAMES[b]} {year}"
    return (
        f"{text!r} could be {as_month_first} (month first) or {as_day_first} (day first): "
        f"write it as {year}-{first:02d}-{b:02d} or {year}-{b:02d}-{first:02d} (year-month-day),"
        " or import with date_order day_first or month_first"
    )


def _build(year: int, month: int, day: int, m: re.Match[str]) -> datetime | str:
    hour = int(m["H"]) if m["H"] else 0
    if m["ampm"]:
        if not 1 <= hour <= 12:
            return f"{hour} is no hour of a 12-hour clock (AM/PM)"
        hour = hour % 12 + (12 if m["ampm"][0] in "Pp" else 0)
    try:
        return datetime(
            year,
            month,
            day,
            hour,
            int(m["M"] or 0),
            int(m["S"] or 0),
            int((m["f"] or "0").ljust(6, "0")),
            tzinfo=_zone(m["tz"]),
        )
    except ValueError:
        return f"not a real date or time: {m.group(0)!r}"


def _zone(text: str | None) -> timezone | None:
    if not text:
        return None
    if text in ("Z", "UTC", "GMT"):
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    # beyond 24 hours timezone() raises ValueError, which _build reports as not a real time
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
