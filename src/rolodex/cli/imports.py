"""rolodex import FILE: import a CSV, JSON or NDJSON file into a tenant, with progress."""

from __future__ import annotations

import os
import socket
import time
from datetime import timedelta
from pathlib import Path
from typing import BinaryIO

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from rolodex.auth.roles import Principal
from rolodex.cli.context import (
    console,
    database,
    err_console,
    handled,
    is_terminal,
    resolve_tenant,
    shown,
)
from rolodex.db import Database
from rolodex.errors import Conflict, InvalidInput
from rolodex.models import ImportRun


def import_command(
    file: Path = typer.Argument(..., help="CSV, JSON or NDJSON file.", exists=True, dir_okay=False),
    tenant: str = typer.Option(..., "--tenant", help="Tenant slug or id."),
    maps: list[str] = typer.Option(
        [],
        "--map",
        help="column=field (repeatable): a field (email, phone, other_phone, ...), "
        "attr.<name> for a custom attribute, or ignore.",
    ),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Report what would happen; write nothing."
    ),
    match: str = typer.Option("update", "--match", help="update, skip or create."),
    overwrite: bool = typer.Option(False, "--overwrite", help="Matched rows replace values."),
    tags: str = typer.Option("", "--tags", help="Tags for every row: a,b."),
    source: str = typer.Option("import", "--source", help="Where the file comes from."),
    format: str | None = typer.Option(None, "--format", help="csv, json or ndjson."),
    encoding: str | None = typer.Option(None, "--encoding", help="utf-8, utf-16 or latin-1."),
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
    batch: int = typer.Option(2000, "--batch", min=1, max=50_000, help="Rows per batch."),
    report: Path | None = typer.Option(
        None,
        "--report",
        dir_okay=False,
        help="Write what each record did (a dry run: would do) to this CSV file.",
    ),  # fmt: skip
    errors: Path | None = typer.Option(
        None, "--errors", dir_okay=False, help="Write every problem of the file to this CSV file."
    ),
) -> None:
    """Import customers from a file (matching existing ones); a progress bar on a terminal."""
    from pydantic import ValidationError

    from rolodex.exports.writers import CsvWriter, stream
    from rolodex.imports import mapping, runner, service
    from rolodex.imports import report as import_report
    from rolodex.imports.schemas import ImportOptions
    from rolodex.kit import runtime

    runtime.tune_gc()
    db = database()
    with handled():
        t = resolve_tenant(db, tenant)
        try:
            options = ImportOptions(
                format=format, encoding=encoding, delimiter=delimiter,
                mapping=mapping.parse_overrides(maps), dry_run=dry_run, match=match,
                overwrite=overwrite, tags=[x for x in tags.split(",") if x.strip()], source=source,
                tag_delimiter=tag_delimiter, date_order=date_order,
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
            raise InvalidInput(f"invalid option {said}") from exc
        outputs = {path: _writable(path) for path in (report, errors) if path is not None}
        principal = Principal(t.id, "admin", "system", "cli:import", "rolodex import")
        size = file.stat().st_size
        with db.session(t.id) as session, file.open("rb") as handle:
            # A job that takes over only if this command dies (its lease then runs out).
            later = timedelta(seconds=runner.LEASE_SECONDS + 30)
            run = service.create_import(
                session, principal, handle, size, file.name, None, options, run_after=later
            )
            run_id = run.id
        for warning in run.warnings:
            err_console.print(f"[yellow]warning:[/yellow] {shown(warning)}", highlight=False)
        _print_mapping(run)
        started = time.monotonic()
        name = f"cli:{socket.gethostname()}:{os.getpid()}"
        try:
            with _reporter(size) as progress, db.session(t.id) as session:
                done = runner.run_import(
                    session, t.id, run_id, runner=name, progress=progress, batch_rows=batch
                )
        except KeyboardInterrupt:
            with db.session(t.id) as session:
                service.cancel(session, principal, run_id)
            err_console.print("interrupted: the import stops here, keeping what is done")
            raise typer.Exit(130) from None
        except runner.Busy:
            # stopped past its lease (Ctrl-Z, a sleeping laptop): its job took the import over
            err_console.print(
                f"this command was stopped longer than its lease ({runner.LEASE_SECONDS}s) "
                f"and a worker has taken the import over; it goes on there, follow it with "
                f"GET /v1/imports/{run_id}",
                highlight=False,
            )
            raise typer.Exit(1) from None
    assert done is not None
    _summary(db, done, time.monotonic() - started, errors)
    for path, out in outputs.items():
        with out:
            if path == report:
                pages = service.row_pages(db, t.id, run_id, [])
                columns = import_report.ROW_COLUMNS
            else:
                pages, columns = service.error_pages(db, t.id, run_id), import_report.ERROR_COLUMNS
            for piece in stream(CsvWriter(columns), pages):
                out.write(piece)
        console.print(f"{'row report' if path == report else 'problems'}: {path}", highlight=False)
    if done.state == "failed":
        raise typer.Exit(1)


def _writable(path: Path) -> BinaryIO:
    """The output file, opened before the import starts: a path it cannot write is said now."""
    try:
        return path.open("wb")
    except OSError as exc:
        raise InvalidInput(f"cannot write {path}: {exc.strerror or exc}") from exc


def _print_mapping(run: ImportRun) -> None:
    parts = [f"{shown(c['name'])} → {c['field']}" for c in run.columns if c.get("field")]
    skipped = [shown(c["name"]) for c in run.columns if not c.get("field")]
    console.print(f"{run.format}, {run.encoding}: " + ", ".join(parts), highlight=False)
    if skipped:
        console.print("not imported: " + ", ".join(skipped), style="dim", highlight=False)


class _reporter:
    """A Rich progress bar (by bytes) on a terminal; a plain line every 10% otherwise."""

    def __init__(self, size: int) -> None:
        self.size = max(size, 1)
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
        if self.bar is not None:
            self.bar.update(self.task, completed=min(run.bytes_read, self.size), rows=run.rows_read)  # type: ignore[arg-type]
            return
        step = int(10 * run.bytes_read / self.size)
        if step != self.step:
            self.step = step
            console.print(
                f"imported {run.rows_read:,} rows ({min(100, step * 10)}%): {run.created:,} "
                f"created, {run.updated:,} updated, {run.failed:,} failed",
                highlight=False,
            )

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.update(self.task, completed=self.size)  # type: ignore[arg-type]
            self.bar.stop()


def _summary(db: Database, run: ImportRun, seconds: float, errors: Path | None) -> None:
    from rolodex.imports import repository

    table = Table(title=("dry run: " if run.dry_run else "") + f"import {run.id}", show_header=True)
    for column in ("rows", "created", "updated", "unchanged", "skipped", "failed", "rows/s"):
        table.add_column(column, justify="right")
    rate = run.rows_read / seconds if seconds > 0 else 0.0
    table.add_row(*(f"{n:,}" for n in (run.rows_read, run.created, run.updated, run.unchanged,
                                       run.skipped, run.failed)), f"{rate:,.0f}")  # fmt: skip
    console.print(table)
    if run.error:
        err_console.print(f"[red]failed:[/red] {shown(run.error)}", highlight=False)
    if run.failed:
        with db.session(run.tenant_id, write=False) as session:
            stmt = repository.errors_query(run.tenant_id, run.id).limit(10)
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
    import uuid

    from rolodex.imports import repository, revert, runner

    db = database()
    with handled():
        t = resolve_tenant(db, tenant)
        try:
            run_id = uuid.UUID(import_id)
        except ValueError as exc:
            raise InvalidInput(f"not an import id: {import_id!r}") from exc
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
            notes = repository.revert_notes(session, t.id, run_id, first)
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
