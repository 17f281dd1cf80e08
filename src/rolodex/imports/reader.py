"""Records of an uploaded file, streamed in constant memory: CSV (quoted newlines, any of the
detected delimiters), a JSON array (or ``{"items": [...]}``, or one object; anything after
it is a file problem, never dropped), NDJSON and vCards (``vcard``).

A record longer than MAX_RECORD_CHARS is not kept in memory: it becomes a record with a
``problem`` (so one bad line fails one row, not the file), and reading goes on after it.

A CSV's header is its first non-blank line, or (``header_line``) a line below title lines
("Customer list", "Exported from ... on ..."), which are skipped.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Any

import orjson

from rolodex.imports import shapes, vcard
from rolodex.imports.csv_lines import MAX_RECORD_CHARS, Feed, Lines, TooLong, Unclosed
from rolodex.imports.detect import (
    WRAPPER,
    WRAPPER_LISTS,
    Detected,
    FileProblem,
    TextDecoder,
    excel_sep,
    separated,
    trailing_json,
)
from rolodex.imports.layout import Table, filled, holds_value

MAX_COLUMNS = 2000
HEADER_SEARCH = 20  # the non-blank lines of a file's start its header is looked for in
PIECE = 64 * 1024
_STRUCT = re.compile(r'[{}\[\]",]')
_IN_STRING = re.compile(r'["\\]')
_LONG_DIGITS = re.compile(r"\d{20}")  # an integer orjson may read as a float: past 64 bits

csv.field_size_limit(MAX_RECORD_CHARS)


@dataclass(slots=True)
class Record:
    row_no: int  # 1-based, data records only
    line: int  # the line of the file where it starts
    cells: list[str] | dict[str, Any] | None
    problem: str | None = None


class Pieces:
    """The file's bytes in pieces of at most PIECE, counting what was handed out."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self.chunks = iter(chunks)
        self.bytes_read = 0

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.chunks:
            for start in range(0, len(chunk), PIECE):
                piece = chunk[start : start + PIECE]
                self.bytes_read += len(piece)
                yield piece


def _texts(pieces: Pieces, decoder: TextDecoder) -> Iterator[str]:
    for piece in pieces:
        text = decoder.decode(piece)
        if text:
            yield text
    tail = decoder.decode(b"", final=True)
    if tail:
        yield tail


class Reader:
    """``header()`` (CSV), then iterate the data records."""

    def __init__(
        self,
        chunks: Iterable[bytes],
        detected: Detected,
        header_line: int | None = None,
        groups: dict[str, list[str]] | None = None,
    ) -> None:
        self.detected = detected
        self.groups = groups  # vCards: the file's groups (``vcard_groups``), their members' tags
        self.header_line = header_line  # below title lines; None: the first non-blank line
        self.skipped: list[tuple[int, list[str]]] = []  # the title lines above it
        self.pieces = Pieces(chunks)
        self.decoder = TextDecoder(detected.encoding)
        self._texts = _texts(self.pieces, self.decoder)
        self._header: list[str] | None = None
        self._csv: Any = None
        self._feed: Feed | None = None

    @property
    def bytes_read(self) -> int:
        return self.pieces.bytes_read

    def header(self) -> list[str]:
        if self._header is not None:
            return self._header
        for line, row in self._leading():
            if self.header_line is None or line >= self.header_line:
                break
            self.skipped.append((line, row))
        else:
            raise FileProblem("the file has no header row")
        if len(row) > MAX_COLUMNS:
            raise FileProblem(f"the file has {len(row)} columns; at most {MAX_COLUMNS} are read")
        self._header = row
        return row

    def _leading(self) -> Iterator[tuple[int, list[str]]]:
        """The CSV's non-blank records up to its header, with their lines (Excel's "sep=;"
        line left out)."""
        if self.detected.format != "csv":
            raise ValueError("only CSV files have a header row")
        delimiter = self.detected.delimiter or ","
        lines = Lines(self._texts, self.detected.newline)
        self._feed = feed = Feed(lines, delimiter, rows_are_lines=self.detected.sheet)
        self._csv = csv.reader(feed, delimiter=delimiter)
        first = True
        while True:
            feed.start()
            try:
                row = next(self._csv)
            except StopIteration:
                return
            except csv.Error as exc:
                raise FileProblem(f"the header row cannot be read: {_csv_error(exc)}") from exc
            except TooLong:
                raise FileProblem("the header row is longer than 1 MiB") from None
            if feed.unclosed():
                raise FileProblem("a quote opened in the header row is never closed")
            if not any(cell.strip() for cell in row):
                continue
            if first and excel_sep(delimiter.join(row)) is not None:
                first = False  # Excel's "sep=;" line (detect took its delimiter)
                continue
            first = False
            yield feed.first(), row

    def __iter__(self) -> Iterator[Record]:
        kind = self.detected.format
        if kind == "csv":
            return self._csv_records()
        if kind == "ndjson":
            return self._ndjson_records()
        if kind == "vcard":
            return self._vcard_records()
        return self._json_records()

    def _csv_records(self) -> Iterator[Record]:
        width = len(self.header())
        table = Table(self.header())
        reader, feed = self._csv, self._feed
        assert feed is not None
        feed.width = width
        row_no = 0
        while True:
            feed.start()
            try:
                cells = next(reader)
            except StopIteration:
                return
            except TooLong as exc:
                row_no += 1
                yield Record(row_no, feed.first(exc.number), None, feed.skip(exc))
                continue
            except Unclosed as exc:
                row_no += 1
                yield Record(row_no, feed.first(), None, feed.cut(exc.line, sure=True))
                continue
            except csv.Error as exc:
                row_no += 1
                reason = f"the row cannot be read: {_csv_error(exc)}"
                yield Record(row_no, feed.first(), None, reason)
                continue
            start = feed.first()
            opened = feed.unclosed()
            why = feed.cut(opened) if opened else None
            if why:
                row_no += 1
                yield Record(row_no, start, None, why)
                continue
            if not cells:
                table.blank()
                continue  # a blank line
            row_no += 1
            if len(cells) > width:
                if any(c.strip() for c in cells[width:]):
                    yield Record(
                        row_no,
                        start,
                        None,
                        _wider(len(cells), width, self.detected.delimiter),
                    )
                    continue
                cells = cells[:width]
            elif len(cells) < width:
                cells = cells + [""] * (width - len(cells))
            why = table.why_not(start, cells)
            if why:
                yield Record(row_no, start, None, why)
                continue
            yield Record(row_no, start, cells)

    def _ndjson_records(self) -> Iterator[Record]:
        lines = Lines(self._texts, "\n")
        row_no = 0
        for text in lines:
            line = lines.number
            if lines.overlong and lines.overlong[-1] == line:
                row_no += 1
                yield Record(row_no, line, None, "the line is longer than 1 MiB; it was skipped")
                continue
            if not text.strip():
                continue
            row_no += 1
            yield _document(row_no, line, text, whole_line=True)

    def _vcard_records(self) -> Iterator[Record]:
        for row_no, card in enumerate(vcard.cards(Lines(self._texts, "\n")), 1):
            if card.lines is None:
                yield Record(row_no, card.line, None, card.problem)
                continue
            try:
                yield Record(row_no, card.line, vcard.record(card, self.groups))
            except vcard.Unreadable as exc:
                yield Record(row_no, card.line, None, str(exc))

    def _json_records(self) -> Iterator[Record]:
        row_no = 0
        for line, text in _JsonElements(self._texts):
            row_no += 1
            if text is None:
                yield Record(row_no, line, None, "the element is longer than 1 MiB; skipped")
                continue
            yield _document(row_no, line, text)


def vcard_groups(chunks: Iterable[bytes], detected: Detected) -> dict[str, list[str]] | None:
    """A file of vCards' groups (``vcard.memberships``: a first pass over the file); None
    for any other file."""
    if detected.format != "vcard":
        return None
    texts = _texts(Pieces(chunks), TextDecoder(detected.encoding))
    return vcard.memberships(Lines(texts, "\n"))


def header_line(data: bytes, detected: Detected, maps: Callable[[list[str]], int]) -> int | None:
    """The line of a CSV's header below title lines ("Customer list", "Exported from Acme CRM
    on 2026-01-02") or group labels of merged cells ("Contact,,Address,"): the first of its
    first HEADER_SEARCH non-blank lines that ``maps`` like a header (how many of its columns
    map), holds no value (an email, a number, a date) and is wider than each line above it,
    which hold at most two values (labels: a blank between them, and fewer columns mapped).
    None when the first line is the header or none is: a file without a header is not given
    one of its rows as its header. A first line of one value that maps ("Notes:", "Customers")
    is a title when such a line follows it."""
    found: list[tuple[int, list[str]]] = []
    try:
        for line, row in islice(Reader([data], detected)._leading(), HEADER_SEARCH):
            found.append((line, row))
    except FileProblem:
        pass  # a title line or a row that cannot be read ends the search, not the import
    if not found:
        return None
    mapped = maps(found[0][1])
    # a first line that maps is the header, as ever, unless it holds labels of merged cells
    # or is one word that happens to map, above the wider header (LinkedIn's "Notes:")
    lone = len(filled(found[0][1])) == 1
    lines = (found[:2] if _labels(found[0][1]) else []) if mapped and not lone else found
    above = 0  # the most values a line above holds
    for n, (line, row) in enumerate(lines):
        width = len(filled(row))
        if n and width > above and not holds_value(row) and maps(row) > mapped:
            return line
        above = max(above, width)
        if above > 2 and not mapped:
            return None  # a row of data above: a file without a header
    return None


def _labels(row: list[str]) -> bool:
    """Does a line that maps hold labels of merged cells, a blank between two of them?"""
    cells = [cell.strip() for cell in row]
    while cells and not cells[-1]:
        cells.pop()
    return "" in cells


def _wider(values: int, width: int, sep: str | None) -> str:
    """A row wider than the header: an unquoted delimiter in a value, or a file separated by
    another character than it was read with (a guess the header misled)."""
    name = separated(sep).removesuffix("-separated")
    return (
        f"the row has {values} values but the header names {width} columns: a value holding "
        f'a {name} needs quotes ("..."), or the file is not {separated(sep)} (choose its '
        "delimiter)"
    )


def _csv_error(exc: csv.Error) -> str:
    """The csv module's complaint in a user's words."""
    if "new-line character" in str(exc):
        return (
            "it has a line break (CR or LF) inside a value that is not quoted, in a file whose "
            "lines end otherwise; quote the value or save the file with one kind of line end"
        )
    return f"not valid CSV: {exc}"


def _document(row_no: int, line: int, text: str, whole_line: bool = False) -> Record:
    """A record of a JSON text starting on ``line`` of the file (an NDJSON line, ``whole_line``:
    its columns are the file's too)."""
    try:
        value = loads(text)
    except orjson.JSONDecodeError as exc:
        # where in the file, not orjson's line 1 of the record
        at = f"line {line + exc.lineno - 1}"
        if whole_line:
            at += f", column {exc.colno}"
        return Record(row_no, line, None, f"not valid JSON: {exc.msg} ({at})")
    except RecursionError:
        reason = "not valid JSON: nested too deeply to read its numbers past 64 bits exactly"
        return Record(row_no, line, None, reason)
    if not isinstance(value, dict):
        return Record(row_no, line, None, "not a JSON object")
    return Record(row_no, line, flatten(shapes.own_shape(value)))


def loads(text: str) -> Any:
    """One JSON value, as orjson reads it (strict: no NaN, no lone surrogate, at most 1024
    levels deep), except integers past 64 bits, which orjson reads as floats: another tool's
    30-digit id would become the text '1.2345678901234568e+29'. A text holding such digits is
    read again by the json module, which keeps integers exact."""
    value = orjson.loads(text)
    if _LONG_DIGITS.search(text) is None:
        return value
    return json.loads(text)


# objects read whole: one address (one source) is a list of one
_WHOLE = frozenset({"attributes", "addresses", "sources"})


def flatten(doc: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested objects become dotted keys (``consent.email``); ``attributes``, ``addresses``,
    ``sources`` and lists stay. A lookup of another record, ``{"name": ..., "id": ...}``
    (Zoho CRM's Account_Name), is its name: its parts' keys named no field (the contact's
    company was lost)."""
    out: dict[str, Any] = {}
    for key, value in doc.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value.keys() == _LOOKUP and isinstance(value["name"], str):
            out[name] = value["name"]
        elif isinstance(value, dict) and key.lower() not in _WHOLE and not prefix:
            out.update(flatten(value, name + "."))
        else:
            out[name] = value
    return out


_LOOKUP = {"name", "id"}


class _JsonElements:
    """(line, text) of each element of the top-level array; text None when too long."""

    def __init__(self, texts: Iterator[str]) -> None:
        self.texts = texts
        self.buf = ""
        self.pos = 0
        self.line = 1
        self.eof = False

    def _more(self) -> bool:
        if self.eof:
            return False
        try:
            piece = next(self.texts)
        except StopIteration:
            self.eof = True
            return False
        self.buf = self.buf[self.pos :] + piece
        self.pos = 0
        return True

    def _advance(self, to: int) -> None:
        self.line += self.buf.count("\n", self.pos, to)
        self.pos = to

    def _skip_space(self) -> str | None:
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in " \t\r\n":
                if self.buf[self.pos] == "\n":
                    self.line += 1
                self.pos += 1
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._more():
                return None

    def __iter__(self) -> Iterator[tuple[int, str | None]]:
        first, wrapper = self._skip_space(), ""
        while len(self.buf) - self.pos < 4096 and self._more():  # a wrapper's page figures
            pass
        if first == "{":
            m = WRAPPER.match(self.buf, self.pos)
            if m is None:  # one object: one record
                yield self.line, self._element()
                self._end()
                return
            self._advance(m.end())
            wrapper = m.group(1)
        elif first == "[":
            self._advance(self.pos + 1)
        else:
            raise FileProblem("a JSON file must hold an array of objects; use NDJSON for lines")
        expect_value = True
        while True:
            ch = self._skip_space()
            if ch is None:
                raise FileProblem(f"the JSON array is not closed (line {self.line})")
            if ch == "]":
                self._advance(self.pos + 1)
                if first == "{":
                    self._rest_of_wrapper(wrapper)
                self._end()
                return
            if ch == ",":
                if expect_value:
                    raise FileProblem(f"a JSON syntax error: unexpected comma (line {self.line})")
                self._advance(self.pos + 1)
                expect_value = True
                continue
            if not expect_value:
                raise FileProblem(f"a JSON syntax error: a comma is missing (line {self.line})")
            line = self.line
            yield line, self._element()
            expect_value = False

    def _rest_of_wrapper(self, listed: str) -> None:
        """Read past the wrapper's other keys ("next_cursor" and such); a second list of
        records under another such key would be dropped: a problem of the file."""
        line = self.line
        rest = self._element(depth=1)
        try:
            others = orjson.loads("{" + rest.strip().removeprefix(",")) if rest else {}
        except orjson.JSONDecodeError:
            others = {}  # its structure was scanned; what is not records is not read
        if not isinstance(others, dict):
            return
        for key in WRAPPER_LISTS:
            if isinstance(others.get(key), list) and others[key]:
                raise FileProblem(
                    f"the file holds a second list of records, {key!r}, after {listed!r} "
                    f"(from line {line}); only one list is read: import each as its own file"
                )

    def _end(self) -> None:
        """Nothing but blank space may follow the value: it would be dropped."""
        if self._skip_space() is not None:
            while len(self.buf) - self.pos < 40 and self._more():
                pass
            raise trailing_json(self.line, self.buf[self.pos : self.pos + 40])

    def _element(self, depth: int = 0) -> str | None:
        """Scan one value from ``pos`` (or, from ``depth`` 1, the rest of an object); its
        text (None past MAX_RECORD_CHARS)."""
        start = i = self.pos
        in_string, overlong = False, False
        while True:
            m = (_IN_STRING if in_string else _STRUCT).search(self.buf, i)
            split_escape = m is not None and in_string and m.group() == "\\"
            if m is None or (split_escape and m.end() >= len(self.buf)):
                resume = len(self.buf) if m is None else m.start()
                overlong = overlong or resume - start > MAX_RECORD_CHARS
                # Keep the element's text (or, once too long, nothing) and read on.
                self._advance(resume if overlong else start)
                offset = self.pos
                if not self._more():
                    if depth == 0 and not in_string:
                        end = len(self.buf)
                        break
                    raise FileProblem(f"the JSON file ends inside a value (line {self.line})")
                i, start = resume - offset, (resume if overlong else start) - offset
                continue
            j, ch = m.start(), m.group()
            if in_string:
                if ch == "\\":
                    i = j + 2
                    continue
                in_string, i = False, j + 1
                if depth == 0:
                    end = i
                    break
            elif ch == '"':
                in_string, i = True, j + 1
            elif ch in "{[":
                depth, i = depth + 1, j + 1
            elif ch in "}]":
                if depth == 0:
                    end = j
                    break
                depth, i = depth - 1, j + 1
                if depth == 0:
                    end = i
                    break
            elif depth == 0:  # a comma ends a top-level scalar
                end = j
                break
            else:
                i = j + 1
        text = self.buf[start:end]
        self._advance(end)
        if overlong or len(text) > MAX_RECORD_CHARS:
            return None
        return text.strip()
