"""Streaming writers: rows (dicts) in, bytes out, a piece at a time (constant memory).

CSV cells are neutralized against formula injection (csv_safety); JSON is one array written
element by element; NDJSON is one object per line. Every writer takes a list of rows and
returns their bytes, so the caller controls the size of the pieces it yields. An Excel
workbook (XLSX) is the exception: a ZIP archive, whole only at its end, written to a
temporary file a row at a time (xlsxwriter's constant memory mode) and streamed from there
once it is closed (``end``).
"""

from __future__ import annotations

import csv
import io
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any

import anyio
import orjson
import xlsxwriter
from fastapi.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from rolodex.exports.csv_safety import neutralize

_log = logging.getLogger("rolodex.exports")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "ndjson": "application/x-ndjson",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "vcard": "text/vcard; charset=utf-8",
}
EXTENSIONS = {"vcard": "vcf"}  # a download's file name ends so; the others by the format's name


def filename(fmt: str, at: datetime) -> str:
    """An export download's file name: customers-20261206-223000.csv (a vCard file's .vcf)."""
    return f"customers-{at:%Y%m%d-%H%M%S}.{EXTENSIONS.get(fmt, fmt)}"


def _default(value: Any) -> Any:
    return str(value)


def dumps(value: Any) -> bytes:
    """orjson's bytes; the standard library's for what orjson cannot write (an integer beyond
    64 bits stored before such numbers were refused), rather than a cut-off export."""
    try:
        return orjson.dumps(value, default=_default)
    except TypeError:
        return json.dumps(value, default=_default, ensure_ascii=False).encode("utf-8")


class CsvWriter:
    """A header row, then rows; every cell neutralized; UTF-8 with a BOM (for spreadsheets)."""

    def __init__(self, columns: list[str], *, bom: bool = True) -> None:
        self.columns = columns
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, lineterminator="\r\n")
        self._started = False
        self._bom = bom

    def _take(self) -> bytes:
        data = self._buffer.getvalue().encode("utf-8")
        self._buffer.seek(0)
        self._buffer.truncate()
        return data

    def begin(self) -> bytes:
        self._writer.writerow([neutralize(c) for c in self.columns])
        prefix = "\ufeff".encode() if self._bom else b""
        return prefix + self._take()

    def rows(self, rows: Iterable[dict[str, Any]]) -> bytes:
        columns = self.columns
        self._writer.writerows([neutralize(_cell(row.get(c))) for c in columns] for row in rows)
        return self._take()

    def end(self) -> bytes:
        return b""


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class XlsxWriter:
    """A workbook of one sheet, "Customers" (more, "Customers 2"..., past the rows a sheet
    holds): a bold header row kept in view, then rows. Every cell is written as text (never a
    formula: "=1+1" or "+1 415..." stays as written, no apostrophe needed as in CSV), but the
    ``numbers`` columns (LTV, order count) as numbers. Text longer than a cell holds (32,767
    characters) is cut, its end saying how many characters are left out; how many cells
    were cut is logged."""

    SHEET_ROWS = 1_048_575  # Excel's rows, the header's taken off
    CELL_CHARS = 32_767

    def __init__(self, columns: list[str], numbers: Iterable[str] = ()) -> None:
        self.columns = columns
        self.numbers = {i for i, c in enumerate(columns) if c in set(numbers)}
        self.cut = 0
        self._dir = tempfile.mkdtemp(prefix="rolodex-export-")
        self._path = os.path.join(self._dir, "export.xlsx")
        self._book = xlsxwriter.Workbook(
            self._path,
            {"constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
             "strings_to_urls": False, "tmpdir": self._dir},
        )  # fmt: skip
        self._bold = self._book.add_format({"bold": True})
        self._sheet: Any = None
        self._row = 0
        self._sheets = 0

    def _new_sheet(self) -> None:
        self._sheets += 1
        name = "Customers" if self._sheets == 1 else f"Customers {self._sheets}"
        self._sheet = self._book.add_worksheet(name)
        self._sheet.freeze_panes(1, 0)
        for i, column in enumerate(self.columns):
            self._sheet.write_string(0, i, column, self._bold)
        self._row = 0

    def begin(self) -> bytes:
        self._new_sheet()
        return b""

    def rows(self, rows: Iterable[dict[str, Any]]) -> bytes:
        columns, numbers = self.columns, self.numbers
        for row in rows:
            if self._row == self.SHEET_ROWS:
                self._new_sheet()
            self._row += 1
            at, sheet = self._row, self._sheet
            for i, column in enumerate(columns):
                value = row.get(column)
                if value is None or value == "":
                    continue
                if i in numbers and isinstance(value, int | float | Decimal | str):
                    try:
                        sheet.write_number(at, i, float(value))
                        continue
                    except ValueError:
                        pass
                text = _cell(value)
                if len(text) > self.CELL_CHARS:
                    text, self.cut = self._cut(text), self.cut + 1
                sheet.write_string(at, i, text)
        return b""

    def _cut(self, text: str) -> str:
        """Text longer than a cell holds, cut to it, saying so at its end: a sheet opened
        (or imported again) showed the cut text as if it were all."""
        said = ""
        while True:  # the count's digits lengthen what is said, which leaves out more
            left_out = len(text) - (self.CELL_CHARS - len(said))
            saying = (
                f" [... {left_out:,} more characters: a cell of a sheet holds "
                f"{self.CELL_CHARS:,}; a CSV or JSON export has them all]"
            )
            done = len(saying) == len(said)
            said = saying
            if done:
                break
        kept = self.CELL_CHARS - len(said)
        return text[:kept] + said if kept > 0 else text[: self.CELL_CHARS]

    def end(self) -> Iterator[bytes]:
        """The workbook's bytes, once it is closed; its temporary files go with the last."""
        try:
            self._book.close()
            if self.cut:
                _log.warning(
                    "xlsx export: %d cells cut to %d characters", self.cut, self.CELL_CHARS
                )
            with open(self._path, "rb") as done:
                while piece := done.read(1024 * 1024):
                    yield piece
        finally:
            self.close()

    def close(self) -> None:
        shutil.rmtree(self._dir, ignore_errors=True)


class JsonWriter:
    """One JSON array, streamed."""

    def __init__(self) -> None:
        self._first = True

    def begin(self) -> bytes:
        return b"["

    def rows(self, rows: Iterable[dict[str, Any]]) -> bytes:
        parts = []
        for row in rows:
            parts.append(b"\n" if self._first else b",\n")
            self._first = False
            parts.append(dumps(row))
        return b"".join(parts)

    def end(self) -> bytes:
        return b"]\n" if self._first else b"\n]\n"


class NdjsonWriter:
    def begin(self) -> bytes:
        return b""

    def rows(self, rows: Iterable[dict[str, Any]]) -> bytes:
        return b"".join(dumps(row) + b"\n" for row in rows)

    def end(self) -> bytes:
        return b""


def stream(writer: Any, pages: Iterable[list[dict[str, Any]]]) -> Iterator[bytes]:
    """The writer's bytes for ``pages`` of rows, one piece per page (an XLSX writer's all at
    its end)."""
    try:
        yield writer.begin()
        for page in pages:
            if page:
                piece = writer.rows(page)
                if piece:
                    yield piece
        tail = writer.end()
        if isinstance(tail, bytes):
            if tail:
                yield tail
        else:
            yield from tail
    finally:
        close = getattr(writer, "close", None)
        if close is not None:  # a download given up: the writer's temporary files go
            close()


class Download(StreamingResponse):
    """A streamed response that closes its pieces' generator when it ends, however it ends.
    A client hanging up mid-download left the generator, and the read transaction an export
    holds in it, open until a garbage collection (on PostgreSQL: idle in transaction)."""

    def __init__(self, body: Iterator[bytes], media_type: str, headers: dict[str, str]) -> None:
        super().__init__(body, media_type=media_type, headers=headers)
        self._body = body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            close = getattr(self._body, "close", None)
            if close is not None:
                with anyio.CancelScope(shield=True):
                    await anyio.to_thread.run_sync(close)


def attachment(body: Iterator[bytes], media_type: str, filename: str) -> StreamingResponse:
    """A streamed download: the browser saves it as ``filename``."""
    return Download(body, media_type, {"Content-Disposition": f'attachment; filename="{filename}"'})


def csv_attachment(
    pages: Iterable[list[dict[str, Any]]], columns: list[str], filename: str
) -> StreamingResponse:
    """``pages`` of rows as a streamed CSV download with ``columns``."""
    return attachment(stream(CsvWriter(columns), pages), MEDIA_TYPES["csv"], filename)
