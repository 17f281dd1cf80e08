"""What kind of file an upload is, pure: format, text encoding, CSV delimiter and line ends.

Encodings: a byte-order mark decides (UTF-8, UTF-16 LE/BE); without one, UTF-16 is recognized
by its zero bytes (all on every other byte, whatever the script), and text that is not UTF-8 is
read as Windows-1252 (Latin-1 plus the printable 0x80–0x9F range). A UTF-8 file with some
Latin-1 bytes in it (a file assembled from two sources) is read as UTF-8 with each stray byte
taken as Windows-1252; the import warns. Binary files (runs of NUL bytes or more than one in a
hundred, known magic numbers, control characters) are refused with 415; a stray NUL in a text
file is left to fail its row, wherever it is.
"""

from __future__ import annotations

import codecs
import csv
import re
import threading
from dataclasses import dataclass, field

import orjson

FORMATS = ("csv", "json", "ndjson", "vcard")
ENCODINGS = {
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "utf-8-sig": "utf-8",
    "utf-16": "utf-16",
    "utf16": "utf-16",
    "utf-16-le": "utf-16-le",
    "utf-16le": "utf-16-le",
    "utf-16-be": "utf-16-be",
    "utf-16be": "utf-16-be",
    "latin-1": "cp1252",
    "latin1": "cp1252",
    "iso-8859-1": "cp1252",
    "cp1252": "cp1252",
    "windows-1252": "cp1252",
    "mac-roman": "mac_roman",
    "macroman": "mac_roman",
    "mac_roman": "mac_roman",
    "macintosh": "mac_roman",
    "x-mac-roman": "mac_roman",
    "cp1250": "cp1250",
    "windows-1250": "cp1250",
}
# The characters, and their names as a form or a command line may give them.
DELIMITERS = {
    ",": ",",
    ";": ";",
    "\t": "\t",
    "|": "|",
    "comma": ",",
    "semicolon": ";",
    "tab": "\t",
    "pipe": "|",
}
CANDIDATES = (",", ";", "\t", "|")  # the delimiters guessed, the first at a tie
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
SAMPLE_BYTES = 256 * 1024
MAGIC = (
    (
        b"PK\x03\x04",
        "a ZIP archive that is no workbook an import reads (an Excel .xlsx or an "
        "OpenDocument .ods); upload the file inside it, or a sheet saved as CSV",
    ),
    (b"\xd0\xcf\x11\xe0", "an old Excel .xls workbook; save the sheet as CSV"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive; upload the file inside it"),
    (b"BZh", "a bzip2 archive; upload the file inside it"),
    (b"\xff\xfe\x00\x00", "UTF-32 text, which is not supported; save it as UTF-8"),
    (b"\x00\x00\xfe\xff", "UTF-32 text, which is not supported; save it as UTF-8"),
)
_QUOTED = re.compile(r'"[^"]*"')
# Excel's line before the header naming the delimiter ("sep=;"): no header row
_SEP_LINE = re.compile(r"\s*sep=([,;|\t])\s*", re.IGNORECASE)
# A JSON object wrapping the records: its first key names their list ({"customers": [...]}
# as Shopify writes it, "data" Klaviyo, "results" HubSpot, "members" Mailchimp), or follows
# an API's page figures ({"object": "list", "data": [...]} Stripe, {"total": 2, "results":
# [...]} HubSpot's search, {"count": 9, "next": null, "results": [...]} Django REST,
# {"totalSize": 2, "done": true, "records": [...]} Salesforce): words no customer record
# starts with, so that a record holding a list of items is still one record.
WRAPPER_LISTS = ("items", "customers", "data", "records", "results", "members", "contacts",
                 "users", "subscribers", "people", "persons", "profiles", "leads",
                 "connections")  # fmt: skip
_ENVELOPE = ("object", "total", "count", "next", "previous", "has_more", "url", "page",
             "per_page", "page_size", "total_count", "total_items", "offset", "limit",
             "totalSize", "done", "success", "total_pages", "total_subscribers", "next_page",
             "previous_page", "totalPeople", "totalItems", "nextPageToken")  # fmt: skip
_SCALAR = r'(?:"(?:[^"\\]|\\.)*"|true|false|null|-?\d[\d.eE+-]*)'
# ... and Intercom's {"type": "list", "data": [...]} (a record's "type" is its customer type)
_FIGURE = r'(?:"(?:' + "|".join(_ENVELOPE) + r')"\s*:\s*' + _SCALAR + r'|"type"\s*:\s*"list")'
WRAPPER = re.compile(
    r"\{\s*(?:" + _FIGURE + r"\s*,\s*){0,12}"
    r'"(' + "|".join(WRAPPER_LISTS) + r')"\s*:\s*\['
)
_VCARD_START = re.compile(r"\s*begin\s*:\s*vcard\s*$", re.I | re.M)
_NAMES = {"csv": "CSV", "json": "JSON", "ndjson": "NDJSON", "vcard": "vCards"}
_JSON_START = re.compile(r'\s*(?:\[\s*[{\]]|\{\s*")')
_EXTENSIONS = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".json": "json",
    ".ndjson": "ndjson",
    ".jsonl": "ndjson",
    ".vcf": "vcard",
    ".vcard": "vcard",
}


def codec_named(given: str) -> str | None:
    """The codec an encoding's name (utf-8, Latin-1...) reads with, or None."""
    return ENCODINGS.get(given.strip().lower())


def delimiter_named(given: str) -> str | None:
    """The delimiter character ``given`` names (the character itself or its name), or None."""
    return DELIMITERS.get(given if given in DELIMITERS else given.strip().lower())


# Said by ImportOptions, before an upload is stored, and by detect for a caller that did not.
def unknown_encoding(given: str) -> str:
    return f"unknown encoding {given!r}; use utf-8, utf-16, latin-1, mac-roman or windows-1250"


def unknown_delimiter(given: str) -> str:
    return (
        f"unknown delimiter {given!r}; use comma, semicolon, tab or pipe (or the character "
        "itself: , ; |)"
    )


class FileProblem(Exception):
    """The upload cannot be imported at all; ``status`` is 415 or 422."""

    def __init__(self, message: str, *, status: int = 422, field: str = "file") -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.field = field


@dataclass(frozen=True, slots=True)
class Detected:
    format: str
    encoding: str  # a Python codec name: utf-8, utf-16-le, utf-16-be or cp1252
    delimiter: str | None = None
    newline: str = "\n"
    warnings: list[str] = field(default_factory=list)
    guessed: bool = False  # the delimiter: neither given nor named by a "sep=" line
    # a workbook's sheet written as CSV (``workbook``), one row a record: a record's line is
    # its row in the sheet, a value's line breaks not counted
    sheet: bool = False


# -- decoding -----------------------------------------------------------------------------

_CP1252 = [
    bytes([b]).decode("cp1252") if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D) else chr(b)
    for b in range(256)
]
_fallbacks = threading.local()


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    bad = exc.object[exc.start : exc.end]
    _fallbacks.count = getattr(_fallbacks, "count", 0) + 1
    return "".join(_CP1252[b] for b in bad), exc.end


codecs.register_error("rolodex-cp1252", _cp1252_fallback)


def cp1252_text(data: bytes) -> str:
    """Windows-1252, with the five bytes it leaves undefined taken as Latin-1."""
    return data.decode("cp1252", errors="rolodex-cp1252") if data else ""


class TextDecoder:
    """Bytes in pieces → text, for one encoding; drops a byte-order mark; counts the stray
    non-UTF-8 bytes it read as Windows-1252 (``fallbacks``)."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self.fallbacks = 0
        self._started = False
        self._decoder: codecs.IncrementalDecoder | None
        if encoding == "cp1252":
            self._decoder = None
        elif encoding == "utf-8":
            self._decoder = codecs.getincrementaldecoder("utf-8")(errors="rolodex-cp1252")
        else:
            self._decoder = codecs.getincrementaldecoder(encoding)(errors="replace")

    def decode(self, data: bytes, final: bool = False) -> str:
        if not self._started and data:
            self._started = True
            for bom in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
                if data.startswith(bom) and self.encoding != "cp1252":
                    data = data[len(bom) :]
                    break
        if self._decoder is None:
            return cp1252_text(data)
        _fallbacks.count = 0
        text = self._decoder.decode(data, final)
        self.fallbacks += getattr(_fallbacks, "count", 0)
        return text


# -- detection ----------------------------------------------------------------------------


def detect(
    sample: bytes,
    *,
    total_size: int,
    filename: str | None = None,
    format: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> Detected:
    """Sniff the first bytes of an upload (``sample``, at most SAMPLE_BYTES of it)."""
    if total_size == 0 or not sample:
        raise FileProblem("the file is empty")
    codec = _encoding(sample, encoding)
    decoder = TextDecoder(codec)
    text = decoder.decode(sample, final=len(sample) >= total_size)
    if not text.strip():
        raise FileProblem("the file is empty (only blank space)")
    _refuse_binary_text(text)
    warnings = []
    if decoder.fallbacks:
        warnings.append(
            "some bytes are not UTF-8; they were read as Windows-1252 (Latin-1): "
            "check accented letters in the result"
        )
    if codec in _GUESSED and not encoding:
        warnings.append(
            f"the file is not UTF-8: its accented letters read as {_GUESSED[codec]} (check "
            'them in the result; a file saved as "CSV UTF-8" is read without guessing)'
        )
    kind = _format(text, filename, format)
    named = _by_name(filename)
    renamed = kind != named and not format and named in ("csv", "vcard")
    whole = len(sample) >= total_size
    if kind == "json" and _one_object_a_line(text, whole):
        kind = "ndjson"
        warnings.append(
            "the file holds one JSON object per line (NDJSON), not one JSON value; it was read "
            "as NDJSON"
        )
    elif kind == "json":
        _refuse_trailing_json(text)
    if renamed and named is not None:
        warnings.append(
            f"the file is named {filename!r} but holds {_NAMES[kind]}, not {_NAMES[named]}; "
            f"it was read as {_NAMES[kind]}"
        )
    if kind != "csv":
        return Detected(kind, codec, None, "\n", warnings)
    newline = _newline(text)
    lines = text.split(newline)
    if len(lines) == 1 and not whole:
        raise FileProblem(
            f"the first line is longer than {SAMPLE_BYTES // 1024} KiB: a CSV file starts with "
            "a header row naming its columns"
        )
    complete = lines if whole else lines[:-1]
    first = next((n for n, line in enumerate(complete) if line.strip()), None)
    named = excel_sep(complete[first]) if first is not None else None
    if named is not None and first is not None:
        del complete[first]
    sep = named if named is not None and not delimiter else _delimiter(complete[:50], delimiter)
    guessed = named is None and not delimiter
    return Detected("csv", codec, sep, newline, warnings, guessed)


def _encoding(sample: bytes, given: str | None) -> str:
    for magic, what in MAGIC:
        if sample.startswith(magic):
            raise FileProblem(f"the file is {what}", status=415)
    if given:
        codec = codec_named(given)
        if codec is None:
            raise FileProblem(unknown_encoding(given), field="encoding")
        if codec == "utf-16":
            if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
                return "utf-16-be" if sample.startswith(codecs.BOM_UTF16_BE) else "utf-16-le"
            return _utf16(sample) or "utf-16-le"
        return codec
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8"
    if sample.startswith(codecs.BOM_UTF16_LE):
        return "utf-16-le"
    if sample.startswith(codecs.BOM_UTF16_BE):
        return "utf-16-be"
    utf16 = _utf16(sample)
    if utf16:
        return utf16
    if _binary_nuls(sample.count(0), len(sample), b"\x00\x00" in sample):
        raise FileProblem(
            "the file is not text: it holds binary data (NUL bytes); if it is UTF-16 text, "
            "choose the encoding utf-16",
            status=415,
        )
    try:
        codecs.getincrementaldecoder("utf-8")().decode(sample, False)
        return "utf-8"
    except UnicodeDecodeError:
        pass
    # Not UTF-8 throughout: UTF-8 with stray Latin-1 bytes, or plain Latin-1 (or Mac Roman)?
    if _has_utf8_sequences(sample):
        return "utf-8"
    return _single_byte(sample)


# The encodings a file that is no UTF-8 is told to be in besides Windows-1252 (_single_byte)
_GUESSED = {
    "mac_roman": 'Mac Roman, the encoding of Excel for Mac\'s "Comma Separated Values"',
    "cp1250": "Windows-1250 (Central European: ą, ł, ż), the encoding of a Polish or Czech "
    "Excel's CSV",
}

# What may follow a lowercase letter inside or at the end of a word, besides lowercase letters
_AFTER_LETTER = frozenset("\u2019\u201d\u00bb\u2026\u2013\u2014\u2122\u00ae\u00b0\u00a2\u20ac")


# What may open a word, besides a letter
_BEFORE_WORD = frozenset("\u201c\u2018\u00ab\u00bf\u00a1\u201e\u201a")


def _single_byte(sample: bytes) -> str:
    """The encoding of a file that is no UTF-8: Windows-1252, or Mac Roman (Excel for Mac
    writes its "Comma Separated Values" so: read as Windows-1252 "José Müller" was "JosŽ
    MŸller"), or Windows-1250 (a Polish Excel's: "Michał Dąbrowski" was "Micha³ D¹browski").
    A byte past ASCII after a letter is, in the file's encoding, a letter (lowercase
    beside a lowercase one), an apostrophe, or at a word's end its closing punctuation (” … –);
    one before a word is its first letter (Ünal) or its opening punctuation (“ ¿);
    whichever encoding reads fewer of them as anything else is the file's: é is 0x8E in Mac
    Roman, where Windows-1252 has Ž, and 0xE9 in Windows-1252, where Mac Roman has È; ł is
    0xB3 in Windows-1250, ³ in Windows-1252. A tie is Windows-1252's, then Mac Roman's, but
    for a Czech file's (``_czech``)."""
    odd = {"cp1252": 0, "mac_roman": 0, "cp1250": 0}
    for i in range(1, len(sample)):
        byte, before = sample[i], chr(sample[i - 1])
        if byte < 0x80:
            continue
        after = chr(sample[i + 1]) if i + 1 < len(sample) else " "
        inside = after.isascii() and after.isalpha()
        if not (before.isascii() and before.isalpha()):
            if inside:  # a word's first letter (Ünal, Åsa), or its opening punctuation (“)
                for codec in odd:
                    char = bytes([byte]).decode(codec, errors="replace")
                    odd[codec] += not (char.isalpha() or char in _BEFORE_WORD)
            continue
        lower = before.islower() or (inside and after.islower())  # Müller, Jürgen; MÜLLER
        for codec in odd:
            char = bytes([byte]).decode(codec, errors="replace")
            letter = char.islower() if lower else char.isalpha()
            if not (letter or char == "\u2019" or (not inside and char in _AFTER_LETTER)):
                odd[codec] += 1
    best = min(odd, key=lambda codec: odd[codec])  # the first of the fewest
    if best == "cp1252" and odd["cp1250"] <= odd["cp1252"] and _czech(sample):
        return "cp1250"
    return best


# Czech letters of Windows-1250 read as Windows-1252 are letters too (č è, ř ø, ě ì, ů ù): a
# Czech file tied with Windows-1252 and was read so, "Dvořák" as "Dvoøák". What Czech writes
# and Western languages do not: ì or ù inside a word (Italian and French have them at its end:
# più, où), ø beside an acute vowel (Jiøí; Danish has none), è beside one (Èížek), È opening a
# word (Èerný; French opens only Ève and Èze so).
_ACUTE = "áéíóúýÁÉÍÓÚÝ"
_CZECH_TELLS = re.compile(
    rf"[ìù](?=[^\W\d_])|[øØèÈ](?=[{_ACUTE}])|(?<=[{_ACUTE}])[øØèÈ]|(?<![^\W\d_])È(?=[a-uw-y])"
)
# The letters of Czech (and Slovak's ľ, ô) past ASCII: a file whose reading as Windows-1250
# holds any other (ŕ of à, ĺ of å, ń of ñ) is no Czech one
_CZECH = frozenset("áčďéěíňóřšťúůýžÁČĎÉĚÍŇÓŘŠŤÚŮÝŽľĽôÔ")


def _czech(sample: bytes) -> bool:
    """Is a file of letters that read as letters in Windows-1252 and Windows-1250 alike a
    Czech one? Its letters are all Czech ones read as Windows-1250, and read as
    Windows-1252 it shows a tell of Czech (``_CZECH_TELLS``)."""
    central = sample.decode("cp1250", errors="replace")
    if any(not c.isascii() and c.isalpha() and c not in _CZECH for c in central):
        return False
    return _CZECH_TELLS.search(sample.decode("cp1252", errors="replace")) is not None


def _utf16(sample: bytes) -> str | None:
    """UTF-16 LE or BE without a byte-order mark, or None: every ASCII character (delimiters,
    line ends, digits, e-mail addresses) puts a zero byte on the same side of its pair, while
    a stray NUL in UTF-8 text is one byte, anywhere. CJK text has few zero bytes, but they
    are all on that side (a rare U+xx00 character puts one on the other)."""
    head = sample[: 64 * 1024]
    head = head[: len(head) - len(head) % 2]
    pairs = len(head) // 2
    for high, codec in ((1, "utf-16-le"), (0, "utf-16-be")):
        zeros, other = head[high::2].count(0), head[1 - high :: 2].count(0)
        if zeros < max(4, pairs * 0.02) or other > zeros // 8:
            continue
        text = head.decode(codec, errors="replace")
        if text[:-1].count("\ufffd") <= pairs // 100:  # a split pair at the end is no sign
            return codec
    return None


def _binary_nuls(nuls: int, size: int, run: bool) -> bool:
    """NULs in a run, or more than a few and over 1 in 100: binary data, not a stray NUL."""
    return run or nuls > max(4, size // 100)


def _has_utf8_sequences(data: bytes) -> bool:
    """Does ``data`` hold at least one valid multi-byte UTF-8 sequence?"""
    i, n = 0, len(data)
    while i < n:
        b = data[i]
        if b < 0x80:
            i += 1
            continue
        size = 2 if 0xC2 <= b <= 0xDF else 3 if 0xE0 <= b <= 0xEF else 4 if 0xF0 <= b <= 0xF4 else 0
        if size and i + size <= n:
            try:
                data[i : i + size].decode("utf-8")
                return True
            except UnicodeDecodeError:
                pass
        i += 1
    return False


# Text that holds no table: read as CSV it was one column that could not be mapped, and the
# refusal spoke of delimiters.
_NOT_TABLES = (
    (re.compile(r"<\?xml", re.I), "XML; save the data as CSV or JSON"),
    (re.compile(r"<(?:!doctype\s+html|html|table)\b", re.I),
     "a web page (HTML); save the table as CSV (a spreadsheet can open the page and save it)"),
)  # fmt: skip


def _refuse_binary_text(text: str) -> None:
    """Binary data decoded as text, and text that is no table (a vCard, XML, a web page)."""
    controls = sum(1 for c in text[:65536] if c < " " and c not in "\t\n\r\f\v")
    nuls = _binary_nuls(text.count("\x00"), len(text), "\x00\x00" in text)
    if nuls or controls > max(8, len(text[:65536]) // 100):
        raise FileProblem("the file is not text: it holds binary data", status=415)
    start = text[:200].lstrip("\ufeff \t\r\n")
    for pattern, what in _NOT_TABLES:
        if pattern.match(start):
            raise FileProblem(f"the file is {what}", status=415)


def _by_name(filename: str | None) -> str | None:
    name = (filename or "").lower()
    return next((kind for ext, kind in _EXTENSIONS.items() if name.endswith(ext)), None)


def _format(text: str, filename: str | None, given: str | None) -> str:
    if given:
        kind = given.strip().lower()
        if kind not in FORMATS:
            raise FileProblem(
                f"unknown format {given!r}; use csv, json, ndjson or vcard", field="format"
            )
        return kind
    if _VCARD_START.match(text):  # a contact list, whatever its name (.txt, .csv)
        return "vcard"
    by_name = _by_name(filename)
    # A JSON export saved under a .csv name (or a .txt one) is JSON: no CSV header row starts
    # with '[{' or '{"'. The content decides when it is that clearly JSON.
    if by_name == "vcard":
        by_name = None  # named .vcf, holding no card: read as what it holds (a warning says)
    if by_name is not None and (by_name != "csv" or not _JSON_START.match(text)):
        return by_name
    start = text.lstrip()[:1]
    if start == "[":
        return "json"
    if start == "{":
        if WRAPPER.match(text.lstrip()):
            return "json"
        first = text.lstrip().split("\n", 1)[0]
        try:
            orjson.loads(first)
            return "ndjson"
        except orjson.JSONDecodeError:
            return "json"
    return "csv"


def _one_object_a_line(text: str, whole: bool) -> bool:
    """NDJSON whatever the file's name says: a first line that is one JSON object (not a
    wrapper of items), and more lines, each starting an object."""
    lines = [line for line in text.split("\n")[: None if whole else -1] if line.strip()]
    if len(lines) < 2 or WRAPPER.match(lines[0].lstrip()):
        return False
    try:
        first = orjson.loads(lines[0])
    except orjson.JSONDecodeError:
        return False
    return isinstance(first, dict) and all(line.lstrip()[:1] == "{" for line in lines[1:])


def _refuse_trailing_json(text: str) -> None:
    """What follows a JSON value that ends in the sample would be dropped: refuse it now (the
    reader refuses it too, after a value that ends later)."""
    try:
        orjson.loads(text)
    except orjson.JSONDecodeError as exc:
        if "after document" in exc.msg:
            raise trailing_json(exc.lineno, text[exc.pos :]) from None


def trailing_json(line: int, rest: str) -> FileProblem:
    """The problem of a JSON file that goes on after its value (an array, an object) ends."""
    start = rest.lstrip().split("\n", 1)[0][:40]
    return FileProblem(
        f"the file goes on after its JSON value ends: on line {line}, {start!r} follows; a "
        "JSON file holds one value (an array of objects), and a file of one object per line "
        "is NDJSON (name it .ndjson or choose the format ndjson)"
    )


def excel_sep(line: str) -> str | None:
    """The delimiter an Excel "sep=;" line names, None for any other line."""
    found = _SEP_LINE.fullmatch(line)
    return found.group(1) if found else None


def _newline(text: str) -> str:
    """What ends a record: CR for old Mac files, whose cells may still hold a quoted LF (only
    the line ends outside quoted values count); LF otherwise (CRLF too)."""
    if "\r" not in text:
        return "\n"
    outside = _QUOTED.sub("", text) if "\n" in text else text
    return "\r" if "\n" not in outside else "\n"


def _even(rows: list[list[str]]) -> bool:
    """Do at least four in five of these rows have the first one's width?"""
    return bool(rows) and sum(len(r) == len(rows[0]) for r in rows) >= 0.8 * len(rows)


def _delimiter(lines: list[str], given: str | None) -> str:
    if given:
        sep = delimiter_named(given)
        if sep is None:
            raise FileProblem(unknown_delimiter(given), field="delimiter")
        return sep
    best, best_score = ",", None
    body = "\n".join(lines)
    for sep in CANDIDATES:
        if sep not in body:
            continue
        try:
            rows = [r for r in csv.reader(lines, delimiter=sep) if r]
        except csv.Error:
            continue
        score = _reading(rows, sep)
        if score is not None and (best_score is None or score > best_score):
            best, best_score = sep, score
    return best


def _reading(rows: list[list[str]], sep: str) -> tuple[bool, float, int, int] | None:
    """How well ``sep`` reads these rows, compared as a tuple; None: not at all (one column).

    First, whether the header it finds has two or more distinct names, none holding another
    delimiter: a comma file whose notes or tags column holds semicolons ("vip; spring" in
    every row) read with ';' finds the real header a title line (one cell) and takes the
    first row for the header, its "names" full of commas. Then the share of rows as wide as
    the header, fewer title lines skipped, more columns."""
    titles = next((n for n, r in enumerate(rows) if len(r) > 1), len(rows))
    if 0 < titles <= len(rows) - titles and _even(rows[titles:]):
        rows = rows[titles:]  # title lines above the header ("Customer list"): one cell
    else:
        titles = 0
    if not rows or len(rows[0]) < 2:
        return None
    width = len(rows[0])
    names = [c.strip() for c in rows[0] if c.strip()]
    others = [c for c in CANDIDATES if c != sep]
    clean = len(names) >= 2 and len(set(names)) == len(names)
    clean = clean and not any(c in name for name in names for c in others)
    same = sum(1 for r in rows if len(r) == width) / len(rows)
    return clean, same, -titles, width


def separated(sep: str | None) -> str:
    """How a delimiter is said: comma-separated, tab-separated..."""
    return f"{DELIMITER_NAMES.get(sep or ',', repr(sep))}-separated"


def delimiter_hint(header: list[str], detected: Detected) -> str | None:
    """For a refused file: which delimiter it was read with and how to choose another, when
    its header looks read with the wrong one (one column, or a name holding another
    delimiter: "email;first_name" read as comma-separated); None otherwise."""
    others = [c for c in CANDIDATES if c != (detected.delimiter or ",")]
    if len(header) > 1 and not any(c in name for name in header for c in others):
        return None
    how = "guessed" if detected.guessed else "as chosen"
    columns = f"{len(header)} column{'' if len(header) == 1 else 's'}"
    return (
        f"the file was read as {separated(detected.delimiter)} ({how}), its header as "
        f"{columns}: if another character separates its columns, choose the delimiter "
        "(comma, semicolon, tab or pipe)"
    )
