"""Spreadsheet workbooks (Excel .xlsx, .xlsm, .xlsb and .xls, OpenDocument .ods) read as the
CSV of one of their sheets, before anything else looks at the upload: the import then reads
that CSV as it reads any (header guessing, title lines above the header, row reports), on the
API, the CLI and the dashboard alike, and stores it as the import's file.

The sheet read is the first visible worksheet holding a cell; a workbook of several says
which it read. Each sheet row is one CSV line, the empty ones too, so that a row report's line
is the row number the spreadsheet shows (a cell holding a line break moves the lines after it
by one). Cells are written as a spreadsheet shows them, not as floats: a whole number as its
digits (a phone typed as 4155550123, a zip as 94105), other numbers with Excel's fifteen
significant digits, dates and times in ISO 8601 (a date cell as its day), TRUE and FALSE. A
formula's last computed value is read (a workbook written by a program that never computed
it holds none). Read with calamine (python-calamine), which holds the sheet in memory: a
zipped workbook whose sheets unpack to more than MAX_SHEET_BYTES is refused, saying to save
the sheet as CSV, which an import reads at any size; calamine runs in a child process bounded
in memory and time (see ``as_csv``).
"""

from __future__ import annotations

import csv
import io
import json
import logging
import math
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any, BinaryIO, cast

from python_calamine import (
    CalamineError,
    CalamineSheet,
    CalamineWorkbook,
    PasswordError,
    SheetTypeEnum,
    SheetVisibleEnum,
)

from rolodex.imports.detect import FileProblem

ZIP, OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0"
MAX_SHEET_BYTES = 512 * 1024 * 1024  # about 650,000 rows of 15 columns of Excel's XML
MAX_MEMORY_BYTES = 2 * 1024 * 1024 * 1024  # the reading process's (about 1 GB at most above)
MAX_SECONDS = 300  # the reading process's, of processor time and in all
_ODS = b"application/vnd.oasis.opendocument.spreadsheet"
_SAVE_AS_CSV = "save the sheet as CSV (File > Save As > CSV UTF-8) and import that"
_log = logging.getLogger("rolodex.imports")


@dataclass
class Sheet:
    """The CSV of a workbook's sheet: a file positioned at its start, and its size."""

    file: BinaryIO
    size: int
    kind: str  # what the workbook is, as said to the user ("an Excel workbook (.xlsx)")
    name: str  # the sheet's
    sheets: list[str]  # the visible sheets holding rows, this one among them or not
    notes: list[str] = field(default_factory=list)


def as_csv(upload: BinaryIO, asked: str | None = None) -> Sheet | None:
    """The CSV of the upload's sheet (``asked``: by its name or number, else the first
    visible sheet holding rows) when the upload is a workbook; None when it is not (it is
    then read as it is: CSV, JSON or NDJSON, or refused by ``detect``). A workbook that
    cannot be read is a FileProblem (415), a sheet it does not have one of field sheet.

    calamine is native code reading a file from anyone, and it holds a sheet as one block of
    its height by its width: a workbook of a few KB with one cell in its last row and one in
    its last column asks for 500 GB, and the process aborts (no Python exception). So it runs
    in a child process (``main``) bounded in memory (MAX_MEMORY_BYTES) and time: the server
    answers 415 instead of dying."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(ZIP):
        kind = _zipped_kind(upload)
        if kind is None:
            return None  # a ZIP archive of something else: detect says so
    elif head.startswith(OLE):
        kind = "an old Excel workbook (.xls)"
    else:
        return None
    with tempfile.TemporaryDirectory(prefix="rolodex-workbook-") as where:
        book, sheet = os.path.join(where, "book"), os.path.join(where, "sheet.csv")
        with open(book, "wb") as copy:
            shutil.copyfileobj(upload, copy, 1024 * 1024)
        upload.seek(0)
        said = _convert(book, sheet, asked, kind, head.startswith(OLE))
        out = open(sheet, "rb")  # noqa: SIM115 (returned open; the directory goes, it stays)
    chosen, holding = str(said["name"]), [str(n) for n in said["sheets"]]
    notes = [f"read as CSV from sheet {chosen!r} of {kind}"]
    others = [n for n in holding if n != chosen]
    if others and asked is None:
        listed = ", ".join(repr(n) for n in others[:5]) + (", ..." if len(others) > 5 else "")
        notes[0] += (
            f", the first of its {len(holding)} sheets holding rows; the others ({listed}) are "
            "not read: choose one as the sheet to read to import it"
        )
    return Sheet(cast(BinaryIO, out), os.fstat(out.fileno()).st_size, kind, chosen, holding, notes)


def _convert(book: str, sheet: str, asked: str | None, kind: str, ole: bool) -> dict[str, Any]:
    """Run ``main`` on the workbook at ``book``, writing its sheet's CSV to ``sheet``; what
    it says of the sheet (its name, the sheets holding rows), or its FileProblem raised."""
    args = [sys.executable, "-m", "rolodex.imports.workbook", book, sheet, asked or "", kind]
    try:
        done = subprocess.run(
            [*args, "1" if ole else ""],
            capture_output=True,
            timeout=MAX_SECONDS,
            check=False,
            env={**os.environ, "RUST_BACKTRACE": "0"},
        )
    except subprocess.TimeoutExpired:
        raise FileProblem(
            f"the file is {kind} that took longer than {MAX_SECONDS} s to read; {_SAVE_AS_CSV}",
            status=415,
        ) from None
    lines = done.stdout.decode("utf-8", "replace").strip().splitlines()
    try:
        said = json.loads(lines[-1]) if done.returncode == 0 and lines else None
    except ValueError:
        said = None
    if not isinstance(said, dict):
        why = done.stderr.decode("utf-8", "replace").strip()
        _log.warning("reading a workbook failed (exit %s): %s", done.returncode, why[:300])
        if done.returncode < 0 or "memory" in why.lower():  # aborted, killed, out of memory
            raise FileProblem(
                f"the file is {kind} that could not be read within "
                f"{MAX_MEMORY_BYTES >> 30} GiB of memory (are its cells spread over a very "
                f"large area: a cell far below or to the right of the rest?); {_SAVE_AS_CSV}",
                status=415,
            )
        last = why.splitlines()[-1][:200] if why else f"exit {done.returncode}"
        raise FileProblem(
            f"the file is {kind} that could not be read ({last}); {_SAVE_AS_CSV}", status=415
        )
    if "problem" in said:
        raise FileProblem(str(said["problem"]), status=int(said["status"]), field=said["field"])
    return said


def main() -> int:
    """The child process of ``as_csv``: ``python -m rolodex.imports.workbook BOOK SHEET
    ASKED KIND OLE`` writes the CSV of the sheet of the workbook BOOK to SHEET, and prints
    what it read (JSON: its name and the sheets holding rows) or why it could not."""
    book, sheet, asked, kind, ole = sys.argv[1:6]
    resource.setrlimit(resource.RLIMIT_AS, (MAX_MEMORY_BYTES, MAX_MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (MAX_SECONDS, MAX_SECONDS))
    try:
        try:
            with open(book, "rb") as f:
                workbook = CalamineWorkbook.from_filelike(f)
            chosen, holding = _sheet(workbook, asked or None)
            if chosen is None:
                raise FileProblem(f"the file is {kind} with no sheet holding a cell", status=415)
            with open(sheet, "wb") as out:
                _write(chosen.iter_rows(), chosen.start[0] if chosen.start else 0, out)
        except PasswordError as exc:
            raise FileProblem(
                f"the file is {kind} protected by a password: remove the password, or "
                f"{_SAVE_AS_CSV}",
                status=415,
            ) from exc
        except CalamineError as exc:
            what = "an Office document that is not a workbook, or one" if ole else kind
            raise FileProblem(
                f"the file is {what} that could not be read ({str(exc)[:200]}); {_SAVE_AS_CSV}",
                status=415,
            ) from exc
    except FileProblem as exc:
        said: dict[str, Any] = {"problem": exc.message, "status": exc.status, "field": exc.field}
    else:
        said = {"name": chosen.name, "sheets": holding}
    sys.stdout.write(json.dumps(said) + "\n")
    return 0


def _zipped_kind(upload: BinaryIO) -> str | None:
    """What a ZIP upload is when it is a workbook (None when not), checked for how large its
    sheets unpack (a few MB of XML can unpack to many GB)."""
    try:
        with zipfile.ZipFile(upload) as archive:
            infos = archive.infolist()
            names = {i.filename for i in infos}
            if "xl/workbook.xml" in names or "xl/workbook.bin" in names:
                ext = ".xlsb" if "xl/workbook.bin" in names else ".xlsx"
                kind = f"an Excel workbook ({ext})"
                sheets = [
                    i
                    for i in infos
                    if i.filename.startswith("xl/worksheets/")
                    or i.filename == "xl/sharedStrings.xml"
                ]
            elif "content.xml" in names and archive.read("mimetype")[:60].startswith(_ODS):
                kind = "an OpenDocument spreadsheet (.ods)"
                sheets = [i for i in infos if i.filename == "content.xml"]
            else:
                _refuse_documents(names)
                return None
    except (zipfile.BadZipFile, KeyError, OSError, EOFError):
        return None
    finally:
        upload.seek(0)
    unpacked = sum(i.file_size for i in sheets)
    if unpacked > MAX_SHEET_BYTES:
        raise FileProblem(
            f"the file is {kind} whose sheets unpack to {unpacked // (1024 * 1024)} MiB, more "
            f"than the {MAX_SHEET_BYTES // (1024 * 1024)} MiB read from a workbook; "
            f"{_SAVE_AS_CSV}",
            status=415,
        )
    return kind


# ZIP archives that are documents no import reads, and what to do instead (detect's message
# for any other ZIP says to upload the file inside it, which is no help for these)
_DOCUMENTS = (
    ("Index/Document.iwa", "an Apple Numbers spreadsheet (or another iWork document), which "
     "no import reads; in Numbers, export it as CSV or Excel (File > Export To) and import "
     "that"),
    ("word/document.xml", "a Word document (.docx), which holds no table an import reads; "
     "copy its table into a spreadsheet and save that as CSV"),
    ("ppt/presentation.xml", "a PowerPoint presentation (.pptx), which holds no table an "
     "import reads"),
)  # fmt: skip


def _refuse_documents(names: set[str]) -> None:
    for member, what in _DOCUMENTS:
        if member in names:
            raise FileProblem(f"the file is {what}", status=415)


def _sheet(book: CalamineWorkbook, asked: str | None) -> tuple[CalamineSheet | None, list[str]]:
    """The sheet ``asked`` for (None: the first visible worksheet holding a cell), and the
    names of the visible worksheets holding a cell. Each sheet is read once (reading one reads
    all its cells)."""
    worksheets = [m for m in book.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
    visible = [m.name for m in worksheets if m.visible == SheetVisibleEnum.Visible]
    wanted = None if asked is None else _named(asked, [m.name for m in worksheets], visible)
    chosen, holding = None, []
    for name in visible:
        sheet = book.get_sheet_by_name(name)
        if sheet.height and sheet.width:
            holding.append(name)
            if chosen is None and wanted is None:
                chosen = sheet
        if name == wanted:
            chosen = sheet
    if wanted is not None:
        chosen = chosen or book.get_sheet_by_name(wanted)  # a hidden one, asked for by name
        if not (chosen.height and chosen.width):
            raise FileProblem(f"sheet {wanted!r} of the workbook holds no cell", field="sheet")
    return chosen, holding


def _named(asked: str, names: list[str], visible: list[str]) -> str:
    """The sheet a name (in any case) or a number (of the visible sheets: 1 is the first tab)
    names; a FileProblem of field sheet when none."""
    given = asked.strip()
    found = next((n for n in names if n == given), None)
    found = found or next((n for n in names if n.casefold() == given.casefold()), None)
    if found is None and given.isdigit() and 1 <= int(given) <= len(visible):
        found = visible[int(given) - 1]
    if found is None:
        listed = ", ".join(repr(n) for n in visible[:20])
        raise FileProblem(
            f"the workbook has no sheet {given!r}; its sheets: {listed}", field="sheet"
        )
    return found


def _write(rows: Any, skipped: int, out: BinaryIO) -> None:
    """The rows as CSV (UTF-8) to ``out``, one line a row; ``skipped`` empty rows above the
    sheet's first, so that lines are the sheet's row numbers."""
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    writer = csv.writer(text, lineterminator="\n")
    text.write("\n" * skipped)
    width = 0  # of the widest row so far (the header, nearly always): rows are padded to it
    for row in rows:
        cells = [v if type(v) is str else cell_text(v) for v in row]
        while cells and not cells[-1]:
            cells.pop()
        width = max(width, len(cells))
        if cells:
            cells += [""] * (width - len(cells))
        writer.writerow(cells)
    text.flush()
    text.detach()


def cell_text(value: Any) -> str:
    """A cell as the spreadsheet shows it (see the module's docstring)."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        if value.is_integer() and abs(value) < 2**53:
            return str(int(value))
        return format(value, ".15g")
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


if __name__ == "__main__":
    sys.exit(main())
