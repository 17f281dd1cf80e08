"""A date or time as spreadsheets and other tools write it → a datetime, pure.

ISO 8601 first (what Rolodex exports). Then the common spreadsheet forms: day first with dots
(31.01.2024, as in Germany), year first with slashes or dots (2024/01/31), month or day first
with slashes or dashes (01/31/2024, 31/01/2024: whichever the numbers allow), English month
names (Jan 31, 2024; 31 January 2024), each with an optional time (14:30, 14:30:05, 2:30 PM)
and zone (Z, UTC, +01:00). A time without a zone is UTC, as in ISO values.

A slashed date whose day and month could be swapped (03/04/2024) is read in the file's own
order when its other dates show it (``order_of``: one writes 31/01/2024 and none 01/31/2024,
so it writes day first); otherwise it is refused with both readings named: a wrong guess
would misdate rows silently.

A two-digit year (3/15/23, Excel's US short date) is read in the century a CRM's dates live
in: an event (created, last active, consent) is in 20yy unless that year is still to come,
then 19yy (a record cannot be created in 2058); a birth date is in 20yy only when that is at
least ``MIN_AGE`` years ago, else 19yy (01/02/58 → 1958; 01/02/21 → 1921, not a five-year-old
customer). ``reading`` says so, for the row's note.

A number is read only in a date column (``read`` is called for nothing else), and only in a
form no amount or count has, each range-checked: five digits are an Excel day number (the
1900 date system, 10000–73050: 1927–2099), eight digits year-month-day (20240131), ten
digits a Unix time in seconds and thirteen in milliseconds (2001–2099). Excel counts 29
February 1900, a day that never was (Lotus 1-2-3's bug, kept for compatibility): its day 60
is refused and days after it are one more than the days since 31 December 1899.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any

FORMS = (
    "not a date: write it as 2024-01-31, or with a time as 2024-01-31 14:30 (ISO 8601); "
    "31.01.2024, 2024/01/31, 01/31/2024, 31/01/2024 and Jan 31, 2024 are read too"
)
NUMBERS = (
    "a number that is no date: an Excel day number (five digits, 1927 to 2099), 20240131, "
    "or a Unix time in seconds (ten digits) or milliseconds (thirteen) is read as one"
)
MIN_AGE = 10  # years: a two-digit birth year is 20yy only when that is at least this long ago
_NUMBER = re.compile(r"\d{1,13}(?:\.\d{1,9})?")
_EXCEL_LAST = 73050  # 2099-12-31
_UNIX_FIRST, _UNIX_END = 1_000_000_000, 4_102_444_800  # 2001-09-09, 2100-01-01
Reading = tuple[datetime, str | None]  # the datetime, and how it was read when not as written
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
# 5 January 2024, and Excel's 5-Jan-24 (its d-mmm-yy, with a two-digit year)
_DAY_MONTH = re.compile(_WEEKDAY + r"(?P<d>\d{1,2})(?:st|nd|rd|th)?[ .-]{1,2}" + _MONTH
                        + r"[ ,.-]{1,2}(?P<y>\d{4}|\d{2}),?" + _TIME)  # fmt: skip
_MONTH_DAY = re.compile(_WEEKDAY + _MONTH + r"[ .-]{1,2}(?P<d>\d{1,2})(?:st|nd|rd|th)?,? "
                        + r"(?P<y>\d{4}),?" + _TIME)  # fmt: skip
MONTH_NAMES = ("", "January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December")  # fmt: skip
# A birthday without its year: 04/12, 12.04., 12-Apr (Excel's d-mmm), April 12th, 12 April,
# and vCard's --04-12 / --0412
_YEARLESS = re.compile(r"(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})\.?")
_YEARLESS_VCARD = re.compile(r"--(?P<m>\d{2})-?(?P<d>\d{2})")
_DAY_MON = re.compile(r"(?P<d>\d{1,2})(?:st|nd|rd|th)?\.?(?: of)?[ .-]{1,2}" + _MONTH)
_MON_DAY = re.compile(_MONTH + r"[ .-]{1,2}(?P<d>\d{1,2})(?:st|nd|rd|th)?")


# A date of zeros: Outlook's blank Birthday (0/0/00), MySQL's and so WordPress's and
# WooCommerce's blank dates (0000-00-00 00:00:00)
_ZERO = re.compile(r"0{1,4}([/.-])0{1,2}\1(?:0{2}|0{4})(?:[ T]0{1,2}:00(?::00)?)?")


def zero(raw: str) -> bool:
    """A date written as zeros, which says there is none (0/0/00, 0000-00-00 00:00:00)."""
    return _ZERO.fullmatch(raw.strip()) is not None


def order_of(values: Iterable[Any], *, years: bool = True) -> bool | None:
    """Whether a file writes its slashed dates day first (True) or month first (False), by
    those of ``values`` that show it (31/01/2024, 01/31/2024; without ``years``, birthdays
    without one: 31/12, 12/31); None when none does, or some show one order and some the
    other."""
    day = month = False
    for value in values:
        if not isinstance(value, str) or len(value) > LONGEST:
            continue
        text = " ".join(value.split())
        m = _NUMERIC.fullmatch(text) if years else _YEARLESS.fullmatch(text)
        if m is None or m["sep"] == "." or len(m["a"]) > 2:
            continue
        if years and len(m["c"]) not in (2, 4):
            continue
        first, second = int(m["a"]), int(m["b"])
        day = day or first > 12 >= second
        month = month or second > 12 >= first
    return None if day == month else day


_NAMED_ORDER = re.compile(r"\b(d{1,2}|m{1,2})[/.-](d{1,2}|m{1,2})\b", re.I)


def order_named(headers: Iterable[str]) -> bool | None:
    """The order of slashed dates a file's headers name ("Date of Birth (DD/MM/YYYY)", "Joined
    (mm/dd/yy)"): day first (True), month first (False), None when none or both are named."""
    named = {
        m[1][0].lower() == "d"
        for h in headers
        if isinstance(h, str)
        for m in _NAMED_ORDER.finditer(h)
        if m[1][0].lower() != m[2][0].lower()
    }
    return named.pop() if len(named) == 1 else None


def read(
    raw: str, day_first: bool | None = None, *, birth: bool = False, today: date | None = None
) -> datetime | str:
    """The datetime ``raw`` writes (naive when it names no zone), or why it is none; a date
    whose day and month could be swapped is read day first or month first as ``day_first``
    says (None: refused, naming both readings). ``birth``: a birth date (two-digit years)."""
    value = reading(raw, day_first, birth=birth, today=today)
    return value if isinstance(value, str) else value[0]


def reading(
    raw: str, day_first: bool | None = None, *, birth: bool = False, today: date | None = None
) -> Reading | str:
    """``read``, with how a value not written as a date was read (an Excel day number, a Unix
    time, a two-digit year), in words for the row's note; None when as written."""
    text = raw.strip()
    if len(text) >= 10 and text[4] == "-" and text[:4].isdigit():
        try:
            return datetime.fromisoformat(text), None  # most files: no need for the cache
        except ValueError:
            pass
    text = " ".join(text.split())
    if len(text) > LONGEST:
        return FORMS  # and no cache entry for it
    year = (today or datetime.now(UTC).date()).year
    return _read(text, day_first, birth, year)


@lru_cache(maxsize=65_536)
def _read(text: str, day_first: bool | None, birth: bool, year: int) -> Reading | str:
    if _NUMBER.fullmatch(text):
        return _number(text)
    m = _NUMERIC.fullmatch(text)
    if m:
        return _numeric(text, m, day_first, birth, year)
    m = _DAY_MONTH.fullmatch(text) or _MONTH_DAY.fullmatch(text)
    if m:
        month = _MONTHS.get(m["mon"].lower())
        if month is None:
            return FORMS
        if len(m["y"]) == 2:
            year, note = _century(m["y"], birth, year)
            return _noted(_build(year, month, int(m["d"]), m), note)
        return _noted(_build(int(m["y"]), month, int(m["d"]), m))
    if text.upper().endswith((" UTC", " GMT")):  # 2024-01-31 14:30:00 UTC
        value = _read(text[:-4].rstrip(), day_first, birth, year)
        return value if isinstance(value, str) else (value[0].replace(tzinfo=UTC), value[1])
    return FORMS


def _noted(value: datetime | str, note: str | None = None) -> Reading | str:
    return value if isinstance(value, str) else (value, note)


def _number(text: str) -> Reading | str:
    """A number in a date column: one of the forms the module docstring names, or refused."""
    whole, _, fraction = text.partition(".")
    whole_only = not fraction.strip("0")
    if len(whole) == 5 and whole[0] != "0" and int(whole) <= _EXCEL_LAST:
        return _noted(excel_day(float(text)), "an Excel day number")
    if len(whole) == 8 and whole_only:
        y, mo, d = int(whole[:4]), int(whole[4:6]), int(whole[6:])
        if 1900 <= y <= 2099:
            try:
                return datetime(y, mo, d), "year, month and day without separators"
            except ValueError:
                return f"not a real date: {text!r} (read as year, month and day)"
    if len(whole) == 10 and _UNIX_FIRST <= int(whole) < _UNIX_END:
        seconds = round(float(text), 6)
        return datetime.fromtimestamp(seconds, UTC), "a Unix time in seconds"
    if len(whole) == 13 and whole_only and _UNIX_FIRST * 1000 <= int(whole) < _UNIX_END * 1000:
        at = datetime.fromtimestamp(int(whole) // 1000, UTC)
        return at + timedelta(milliseconds=int(whole) % 1000), "a Unix time in milliseconds"
    return NUMBERS


def excel_day(serial: float) -> datetime | str:
    """The day (and time, from the fraction) of an Excel day number, 1900 date system: day 1
    is 1 January 1900 and day 59 28 February 1900; day 60 is Excel's 29 February 1900, which
    never was; from day 61 (1 March 1900) on Excel counts one day too many."""
    day = int(serial)
    if day < 1:
        return NUMBERS
    if day == 60:
        return "Excel's day 60 is 29 February 1900, a day that never was: not a real date"
    start = datetime(1899, 12, 31) if day < 60 else datetime(1899, 12, 30)
    return start + timedelta(days=day, seconds=round((serial - day) * 86_400))


def _century(yy: str, birth: bool, this_year: int) -> tuple[int, str]:
    """The year of a two-digit one, in the century the module docstring gives, and the note
    saying so."""
    year = 2000 + int(yy)
    if year > (this_year - MIN_AGE if birth else this_year):
        year -= 100
    rule = (
        f"a birth date is 19yy unless 20yy is at least {MIN_AGE} years ago"
        if birth
        else "a date is 20yy unless that year is still to come"
    )
    return year, f"a two-digit year, read as {year}: {rule}"


def _numeric(
    text: str, m: re.Match[str], day_first: bool | None, birth: bool, this_year: int
) -> Reading | str:
    a, b, c, sep = m["a"], int(m["b"]), m["c"], m["sep"]
    if len(a) == 4:  # 2024/01/31, 2024.01.31, 2024-1-31
        return _noted(_build(int(a), b, int(c), m)) if len(c) <= 2 else FORMS
    note = None
    if len(c) == 2 and len(a) <= 2:  # 3/15/23: in the century the module docstring gives
        year, note = _century(c, birth, this_year)
    elif len(c) != 4 or len(a) > 2:
        return FORMS
    else:
        year = int(c)
    first = int(a)
    if sep == "." and (first > 12 or b <= 12):  # 31.01.2024: day first, as dots are
        return _noted(_build(year, b, first, m), note)
    if first > 12 >= b:  # 31/01/2024
        return _noted(_build(year, b, first, m), note)
    if b > 12 >= first or first == b:  # 01/31/2024 (and 03/03/2024 either way)
        return _noted(_build(year, first, b, m), note)
    if first > 12 and b > 12:
        return FORMS
    if day_first is not None:  # the file's own order (order_of)
        return _noted(_build(year, b, first, m) if day_first else _build(year, first, b, m), note)
    as_month_first = f"{MONTH_NAMES[first]} {b}, {year}"
    as_day_first = f"{first} {MONTH_NAMES[b]} {year}"
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


def yearless(raw: str, day_first: bool | None = None) -> tuple[str, str | None] | None:
    """A birthday written without its year (Mailchimp's 04/12, 12.04., April 12, 12-Apr,
    vCard's --0412) as --MM-DD, the form a vCard gives it, with how its order was read when
    the file's order (``day_first``) decided it; None when it is no such day, or its day and
    month could be swapped and the file's order is unknown (04/05)."""
    text = " ".join(raw.split())
    if len(text) > LONGEST:
        return None
    m = _YEARLESS_VCARD.fullmatch(text)
    if m:
        return _month_day(int(m["m"]), int(m["d"]), None)
    m = _DAY_MON.fullmatch(text) or _MON_DAY.fullmatch(text)
    if m:
        month = _MONTHS.get(m["mon"].lower())
        return _month_day(month, int(m["d"]), None) if month else None
    m = _YEARLESS.fullmatch(text)
    if m is None or (text.endswith(".") and m["sep"] != "."):
        return None
    first, second = int(m["a"]), int(m["b"])
    if m["sep"] == "." or first > 12 >= second:  # 12.04. (day first, as dots are), 31/12
        return _month_day(second, first, None)
    if second > 12 >= first or first == second:  # 12/31, 04/04
        return _month_day(first, second, None)
    if day_first is None:
        return None
    order = "day first" if day_first else "month first"
    how = f"{order}, as the file writes its dates"
    return _month_day(second, first, how) if day_first else _month_day(first, second, how)


def _month_day(month: int, day: int, how: str | None) -> tuple[str, str | None] | None:
    try:
        date(2000, month, day)  # a leap year: 29 February is a birthday
    except ValueError:
        return None
    return f"--{month:02d}-{day:02d}", how


def _zone(text: str | None) -> timezone | None:
    if not text:
        return None
    if text in ("Z", "UTC", "GMT"):
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    # beyond 24 hours timezone() raises ValueError, which _build reports as not a real time
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
