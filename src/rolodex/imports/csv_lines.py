"""CSV as physical lines for the csv module, pure: a record that grows past MAX_RECORD_CHARS
stops there (``TooLong``) and reading resumes after it; a quote that is never closed
(``Unclosed``) fails its row and the lines after it are read again as rows. Used by
``reader.Reader``; ``Lines`` also splits NDJSON.
"""

from __future__ import annotations

import csv
from collections import deque
from collections.abc import Iterator

MAX_RECORD_CHARS = 1024 * 1024


class Lines:
    """Physical lines (ends kept) of a text stream; a line past MAX_RECORD_CHARS is dropped
    and noted in ``overlong`` (its place is taken by an empty line), with the number of
    quotes it held (``dropped_quotes``)."""

    def __init__(self, texts: Iterator[str], newline: str) -> None:
        self.texts = texts
        self.newline = newline
        self.number = 0
        self.overlong: list[int] = []
        self.dropped_quotes = 0

    def __iter__(self) -> Iterator[str]:
        pending: list[str] = []
        size = 0
        skipping = False
        nl = self.newline
        for text in self.texts:
            parts = text.split(nl)
            for i, part in enumerate(parts):
                last = i == len(parts) - 1
                if skipping:
                    self.dropped_quotes += part.count('"')
                    if not last:
                        skipping = False
                        self.number += 1
                        yield nl
                    continue
                if last:
                    if part:
                        pending.append(part)
                        size += len(part)
                        if size > MAX_RECORD_CHARS:
                            self.dropped_quotes = sum(p.count('"') for p in pending)
                            pending, size, skipping = [], 0, True
                            self.overlong.append(self.number + 1)
                    continue
                self.number += 1
                if pending:
                    pending.append(part)
                    line = "".join(pending)
                    pending, size = [], 0
                else:
                    line = part
                if len(line) > MAX_RECORD_CHARS:
                    self.overlong.append(self.number)
                    self.dropped_quotes = line.count('"')
                    yield nl
                    continue
                yield line + nl
        if pending:
            self.number += 1
            yield "".join(pending)
        elif skipping:
            self.number += 1
            yield nl


class TooLong(Exception):
    """A record grew past MAX_RECORD_CHARS at line ``number`` (``text``, not handed on; a
    stand-in when ``dropped``, too long alone). Raised through csv.reader, which starts
    afresh on its next call."""

    def __init__(self, number: int, text: str, dropped: bool) -> None:
        self.number, self.text, self.dropped = number, text, dropped


class Unclosed(Exception):
    """The quote opened on ``line`` runs over lines that look like records."""

    def __init__(self, line: int) -> None:
        self.line = line


class Quotes:
    """Which quoted value is open after each line, as the csv module reads it: a quote opens a
    value only at the value's start, "" inside one is a quote, other quotes are text."""

    def __init__(self, delimiter: str) -> None:
        self.delimiter = delimiter
        self.open_line = 0  # the line the open quoted value started on; 0: none is open
        self.spans = False  # the open value holds a line break
        # The first line whose value, holding line breaks, was closed by a quote with text
        # after it: a writer closes a value before a delimiter or a line end, so this quote
        # opened another value and the first one was never closed.
        self.bad_close = 0

    def scan(self, number: int, line: str) -> None:
        d, i, n = self.delimiter, 0, len(line)
        while i < n:
            if self.open_line:
                j = line.find('"', i)
                if j < 0:
                    self.spans = True
                    return
                if line.startswith('""', j):
                    i = j + 2
                    continue
                if self.spans and line[j + 1 : j + 2] not in (d, "\r", "\n", ""):
                    self.bad_close = self.bad_close or self.open_line
                self.open_line, i = 0, j + 1
            elif line[i] == '"':
                self.open_line, self.spans, i = number, False, i + 1
                continue
            k = line.find(d, i)  # the end of an unquoted value, or of a closed one
            if k < 0:
                return
            i = k + 1


class Feed:
    """The physical lines csv.reader reads, numbered, one record at a time (``start`` before
    each), keeping the record's lines.

    A record is stopped at MAX_RECORD_CHARS (``TooLong``); ``skip`` then reads on to where it
    ends, once its quoted values are closed. A quote never closed (at the end of the file,
    only by a quote that opens another value, or while the quoted value runs over lines that
    each look like a record of the header's width) fails its record, and the lines after the
    one it opened on are read again as records of their own (``cut``).
    """

    def __init__(self, lines: Lines, delimiter: str, *, rows_are_lines: bool = False) -> None:
        self.lines = lines
        self.source = iter(lines)
        self.delimiter = delimiter
        self.width = 0  # the header's, once read
        self.record: list[str] = []  # its lines, from line ``start_line`` on
        self.start_line = self.size = 0
        self.again: deque[str] = deque()  # lines to read again, from line ``again_line`` on
        self.again_line = 0
        self.ended_open = False  # the file ended inside the record's quoted value
        self.quotes: Quotes | None = None
        self.scanned = self.likes = self.likes_of = 0
        # a workbook's sheet (Detected.sheet): records are numbered as its rows, the lines
        # that the line breaks of earlier records' values added (``folded``) not counted
        self.rows_are_lines = rows_are_lines
        self.folded = 0

    def start(self) -> None:
        if self.rows_are_lines and len(self.record) > 1:
            self.folded += len(self.record) - 1
        self.record, self.size = [], 0
        if self.quotes is not None:  # only records over several lines are scanned
            self.quotes, self.scanned, self.likes, self.likes_of = None, 0, 0, 0

    def first(self, default: int = 0) -> int:
        """The line the record starts on (a workbook's: its row)."""
        return self.start_line - self.folded if self.record else default

    def _pull(self) -> tuple[int, str, bool] | None:
        if self.again:
            self.again_line += 1
            return self.again_line - 1, self.again.popleft(), False
        text = next(self.source, None)
        if text is None:
            return None
        number, overlong = self.lines.number, self.lines.overlong
        return number, text, bool(overlong) and overlong[-1] == number

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        if self.record:  # csv.reader asks for more: a quoted value is open
            self._check_open()
        got = self._pull()
        if got is None:
            self.ended_open = bool(self.record)
            raise StopIteration
        number, text, dropped = got
        if dropped or self.size + len(text) > MAX_RECORD_CHARS:
            raise TooLong(number, text, dropped)
        if not self.record:
            self.start_line = number
        elif self.likes >= 0 and text.strip():  # blank lines say nothing
            self.likes = self.likes + 1 if self._record_like(text) else -1
        self.record.append(text)
        self.size += len(text)
        return text

    def _check_open(self) -> None:
        quotes = self._scan()
        if quotes.open_line != self.likes_of:
            self.likes_of = quotes.open_line
            self.likes = 0 if self.width > 1 and quotes.open_line else -1
        # Fewer columns, more lines: prose with a comma a line must not pass for records.
        if self.likes >= max(5, 12 // max(self.width - 1, 1)):
            raise Unclosed(quotes.bad_close or quotes.open_line)

    def _scan(self) -> Quotes:
        if self.quotes is None:
            self.quotes = Quotes(self.delimiter)
        for k in range(self.scanned, len(self.record)):
            self.quotes.scan(self.start_line + k, self.record[k])
        self.scanned = len(self.record)
        return self.quotes

    def _record_like(self, text: str) -> bool:
        try:
            return len(next(csv.reader([text], delimiter=self.delimiter), [])) == self.width
        except csv.Error:  # a lone CR in a value: no record, but maybe the open value's text
            return False

    def unclosed(self) -> int:
        """After a record: the line of a quote the record never closes properly; 0: none."""
        if not self.ended_open and len(self.record) < 2:
            return 0
        quotes = self._scan()
        if self.ended_open:
            return quotes.bad_close or quotes.open_line or self.start_line
        return quotes.bad_close

    def cut(self, line: int, sure: bool = False) -> str | None:
        """The quote opened on ``line`` is never closed: read the lines after it again when
        they look like records (or ``sure``). Why the record fails (None: it stands as read)."""
        tail = self.record[line + 1 - self.start_line :]
        following = next((t for t in tail if t.strip()), None)
        if not sure and following is not None and not self._record_like(following):
            if not self.ended_open:
                return None
            return (
                f"a quote opened on line {line} is never closed, so the rest of the file was "
                "read as part of this row"
            )
        self.again.extendleft(reversed(tail))
        self.again_line, self.ended_open = line + 1, False
        why = f"a quote opened on line {line} is never closed"
        return f"{why}; the lines after it were read as rows of their own" if tail else why

    def skip(self, exc: TooLong) -> str:
        """Read past the rest of a record too long to keep; why it fails."""
        quotes = self._scan()
        number, text, dropped = exc.number, exc.text, exc.dropped
        while True:
            if not dropped:
                quotes.scan(number, text)
            elif self.lines.dropped_quotes % 2:  # of a dropped line only its quotes are counted
                quotes.open_line = 0 if quotes.open_line else number
            if not quotes.open_line:
                return "the row is longer than 1 MiB; it was skipped"
            got = self._pull()
            if got is None:
                return (
                    f"the row is longer than 1 MiB: a quote opened on line {quotes.open_line} "
                    "is never closed, so the rest of the file was read as part of it"
                )
            number, text, dropped = got
