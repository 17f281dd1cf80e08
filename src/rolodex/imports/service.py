"""Import use cases: sniff and store an upload, preview it, read progress, cancel. Take the
session first, never commit (the runner, which commits per batch, is in runner.py).

The upload is stored in the database (``import_chunks``, 1 MiB pieces) in the transaction
that creates the import: every worker can read it wherever it runs (API processes are
stateless, workers may be on other machines), it survives crashes and restarts with the
import, and PostgreSQL's row-level security covers it like any tenant row. Pieces are
dropped when the import ends.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, BinaryIO

from sqlalchemy.orm import Session

from rolodex.auth.roles import Permission, Principal
from rolodex.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    RolodexError,
    UnsupportedMediaType,
    field_error,
)
from rolodex.exports import service as exports
from rolodex.identity.normalize import DOB_ATTRIBUTES
from rolodex.imports import dates, mapping, report, repository, stall, workbook
from rolodex.imports.cells import storable
from rolodex.imports.csv_lines import MAX_RECORD_CHARS
from rolodex.imports.detect import SAMPLE_BYTES, Detected, FileProblem, delimiter_hint, detect
from rolodex.imports.layout import title_lines, unnamed
from rolodex.imports.reader import Reader, Record, header_line, vcard_groups
from rolodex.imports.rows import RowError
from rolodex.imports.runner import Converter
from rolodex.imports.schemas import (
    ColumnOut,
    ImportOptions,
    ImportOut,
    PreviewOut,
    PreviewRow,
    Progress,
    RevertOut,
    RowErrorOut,
)
from rolodex.jobs import queue
from rolodex.kit import pagination, request_meta
from rolodex.kit.ids import new_id
from rolodex.kit.time import utcnow
from rolodex.models import ImportRow, ImportRowError, ImportRun, Tenant

KIND = "import.run"
CHUNK_BYTES = 1024 * 1024
PREVIEW_ROWS = 20
SAMPLE_RECORDS = 50
# how far a JSON file is read for its first whole record: one of MAX_RECORD_CHARS (each
# character up to four bytes of UTF-8), and a sample after it
JSON_SAMPLE_BYTES = 4 * MAX_RECORD_CHARS + SAMPLE_BYTES
NOTHING_MAPPED = (
    "No column is mapped to a customer field yet: choose a field or a custom attribute for "
    "each column to import (mapping column=field); an import refuses the file as it is"
)


def problem(exc: FileProblem) -> RolodexError:
    detail = [{"field": exc.field, "message": exc.message}]
    if exc.status == 415:
        return UnsupportedMediaType(exc.message, details=detail)
    return InvalidInput(f"{exc.field}: {exc.message}", details=detail)


@dataclass
class Sniffed:
    detected: Detected
    header: list[str] | None
    mapping: mapping.Mapping
    records: list[Record]
    options: dict[str, Any]
    notes: list[str]  # warnings of how the file was read


@dataclass
class Upload:
    """What an import reads: the upload, or a workbook's sheet as CSV (``sheet``), with the
    options that read it and notes saying how it was read."""

    file: BinaryIO
    size: int
    options: ImportOptions
    sheet: workbook.Sheet | None
    notes: list[str]

    def __enter__(self) -> Upload:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.sheet is not None:  # the upload itself is its caller's
            self.file.close()


def _readable(upload: BinaryIO, size: int, options: ImportOptions) -> Upload:
    try:
        sheet = workbook.as_csv(upload, options.sheet)
    except FileProblem as exc:
        raise problem(exc) from exc
    if sheet is None:
        notes = ["sheet not used: the file is no workbook"] if options.sheet else []
        return Upload(upload, size, options, None, notes)
    notes = sheet.notes
    given = [n for n in ("format", "encoding", "delimiter") if getattr(options, n)]
    if given:
        notes.append(f"{', '.join(given)} not used: the file is {sheet.kind}")
    read = options.model_copy(update={"format": "csv", "encoding": "utf-8", "delimiter": ","})
    return Upload(sheet.file, sheet.size, read, sheet, notes)


def sniff(
    upload: BinaryIO,
    size: int,
    filename: str | None,
    options: ImportOptions,
    *,
    mapped: bool = True,
    sheet: workbook.Sheet | None = None,
) -> Sniffed:
    """Detect the file's kind, read its header (or first documents) and resolve the mapping;
    a file that cannot be imported at all is a 415 or 422 here, before anything is stored
    (one no column of which maps too, when ``mapped``)."""
    upload.seek(0)
    sample = upload.read(SAMPLE_BYTES)
    whole = len(sample) >= size
    try:
        detected = detect(
            sample,
            total_size=size,
            filename=filename,
            format=options.format,
            encoding=options.encoding,
            delimiter=options.delimiter,
        )
        detected = replace(detected, sheet=sheet is not None)  # a workbook's (``_readable``)
        reader = Reader([sample], detected, groups=vcard_groups([sample], detected))
        header = reader.header() if detected.format == "csv" else None
        line = None
        if header is not None:
            line = header_line(sample, detected, lambda row: _maps(row, options.mapping))
        if line is not None:  # below title lines, which are skipped
            reader = Reader([sample], detected, header_line=line)
            header = reader.header()
        records, keys = _sampled(reader, header is not None, whole)
        while header is None and not records and not whole and len(sample) < JSON_SAMPLE_BYTES:
            # A JSON record longer than the sample (a long note): read on to its end, rather
            # than find no key in the sample and refuse the file as mapping no column.
            sample += upload.read(min(len(sample), JSON_SAMPLE_BYTES - len(sample)))
            whole = len(sample) >= size
            reader = Reader([sample], detected, groups=vcard_groups([sample], detected))
            records, keys = _sampled(reader, False, whole)
    except FileProblem as exc:
        raise problem(exc) from exc
    if whole and not records:
        what = "a header row and no data rows" if header is not None else "no records"
        raise InvalidInput(
            f"file: the file has {what}", details=[{"field": "file", "message": f"has {what}"}]
        )
    if header is None:
        if records and all(r.cells is None for r in records):
            # Not one record of the sample could be read (a CSV named .ndjson, say): say why
            # rather than that no column could be mapped.
            why = f"no record of the file's start could be read as {detected.format.upper()}"
            raise InvalidInput(
                f"file: {why}; the first: {records[0].problem}",
                details=[{"field": "file", "message": why, "value": records[0].problem}],
            )
        names = list(keys)
    else:
        names = header
    # Records of a JSON file differ: a key the sample lacks may be mapped (a later record has it)
    resolved = mapping.resolve(names, options.mapping, open_columns=header is None)
    if mapped and not resolved.used():
        hint = delimiter_hint(header, detected) if header is not None else None
        raise InvalidInput(
            "mapping: no column of the file could be mapped to a customer field; map them "
            f"with mapping (column=field){f'; {hint}' if hint else ''}",
            details=[{"field": "mapping", "message": "no column mapped", "value": names[:50]}],
        )
    stored: dict[str, Any] = {
        "match": options.match,
        "overwrite": options.overwrite,
        "tags": options.tags,
        "source": options.source,
        "tag_delimiter": options.tag_delimiter,
        "newline": detected.newline,
        "overrides": options.mapping,
        # the order of the file's slashed dates: as asked, else as its sample shows it, else
        # as its headers name it ("Date of Birth (DD/MM/YYYY)"), else as its birthdays
        # without a year show it (12/31), else month first in a Mailchimp export (its
        # birthdays are month/day, 04/12; its other dates ISO)
        "day_first": (
            options.date_order == "day_first"
            if options.date_order is not None
            else _first_known(
                dates.order_of(
                    cell for r in records for cell in _cells(r.cells) if isinstance(cell, str)
                ),
                dates.order_named(names),
                dates.order_of(_birthdays(records, resolved), years=False),
                False if mapping.mailchimp([mapping.normal(n) for n in names]) else None,
            )
        ),
        "date_order": options.date_order,
    }
    if sheet is not None:
        stored["sheet"] = sheet.name
    notes = []
    if line is not None:
        stored["header_line"] = line
        notes.append(title_lines(reader.skipped, line))
    if header is not None:
        cells = [r.cells for r in records if isinstance(r.cells, list)]
        left_out = unnamed(header, resolved.columns, resolved.how, cells)
        notes += [left_out] if left_out else []
    return Sniffed(detected, header, resolved, records, stored, notes)


def _sampled(reader: Reader, csv: bool, whole: bool) -> tuple[list[Record], dict[str, None]]:
    """The first records of a sample (SAMPLE_RECORDS of them), and (JSON) the keys of every
    record in it; the last record is left out when the sample may end inside it."""
    records: list[Record] = []
    keys: dict[str, None] = {}
    try:
        for record in reader:
            if isinstance(record.cells, dict):
                keys.update(dict.fromkeys(record.cells))
            if len(records) < SAMPLE_RECORDS:
                records.append(record)
            elif csv:
                break
    except FileProblem:
        if whole:
            raise
    if not whole and records and records[-1].problem:
        records.pop()  # the sample may end inside the last record
    return records, keys


def _first_known(*orders: bool | None) -> bool | None:
    return next((o for o in orders if o is not None), None)


def _maps(row: list[str], overrides: dict[str, str] | None) -> int:
    """How many columns of a line of the file map like a header's?"""
    try:
        return len(mapping.resolve(row, overrides).used())
    except InvalidInput:  # the mapping names columns this line lacks
        return 0


def _birthdays(records: list[Record], resolved: mapping.Mapping) -> Iterator[Any]:
    """The cells of a sample's columns mapped to a birth date attribute."""
    births = [
        (i, c) for i, c, f in resolved.used() if f.startswith("attr.") and f[5:] in DOB_ATTRIBUTES
    ]
    for record in records:
        for i, column in births:
            if isinstance(record.cells, list):
                yield record.cells[i] if i < len(record.cells) else None
            elif isinstance(record.cells, dict):
                yield record.cells.get(column)


def _cells(cells: Any) -> list[Any]:
    if isinstance(cells, list):
        return cells
    return list(cells.values()) if isinstance(cells, dict) else []


def _columns(resolved: mapping.Mapping) -> list[dict[str, Any]]:
    return [
        {"name": storable(c), "field": f if f != mapping.IGNORE else None, "how": h}
        for c, f, h in zip(resolved.columns, resolved.fields, resolved.how, strict=True)
    ]


def create_import(
    session: Session,
    principal: Principal,
    upload: BinaryIO,
    size: int,
    filename: str | None,
    content_type: str | None,
    options: ImportOptions,
    *,
    run_after: timedelta | None = timedelta(0),
) -> ImportRun:
    """Store the upload and its import; queue the job that runs it (``run_after`` from now;
    None: no job, the caller runs it). The request it comes in (none from the CLI) is kept
    with it: its audit entries, written by the job, say where the change came from."""
    _may_import(principal, options)
    read = _readable(upload, size, options)
    with read:  # a workbook's sheet as CSV: its file closed once stored
        upload, size, options = read.file, read.size, read.options
        sniffed = sniff(upload, size, filename, options, sheet=read.sheet)
        now = utcnow()
        where = request_meta.current()
        run = ImportRun(
            tenant_id=principal.tenant_id,
            id=new_id(),
            state="queued",
            dry_run=options.dry_run,
            filename=storable((filename or "upload")[:300]),
            content_type=storable(content_type[:200]) if content_type else None,
            size_bytes=size,
            format=sniffed.detected.format,
            encoding=sniffed.detected.encoding,
            delimiter=sniffed.detected.delimiter,
            options=sniffed.options,
            columns=_columns(sniffed.mapping),
            mapping={storable(k): v for k, v in sniffed.mapping.as_dict().items()},
            warnings=[
                storable(w)
                for w in (
                    *read.notes,
                    *sniffed.detected.warnings,
                    *sniffed.notes,
                    *sniffed.mapping.warnings,
                )
            ],
            actor_type=principal.actor_type,
            actor_id=principal.actor_id,
            actor_name=principal.name[:200],
            actor_role=principal.role,
            ip=where.ip,
            user_agent=where.user_agent,
            created_at=now,
            updated_at=now,
            rows_read=0,
            created=0,
            updated=0,
            unchanged=0,
            skipped=0,
            failed=0,
            problems=0,
            bytes_read=0,
            reverted=0,
            revert_kept=0,
            revert_partly=0,
        )
        session.add(run)
        session.flush()
        upload.seek(0)
        digest, seq = hashlib.sha256(), 0
        while data := upload.read(CHUNK_BYTES):
            digest.update(data)
            repository.add_chunk(session, run.tenant_id, run.id, seq, data)
            seq += 1
        run.chunk_count, run.sha256 = seq, digest.hexdigest()
        if run_after is not None:
            job = queue.enqueue(
                session, run.tenant_id, KIND, {"import_id": str(run.id)}, run_at=now + run_after
            )
            run.job_id = job.id
        session.flush()
        return run


def preview(
    session: Session,
    tenant_id: uuid.UUID,
    upload: BinaryIO,
    size: int,
    filename: str | None,
    options: ImportOptions,
) -> PreviewOut:
    """What the file looks like to an import: kind, columns and their fields, the first rows
    as they would be read, with their errors. Nothing is stored."""
    from rolodex.imports.batch import phone_of

    # a file no column of which maps is shown all the same, for its columns to be mapped
    with _readable(upload, size, options) as read:
        sniffed = sniff(
            read.file, read.size, filename, read.options, mapped=False, sheet=read.sheet
        )
    tenant = session.get(Tenant, tenant_id)
    region = tenant.default_region if tenant else "US"
    converter = Converter(
        sniffed.detected.format,
        sniffed.options,
        sniffed.mapping.as_dict(),
        sniffed.header,
        region,
    )
    out_rows = []
    for record in sniffed.records[:PREVIEW_ROWS]:
        o = converter.outcome(record)
        values: dict[str, Any] = {}
        errors = list(o.errors)
        if o.prep is not None:
            values = _preview_values(o.prep)
            if o.prep.data.phone:
                number, read_in = phone_of(o.prep, region)
                if number is None:
                    reason = f"not a valid phone number (read with the region {read_in})"
                    errors.append(RowError(reason, "phone"))
        out_rows.append(
            PreviewRow(
                row=record.row_no,
                line=record.line,
                values=values,
                errors=[_error_out(record, e, converter.columns) for e in errors],
            )
        )
    unmapped = [] if sniffed.mapping.used() else [NOTHING_MAPPED]
    hint = delimiter_hint(sniffed.header, sniffed.detected) if sniffed.header else None
    unmapped += [hint] if unmapped and hint else []
    return PreviewOut(
        format=sniffed.detected.format,
        encoding=sniffed.detected.encoding,
        delimiter=sniffed.detected.delimiter,
        sheet=read.sheet.name if read.sheet else None,
        sheets=read.sheet.sheets if read.sheet else [],
        columns=[ColumnOut(**c) for c in _columns(sniffed.mapping)],
        warnings=[
            *read.notes,
            *sniffed.detected.warnings,
            *sniffed.notes,
            *sniffed.mapping.warnings,
            *unmapped,
        ],
        rows=out_rows,
        fields=mapping.field_names(),
    )


def _preview_values(prep: Any) -> dict[str, Any]:
    """What a record would set, as the preview shows it: the API's fields and the import's
    own (external id, id, LTV, created_at, consent, sources)."""
    values: dict[str, Any] = prep.data.model_dump(mode="json", exclude_unset=True,
                                                  exclude_none=True)  # fmt: skip
    extras = {"external_id": prep.external_id, "id": prep.record_id, "ltv": prep.ltv,
              "created_at": prep.created_at, **prep.consent}  # fmt: skip
    for name, value in extras.items():
        if value is not None:
            values[name] = value.isoformat() if isinstance(value, datetime) else str(value)
    if prep.sources:
        values["sources"] = [f"{s}:{e}" if e is not None else s for s, e in prep.sources]
    return values


def _error_out(record: Record, err: RowError, columns: dict[str, str]) -> RowErrorOut:
    return RowErrorOut(
        row=record.row_no,
        line=record.line,
        column=err.column or columns.get(err.field or ""),
        field=err.field,
        value=err.value,
        reason=err.reason,
    )


def get_import(session: Session, tenant_id: uuid.UUID, import_id: uuid.UUID) -> ImportRun:
    run = repository.get(session, tenant_id, import_id)
    if run is None:
        raise NotFound(f"no import {import_id}")
    return run


ERROR_KEYS = [
    pagination.SortKey("row", ImportRowError.row_no, False),
    pagination.SortKey("seq", ImportRowError.seq, False),
]
ROW_KEYS = [pagination.SortKey("row", ImportRow.row_no, False)]


def parse_actions(action: str | None) -> list[str]:
    """``create,update`` → the row report's actions to show (none: all of them)."""
    actions = [a.strip() for a in (action or "").split(",") if a.strip()]
    for a in actions:
        if a not in report.ACTIONS:
            raise field_error("action", "one of " + ", ".join(report.ACTIONS), a)
    return actions


def record_download(
    session: Session,
    principal: Principal,
    import_id: uuid.UUID,
    report_name: str,
    selection: dict[str, Any] | None = None,
) -> None:
    """Who downloaded an import's report as CSV (it holds customers' data, as an export
    does): audited as an export, naming the import, the report and the rows chosen."""
    exports.audit_export(
        session,
        principal,
        {"format": "csv", "report": report_name, "import_id": str(import_id),
         "filter": {k: v for k, v in (selection or {}).items() if v}},
    )  # fmt: skip


def _may_import(principal: Principal, options: ImportOptions) -> None:
    """An import that updates the customers it matches changes them: that takes the write
    permission, which an ``ingest`` key (create only, for integrations) lacks. It may import
    leaving matched customers as they are, or creating only. A dry run writes nothing."""
    if options.dry_run or options.match != "update" or principal.can(Permission.WRITE):
        return
    raise Forbidden(
        f"the {principal.role} role cannot update existing customers (needs write): import "
        "with match skip (matched customers are left as they are) or create",
        details={"role": principal.role, "needs": Permission.WRITE.value, "match": "update"},
    )


def cancel(session: Session, principal: Principal, import_id: uuid.UUID) -> ImportRun:
    """Stop at the next batch boundary, keeping what is done (a queued import stops now).
    Only a principal that may see imports may stop one (and it is answered with the import);
    an ``ingest`` key starts imports blind."""
    if not principal.can(Permission.READ):
        raise Forbidden(
            f"the {principal.role} role cannot see imports, nor stop one (needs read)",
            details={"role": principal.role, "needs": Permission.READ.value},
        )
    run = repository.lock(session, principal.tenant_id, import_id)
    if run is None:
        raise NotFound(f"no import {import_id}")
    if run.state in ("done", "failed"):
        what = "dry run" if run.dry_run else "import"
        raise Conflict(
            f"the {what} is {run.state} already; {_undo(run)}",
            details={"state": run.state, "revert": run.revert_state},
        )
    now = utcnow()
    if run.cancel_requested_at is None:
        run.cancel_requested_at = now
    if run.state == "queued":
        run.state, run.finished_at = "cancelled", now
        repository.drop_chunks(session, run.tenant_id, run.id)
    run.updated_at = now
    session.flush()
    return run


def _undo(run: ImportRun) -> str:
    """What may undo a finished import, by where its revert stands: told to revert one that
    was reverted already (or is being reverted), the caller got a 409 or a second pass."""
    if run.dry_run:
        return "a dry run writes nothing, so there is nothing to stop or undo"
    return {
        None: "revert it to undo what it did",
        "queued": "its revert is queued, to undo what it did",
        "running": "it is being reverted",
        "partial": "it was reverted in part (what changed since was kept); revert it again to "
        "undo what has become revertible since",
        "done": "it was reverted already: nothing it did is left",
    }.get(run.revert_state, "revert it to undo what it did")


UNFINISHED_SHARE = 0.99


def read_out(session: Session, run: ImportRun, errors_count: int | None = None) -> ImportOut:
    """``to_out`` with the job that gave up on the import, when one did."""
    job = repository.gave_up(session, run)
    return to_out(run, errors_count, job.id if job is not None else None)


def to_out(
    run: ImportRun, errors_count: int | None = None, gave_up: uuid.UUID | None = None
) -> ImportOut:
    now = utcnow()
    end: datetime = run.finished_at or now
    # at least 0: a worker whose clock runs ahead of this process stamps started_at in its future
    elapsed = max(0.0, (end - run.started_at).total_seconds()) if run.started_at else None
    rate = run.rows_read / elapsed if elapsed and elapsed > 0 else None
    done = run.state in ("done", "failed", "cancelled")
    # The bytes read run ahead of the rows (64 KiB at a time): an unfinished import reads at
    # most 99%, never 100% with rows still waiting (a small file is read whole at once).
    share = (
        1.0
        if run.state == "done"
        else min(run.bytes_read / run.size_bytes if run.size_bytes else 0.0, UNFINISHED_SHARE)
    )
    stalled = stall.stalled_since(run, now)
    eta = None
    if run.state == "running" and stalled is None and elapsed and 0 < share < 1:
        eta = round(elapsed * (1 - share) / share, 1)
    base = f"/v1/imports/{run.id}"
    return ImportOut(
        id=run.id,
        state=run.state,
        dry_run=run.dry_run,
        filename=run.filename,
        format=run.format,
        encoding=run.encoding,
        delimiter=run.delimiter,
        options={k: v for k, v in (run.options or {}).items() if k != "newline"},
        columns=[ColumnOut(**c) for c in run.columns or []],
        progress=Progress(
            rows_read=run.rows_read,
            created=run.created,
            updated=run.updated,
            unchanged=run.unchanged,
            skipped=run.skipped,
            failed=run.failed,
            bytes_read=run.bytes_read,
            size_bytes=run.size_bytes,
            percent=round(100.0 * share, 1),
            rows_per_second=round(rate, 1) if rate is not None else None,
            eta_seconds=None if done else eta,
            elapsed_seconds=round(elapsed, 3) if elapsed is not None else None,
        ),
        warnings=run.warnings or [],
        error=run.error,
        errors_count=errors_count if errors_count is not None else run.problems,
        cancel_requested_at=run.cancel_requested_at,
        created_at=run.created_at,
        started_at=run.started_at,
        finished_at=run.finished_at,
        stalled_since=stalled,
        gave_up_job_id=gave_up,
        revert=RevertOut(
            state=run.revert_state,
            reverted=run.reverted,
            partly=run.revert_partly,
            kept=run.revert_kept,
            started_at=run.revert_started_at,
            finished_at=run.revert_finished_at,
        ),
        links={
            "self": base,
            "errors": f"{base}/errors",
            "errors_csv": f"{base}/errors?format=csv",
            "rows": f"{base}/rows",
            "cancel": f"{base}/cancel",
            "revert": f"{base}/revert",
        },
    )
