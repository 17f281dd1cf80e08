"""rolodex import FILE: import a CSV, JSON or NDJSON file into a tenant, with progress."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from datetime import timedelta
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, BinaryIO

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from rolodex.auth.roles import Principal
from rolodex.cli.context import (
    UsageError,
    arrow,
    console,
    database,
    err_console,
    handled,
    is_terminal,
    resolve_tenant,
    rows,
    shown,
)
from rolodex.cli.files import STDOUT, is_regular, writable
from rolodex.db import Database
from rolodex.errors import Conflict, InvalidInput
from rolodex.models import ImportRun

if TYPE_CHECKING:
    from rolodex.imports.schemas import ImportOptions


def import_command(
    file: Path = typer.Argument(
        ...,
        help="CSV, JSON or NDJSON file; - reads it from standard input.",
        dir_okay=False,  # its being there is checked by _input: typer's check takes no "-"
    ),
    tenant: str = typer.Option(..., "--tenant", help="Tenant slug or id."),
    maps: list[str] = typer.Option(
        [],
        "--map",
        help="column=field (repeatable): a field (email, phone, other_phone, ...), "
        "attr.<name> for a custom attribute, attr_name1 and attr_value1 for a column of "
        "attribute names and one of their values, or ignore.",
    ),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Report what would happen; write nothing."
    ),
    match: str = typer.Option("update", "--match", help="update, skip or create."),
    overwrite: bool = typer.Option(
        False,
        "--overwrite",
        help=(
            "Rows matched by email, phone or name replace the values stored (by default "
            "they only fill empty fields). Rows matched by an id (Rolodex's or the --source "
            "tool's) always replace them: the file is that record's source."
        ),
    ),
    tags: str = typer.Option("", "--tags", help="Tags for every row: a,b."),
    source: str = typer.Option("import", "--source", help="Where the file comes from."),
    format: str | None = typer.Option(
        None, "--format", help="csv, json, ndjson or vcard (a .vcf contact list)."
    ),
    encoding: str | None = typer.Option(
        None, "--encoding", help="utf-8, utf-16, latin-1, mac-roman or windows-1250."
    ),
    delimiter: str | None = typer.Option(None, "--delimiter", help="',', ';', tab or '|'."),
    tag_delimiter: str | None = typer.Option(
        None, "--tag-delimiter", help="What separates tags in the tags column (guessed)."
    ),
    date_order: str | None = typer.Option(
        None,
        "--date-order",
        help="day-first or month-first: how to read 03/04/2024 (auto: as the file's other "
        "dates show).",
    ),
    sheet: str | None = typer.Option(
        None,
        "--sheet",
        help="A workbook's sheet to read, by name or number (1: the first); the first visible "
        "sheet holding rows if not given.",
    ),
    batch: int = typer.Option(
        2000,
        "--batch",
        min=1,
        max=50_000,
        help="Rows per batch, at most: on SQLite fewer once a batch holds the database's "
        "write lock over a second (others' writes wait for it).",
    ),
    report: Path | None = typer.Option(
        None,
        "--report",
        dir_okay=False,
        allow_dash=True,
        help="Write what each record did (a dry run: would do) to this CSV file (- for "
        "standard output).",
    ),
    errors: Path | None = typer.Option(
        None,
        "--errors",
        dir_okay=False,
        allow_dash=True,
        help="Write every problem of the file to this CSV file (- for standard output).",
    ),
) -> None:
    """Import customers from a file (matching existing ones); a progress bar on a terminal.

    Exit code: 0 every row imported (or matched and left alone); 3 done, but some rows failed
    (--errors lists them); 1 nothing imported (the file refused, every row failed, an error);
    2 bad usage; 130 or 143 stopped by Ctrl-C or SIGTERM between batches, keeping what is done.
    """
    from rolodex.exports.writers import CsvWriter, stream
    from rolodex.imports import report as import_report
    from rolodex.imports import report_repository, service
    from rolodex.kit import runtime

    runtime.tune_gc()
    db = database()
    with handled(), ExitStack() as stack:
        _check_outputs(file, report, errors)
        if STDOUT in (report, errors):
            stack.enter_context(_human_output_on_stderr())
        options = _options(
            maps, dry_run, match, overwrite, tags, source, format, encoding, delimiter,
            tag_delimiter, date_order, sheet,
        )  # fmt: skip
        handle, size, name = _input(stack, file)
        t = resolve_tenant(db, tenant)
        # a CSV's BOM for a file only, not one piped on (decided before writable opens it)
        boms = {path: is_regular(path) for path in (report, errors) if path}
        outputs = {path: stack.enter_context(writable(path)) for path in (report, errors) if path}
        principal = Principal(t.id, "admin", "system", "cli:import", "rolodex import")
        with _Stop() as stop:  # from here a signal stops the import cleanly
            run = _store(db, principal, handle, size, name, options)
            if stop.signum is not None:  # while the file was read and stored: it never starts
                with db.session(t.id) as session:
                    service.cancel(session, principal, run.id)
                _drop_job(db, t.id, run.job_id)
                err_console.print(
                    f"interrupted before the import started: nothing imported (import {run.id})",
                    highlight=False,
                )
                raise typer.Exit(128 + stop.signum)
            _say(err_console, *(f"[yellow]warning:[/yellow] {shown(w)}" for w in run.warnings))
            _print_mapping(run)
            started = time.monotonic()
            done = _run(db, principal, run, batch, stop)
        _drop_job(db, t.id, run.job_id)
        _summary(db, done, time.monotonic() - started, errors)
        for path, out in outputs.items():
            if path == report:
                pages = report_repository.row_record_pages(db, t.id, run.id, [])
                columns = import_report.ROW_COLUMNS
            else:
                pages = report_repository.error_record_pages(db, t.id, run.id)
                columns = import_report.ERROR_COLUMNS
            for piece in stream(CsvWriter(columns, bom=boms[path]), pages):
                out.write(piece)
            out.flush()
            if path != STDOUT:
                what = "row report" if path == report else "problems"
                _say(console, f"{what}: {shown(str(path))}")
    code = _exit_code(done, stop.signum)
    if code >= 128:
        _say(err_console, _interrupted(done, tenant))
    if code:
        raise typer.Exit(code)


def _check_outputs(file: Path, report: Path | None, errors: Path | None) -> None:
    """--report and --errors each name a file of their own, before anything is written: the
    file being imported named by one of them was replaced by what it wrote."""
    if report is not None and errors is not None and (report == errors or _same(report, errors)):
        raise UsageError(
            "--report and --errors can be - (standard output) one at a time"
            if report == STDOUT
            else "--report and --errors name the same file; give each its own"
        )
    for option, path, what in (("--report", report, "report"), ("--errors", errors, "list")):
        if path is not None and _same(path, file):
            raise UsageError(
                f"{option} names the file being imported; give the {what} its own file"
            )


def _same(a: Path, b: Path) -> bool:
    """Whether two paths name one file: through a link, a hard link or another spelling
    (``./x.csv``, ``x.csv``); paths not both there yet compare resolved. ``-`` (standard
    input or output) is no file."""
    if STDOUT in (a, b):
        return False
    with suppress(OSError):
        return os.path.samefile(a, b)
    try:
        return a.resolve() == b.resolve()
    except (OSError, RuntimeError):  # a loop of links: writing there fails and says so
        return False


def _options(
    maps: list[str],
    dry_run: bool,
    match: str,
    overwrite: bool,
    tags: str,
    source: str,
    format: str | None,
    encoding: str | None,
    delimiter: str | None,
    tag_delimiter: str | None,
    date_order: str | None,
    sheet: str | None,
) -> ImportOptions:
    """The command line's options as the API takes them; a bad one is a UsageError."""
    from pydantic import ValidationError

    from rolodex.imports import mapping
    from rolodex.imports.schemas import ImportOptions

    try:
        overrides = mapping.parse_overrides(maps)
    except InvalidInput as exc:
        raise UsageError(exc.message.replace("mapping:", "--map:", 1)) from exc
    try:
        return ImportOptions(
            format=format, encoding=encoding, delimiter=delimiter, mapping=overrides,
            dry_run=dry_run, match=match, overwrite=overwrite,
            tags=[x for x in tags.split(",") if x.strip()], source=source,
            tag_delimiter=tag_delimiter, date_order=date_order, sheet=sheet,
        )  # fmt: skip
    except ValidationError as exc:
        said = "; ".join(
            f"--{'.'.join(str(p) for p in e['loc']).replace('_', '-')}: "
            + (
                "use day-first, month-first or auto"  # the API's words are day_first...
                if e["loc"] == ("date_order",)
                else str(e["msg"]).removeprefix("Value error, ")
            )
            for e in exc.errors()
        )
        raise UsageError(f"invalid option {said}") from exc


def _input(stack: ExitStack, file: Path) -> tuple[BinaryIO, int, str]:
    """The file to import, its size and name; ``-``: standard input, kept in a temporary
    file (the import is stored before it runs, and its size measures the progress)."""
    if file != STDOUT:
        try:
            handle = stack.enter_context(file.open("rb"))
        except OSError as exc:
            raise UsageError(f"cannot read {file}: {exc.strerror or exc}") from exc
        return handle, os.fstat(handle.fileno()).st_size, file.name
    if sys.stdin is None or sys.stdin.isatty():
        raise UsageError(
            "FILE - reads the file from standard input, and none is piped in "
            "(... | rolodex import - --tenant T); name a file instead"
        )
    spool = stack.enter_context(tempfile.TemporaryFile())  # noqa: SIM115 (the stack closes it)
    shutil.copyfileobj(sys.stdin.buffer, spool, 1024 * 1024)
    return spool, spool.tell(), "stdin"


def _store(
    db: Database,
    principal: Principal,
    handle: BinaryIO,
    size: int,
    name: str,
    options: ImportOptions,
) -> ImportRun:
    from rolodex.imports import runner, service

    with db.session(principal.tenant_id) as session:
        # A job that takes over only if this command dies (its lease then runs out).
        later = timedelta(seconds=runner.LEASE_SECONDS + 30)
        try:
            return service.create_import(
                session, principal, handle, size, name, None, options, run_after=later
            )
        except InvalidInput as exc:
            raise _map_error(exc) or exc from None


def _map_error(exc: InvalidInput) -> UsageError | None:
    """A mapping the file refuses (an unknown field, a column it lacks) is the command line's
    --map, said in its words with exit code 2; None for any other refusal."""
    items = exc.details if isinstance(exc.details, list) else []
    wrong = [
        i for i in items if isinstance(i, dict) and str(i.get("field", "")).startswith("mapping.")
    ]
    if not wrong or len(wrong) != len(items):
        return None
    lines = [f"--map {str(i['field'])[len('mapping.') :]}: {i.get('message')}" for i in wrong]
    return UsageError("; ".join(lines))


def _run(db: Database, principal: Principal, run: ImportRun, batch: int, stop: _Stop) -> ImportRun:
    """Run the import here, now. A signal asks for its cancel at the next batch boundary,
    where the runner stops as for the API's cancel (the import cancelled, its lease given
    up): an interrupt inside a database call could leave SQLite locked for the cancel. A
    second signal stops it at once, and it is cancelled then (``_cancel_now``)."""
    from rolodex.imports import runner, service

    name = f"cli:{socket.gethostname()}:{os.getpid()}"

    def cancel_if_asked() -> None:
        if stop.signum is not None and not stop.asked:
            stop.asked = True
            with db.session(principal.tenant_id) as session:
                service.cancel(session, principal, run.id)

    try:
        try:
            with (
                _reporter(run.size_bytes, cancel_if_asked) as progress,  # a workbook's: its CSV
                db.session(run.tenant_id) as session,
            ):
                done = runner.run_import(
                    session, run.tenant_id, run.id, runner=name, progress=progress, batch_rows=batch
                )
        except BaseException:  # the KeyboardInterrupt, or what its unwinding raised instead
            if not stop.now:
                raise
            done = _cancel_now(db, principal, run, name, stop)
    except runner.Busy:
        # stopped past its lease (Ctrl-Z, a sleeping laptop): its job took the import over
        err_console.print(
            f"this command was stopped longer than its lease ({runner.LEASE_SECONDS}s) "
            f"and a worker has taken the import over; it goes on there, follow it with "
            f"GET /v1/imports/{run.id}",
            highlight=False,
        )
        raise typer.Exit(1) from None
    assert done is not None
    return done


def _cancel_now(
    db: Database, principal: Principal, run: ImportRun, name: str, stop: _Stop
) -> ImportRun:
    """A second signal stopped the import at once, the batch in hand rolled back with its
    session: it is cancelled here as `rolodex imports cancel` cancels it, keeping what earlier
    batches committed. Left running, its job took it over once its lease ran out and imported
    the rest of the file the operator had stopped."""
    from sqlalchemy.exc import SQLAlchemyError

    from rolodex.imports import runner, service

    try:
        with db.session(principal.tenant_id) as session, suppress(Conflict):  # done already
            service.cancel(session, principal, run.id)
        with db.session(run.tenant_id) as session:  # ours still: it finishes as cancelled
            done = runner.run_import(session, run.tenant_id, run.id, runner=name)
    except (SQLAlchemyError, KeyboardInterrupt) as exc:
        why = "stopped again" if isinstance(exc, KeyboardInterrupt) else _first_line(exc)
        err_console.print(
            f"stopped, but the cancel of import {run.id} could not be written ({shown(why)}): "
            f"it is left running, and a worker finishes it once its lease runs out (in "
            f"{runner.LEASE_SECONDS}s at most) unless rolodex imports cancel {run.id} --tenant "
            f"{run.tenant_id} stops it first",
            highlight=False,
        )
        raise typer.Exit(128 + (stop.signum or signal.SIGINT)) from None
    assert done is not None
    return done


def _first_line(exc: Exception) -> str:
    orig = getattr(exc, "orig", None) or exc
    return (str(orig).strip().splitlines() or [type(orig).__name__])[0]


def _drop_job(db: Database, tenant_id: uuid.UUID, job_id: uuid.UUID | None) -> None:
    """The import's stand-by job is not needed once this command has finished it: left
    queued, it showed in `rolodex jobs list` for good where no worker runs."""
    from rolodex.jobs import queue

    if job_id is None:
        return
    with db.session(tenant_id) as session:
        job = queue.lock(session, tenant_id, job_id)
        if job is not None and job.state == "queued":
            queue.complete(job)


def _exit_code(run: ImportRun, signum: int | None) -> int:
    if run.state == "cancelled" and signum is not None:
        return 128 + signum
    if run.state != "done" or (run.rows_read and run.failed == run.rows_read):
        return 1
    return 3 if run.failed else 0


def _interrupted(run: ImportRun, tenant: str) -> str:
    if run.dry_run or not (run.created or run.updated):
        what = "dry run" if run.dry_run else "import"
        return (
            f"interrupted: {what} {run.id} cancelled after {rows(run.rows_read)}; it wrote nothing"
        )
    return (
        f"interrupted: import {run.id} cancelled after {rows(run.rows_read)}; what it did "
        f"is kept ({run.created:,} created, {run.updated:,} updated); undo it with "
        f"rolodex revert-import {run.id} --tenant {shown(tenant)}"
    )


class _Stop:
    """Ctrl-C or SIGTERM while the command works: noted, and acted on where it can stop
    cleanly (between batches); a second one stops it at once (``now``), raising
    KeyboardInterrupt wherever the command is, and the import is cancelled then."""

    def __init__(self) -> None:
        self.signum: int | None = None
        self.asked = False
        self.now = False
        self.old: dict[int, Any] = {}

    def __enter__(self) -> _Stop:
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGINT, signal.SIGTERM):
                self.old[signum] = signal.signal(signum, self._noted)
        return self

    def _noted(self, signum: int, _frame: FrameType | None) -> None:
        if self.signum is not None:
            self.now = True
            raise KeyboardInterrupt
        self.signum = signum
        with suppress(OSError):  # not through sys.stderr: a handler may run inside its write
            os.write(2, b"\nstopping after the batch in hand (again to stop at once)\n")

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self.old.items():
            signal.signal(signum, handler)


@contextmanager
def _human_output_on_stderr() -> Iterator[None]:
    """A report written to standard output: what the command says goes to stderr."""
    console.stderr = True
    try:
        yield
    finally:
        console.stderr = False


def _say(con: Console, *lines: str) -> None:
    for line in lines:
        con.print(line, highlight=False)


def _print_mapping(run: ImportRun) -> None:
    to = arrow()
    parts = [f"{shown(c['name'])} {to} {c['field']}" for c in run.columns if c.get("field")]
    skipped = [shown(c["name"]) for c in run.columns if not c.get("field")]
    lines = [f"{run.format}, {run.encoding}: " + ", ".join(parts)]
    if skipped:
        lines.append("[dim]not imported: " + ", ".join(skipped) + "[/dim]")
    _say(console, *lines)


class _reporter:
    """A Rich progress bar (by bytes) on a terminal; a plain line every 10% otherwise.
    ``between`` runs after each batch, where the import can stop cleanly."""

    def __init__(self, size: int, between: Callable[[], None]) -> None:
        self.size = max(size, 1)
        self.between = between
        self.bar: Progress | None = None
        self.task: object = None
        self.step = -1

    def __enter__(self) -> _reporter:
        if is_terminal():
            self.bar = Progress(
                TextColumn("importing"), BarColumn(), DownloadColumn(),
                TextColumn("{task.fields[rows]:,} rows"), TimeRemainingColumn(), console=console,
            )  # fmt: skip
            self.bar.start()
            self.task = self.bar.add_task("import", total=self.size, rows=0)
        return self

    def __call__(self, run: ImportRun) -> None:
        self.between()
        if self.bar is not None:
            self.bar.update(self.task, completed=min(run.bytes_read, self.size), rows=run.rows_read)  # type: ignore[arg-type]
            return
        step = int(10 * run.bytes_read / self.size)
        if step != self.step:
            self.step = step
            share = f"{rows(run.rows_read)} ({min(100, step * 10)}%)"
            if run.dry_run:  # nothing is imported: the counts are what would happen
                line = (
                    f"dry run: read {share}: {run.created:,} to create, {run.updated:,} to "
                    f"update, {run.failed:,} failing"
                )
            else:
                line = (
                    f"imported {share}: {run.created:,} created, {run.updated:,} updated, "
                    f"{run.failed:,} failed"
                )
            _say(console, line)

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.update(self.task, completed=self.size)  # type: ignore[arg-type]
            self.bar.stop()


def _summary(db: Database, run: ImportRun, seconds: float, errors: Path | None) -> None:
    from rolodex.imports import report_repository

    table = Table(title=("dry run: " if run.dry_run else "") + f"import {run.id}", show_header=True)
    for column in ("rows", "created", "updated", "unchanged", "skipped", "failed", "rows/s"):
        table.add_column(column, justify="right")
    rate = run.rows_read / seconds if seconds > 0 else 0.0
    table.add_row(*(f"{n:,}" for n in (run.rows_read, run.created, run.updated, run.unchanged,
                                       run.skipped, run.failed)), f"{rate:,.0f}")  # fmt: skip
    console.print(table)
    with db.session(run.tenant_id, write=False) as session:
        kept = report_repository.count_conflicts(session, run.tenant_id, run.id)
    # counted among updated or unchanged: a row whose every differing value was kept is
    # "unchanged", though the file said otherwise
    console.print(
        f"values kept: {kept:,} (rows that kept a stored value over the file's; --overwrite "
        "replaces them, the row report lists them)",
        highlight=False,
    )
    if run.error:
        err_console.print(f"[red]failed:[/red] {shown(run.error)}", highlight=False)
    if run.failed:
        with db.session(run.tenant_id, write=False) as session:
            stmt = report_repository.errors_query(run.tenant_id, run.id).limit(10)
            for e in session.scalars(stmt.order_by("row_no", "seq")):
                console.print(
                    f"  row {e.row_no} (line {e.line}) {shown(e.column or e.field or '')}: "
                    f"{shown(e.reason)}",
                    highlight=False,
                )
        if errors is None:
            console.print(
                f"all of them: --errors FILE, or GET /v1/imports/{run.id}/errors?format=csv",
                style="dim",
                highlight=False,
            )
    console.print(f"state {run.state} in {seconds:.1f}s", highlight=False)


def revert_command(
    import_id: str = typer.Argument(..., help="The import's id."),
    tenant: str = typer.Option(..., "--tenant", help="Tenant slug or id."),
) -> None:
    """Undo an import: customers it created are removed, fields it changed get their previous
    values back, except what changed since (listed). Run it again after a partial revert to
    revert what has become revertible since."""
    from rolodex.cli.import_runs import import_uuid
    from rolodex.imports import report_repository, repository, revert, runner

    db = database()
    with handled():
        run_id = import_uuid(import_id, tenant)
        t = resolve_tenant(db, tenant)
        principal = Principal(t.id, "admin", "system", "cli:revert", "rolodex revert-import")
        with db.session(t.id) as session:
            revert.request(session, principal, run_id, job=False)
        name = f"cli:{socket.gethostname()}:{os.getpid()}"
        try:
            with db.session(t.id) as session:  # here, now (run again after a crash: it resumes)
                revert.run_revert(session, t.id, run_id, name)
        except runner.Busy as exc:
            until = f" until {exc.until:%Y-%m-%d %H:%M:%S} UTC at least" if exc.until else ""
            raise Conflict(
                f"the revert is running elsewhere (a worker or another revert-import){until}; "
                f"follow it with GET /v1/imports/{run_id}, or run this again once it has stopped"
            ) from exc
        with db.session(t.id, write=False) as session:
            run = repository.get(session, t.id, run_id)
            assert run is not None
            whole = run.revert_state == "done"
            console.print(
                f"import {run.id} {'reverted' if whole else 'partly reverted'}: "
                f"{run.reverted:,} customers reverted, {run.revert_partly:,} partly reverted, "
                f"{run.revert_kept:,} kept",
                highlight=False,
            )
            first = 20
            notes = report_repository.revert_notes(session, t.id, run_id, first)
            for row in notes:
                what = "kept" if row.revert == "kept" else "partly reverted"
                console.print(
                    f"  row {row.row_no} {what}: {shown(row.revert_reason or '')}", highlight=False
                )
            if len(notes) == first:
                console.print(
                    f"all of them: GET /v1/imports/{run.id}/rows?revert=kept",
                    style="dim",
                    highlight=False,
                )
            if not whole:
                console.print(
                    "what was kept changed since the import; once that is undone too (a later "
                    "import reverted, say), run this again to revert it",
                    style="dim",
                    highlight=False,
                )
