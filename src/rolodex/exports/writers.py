"""Streaming writers: rows (dicts) in, bytes out, a piece at a time (constant memory).

CSV cells are neutralized against formula injection (csv_safety); JSON is one array written
element by element; NDJSON is one object per line. Every writer takes a list of rows and
returns their bytes, so the caller controls the size of the pieces it yields.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

import anyio
import orjson
from fastapi.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from rolodex.exports.csv_safety import neutralize

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "ndjson": "application/x-ndjson",
}


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
    """The writer's bytes for ``pages`` of rows, one piece per page."""
    yield writer.begin()
    for page in pages:
        if page:
            yield writer.rows(page)
    tail = writer.end()
    if tail:
        yield tail


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
