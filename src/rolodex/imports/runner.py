"""Run an import: read the stored file, convert, match and write it batch by batch.

Each batch commits its customers together with the import's progress (``rows_read`` is the
committed offset), so a crash loses at most the batch in hand and a restarted run goes on from
the offset without writing a row twice. Cancellation is checked between batches. The runner
holds a lease on the import (renewed every batch), so two runners never work on one import:
a worker and `rolodex import` may both try; the second waits or stops.

The runner commits the session it is given (between batches and at the end).
"""

from __future__ import annotations

import gc
import logging
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import islice
from typing import Any

from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from rolodex.auth.roles import Principal
from rolodex.identity import repository as identity_repository
from rolodex.imports import cells, mapping, repository, rows, writes
from rolodex.imports.batch import Batch
from rolodex.imports.detect import Detected, FileProblem
from rolodex.imports.outcome import Context, Outcome, Stale
from rolodex.imports.reader import MAX_COLUMNS, Reader, Record, vcard_groups
from rolodex.kit.stats import Growth
from rolodex.kit.time import utcnow
from rolodex.models import ImportRun, Tenant

log = logging.getLogger("rolodex.imports")

BATCH_ROWS = 2000
LEASE_SECONDS = 120
TRIES = 3
WRITER_PAUSE = 0.1  # seconds without the lock between batches on SQLite: longer than its
# busy handler's naps. The next batch's rows are converted in it (see run_import).
# On SQLite a batch holds the database's one write lock from its lookups to its commit, and
# every other write waits (a user saving a customer in the dashboard). A batch of 2,000 rows
# holds it about 1 s into an empty tenant but 4-5 s at a million customers: there the batches
# get fewer rows, as many as their rows' recent cost says fit in LOCK_TARGET (``Sizer``).
LOCK_TARGET = 1.0
MIN_BATCH_ROWS = 100
FINISHED = ("done", "failed", "cancelled")
# The tables an import fills, the first measured for its growth (``kit.stats.Growth``).
FILLS = (
    "customers",
    "customer_addresses",
    "customer_tags",
    "customer_sources",
    "customer_search",
    "audit_log",
    "audit_subject_keys",
    "import_rows",
    "import_errors",
    "duplicate_candidates",
    "identity_matches",
    "ltv_ledger",
    "stage_transitions",
)
DRY_RUN_FILLS = ("import_overlay", "import_keys", "import_rows", "import_errors")
Progress = Callable[[ImportRun], None]


class Busy(Exception):
    """Another runner holds the import's lease until ``until``."""

    def __init__(self, until: Any) -> None:
        super().__init__(f"another runner works on this import until {until}")
        self.until = until


def principal_of(run: ImportRun) -> Principal:
    return Principal(run.tenant_id, run.actor_role, run.actor_type, run.actor_id, run.actor_name)


class Converter:
    """Records → Outcomes with their Prepared data (or errors), by the run's mapping."""

    def __init__(
        self,
        format: str,
        options: dict[str, Any],
        stored: dict[str, str],
        header: list[str] | None,
        region: str | None = None,
    ) -> None:
        self.options = rows.Options(
            default_tags=tuple(options.get("tags") or ()),
            tag_delimiter=options.get("tag_delimiter"),
            day_first=options.get("day_first"),
            is_csv=format == "csv",
            region=region,
        )
        self.stored = stored
        self.overrides: dict[str, str] = {}
        for k, v in (options.get("overrides") or {}).items():
            self.overrides.setdefault(k.strip().lower(), v)
            self.overrides.setdefault(mapping.normal(k), v)
        self.columns: dict[str, str] = {}  # field → column, for the error report
        self.used: list[tuple[int, str, str]] = []
        if header is not None:
            for i, column in enumerate(mapping.unique_headers(header)):
                target = stored.get(column)
                if target and target != mapping.IGNORE:
                    self.used.append((i, column, target))
                    self.columns.setdefault(target, column)
        self._keys: dict[str, str | None] = {}

    def field_for(self, key: str) -> str | None:
        if key not in self._keys:
            # The resolved mapping first: it matched overrides by normal name ("loyalty_tier"
            # is "Loyalty Tier") and settled which of two keys guessing one field fills it.
            raw = self.overrides.get(key.strip().lower(), self.overrides.get(mapping.normal(key)))
            if key in self.stored:
                target: str | None = self.stored[key]
            elif raw is not None:
                target = mapping.target_of(raw)
            else:
                target = mapping.guess(key)[0]
            self._keys[key] = None if target in (None, mapping.IGNORE) else target
            if self._keys[key]:
                self.columns.setdefault(str(self._keys[key]), key)
        return self._keys[key]

    def mapped_keys(self) -> list[tuple[str, str]]:
        """(key, field) of the JSON keys read so far that fill a field."""
        return [(k, f) for k, f in self._keys.items() if f]

    def outcome(self, record: Record) -> Outcome:
        o = Outcome(record)
        if record.cells is None:
            o.errors.append(rows.RowError(record.problem or "unreadable row"))
            return o
        cells: list[tuple[str, str, Any]]
        if isinstance(record.cells, list):
            values = record.cells
            cells = [(f, c, values[i]) for i, c, f in self.used]
        else:
            seen: set[str] = set()
            cells = []
            # The keys the mapping chose first: a key it left out for another filling the
            # same field (accepts_marketing beside email_marketing_consent.state) fills it
            # only in a record without the chosen one (a file whose records name it otherwise).
            chosen = sorted(record.cells.items(), key=lambda item: item[0] not in self.stored)
            for key, value in chosen:
                target = self.field_for(key)
                if target is None or (target in seen and target not in mapping.MULTI):
                    continue
                seen.add(target)
                cells.append((target, key, value))
            o.cells = cells
        if not any(_present(v) for _, _, v in cells):
            o.note = "empty row"
            return o
        try:
            result = rows.read(record.row_no, record.line, cells, self.options)
        except Exception:
            result = [rows.unforeseen(record.row_no)]
        if isinstance(result, list):
            o.errors = result
        else:
            o.prep = result
            o.note = "; ".join(result.notes) or None  # how a cell was read (dates)
        return o


def _present(value: Any) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    return value not in (None, [], {})


def context(session: Session, run: ImportRun) -> Context:
    tenant = session.get(Tenant, run.tenant_id)
    region = tenant.default_region if tenant else "US"
    limits = identity_repository.thresholds(session, run.tenant_id)
    options = run.options or {}
    return Context(
        tenant_id=run.tenant_id,
        import_id=run.id,
        principal=principal_of(run),
        region=region,
        auto_merge=limits.auto_merge,
        review=limits.review,
        mode=options.get("match", "update"),
        overwrite=bool(options.get("overwrite")),
        dry_run=run.dry_run,
        source=options.get("source") or "import",
    )


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """A batch makes hundreds of thousands of small containers that all live until it ends;
    with the default thresholds the collector walks the whole heap again and again for
    them (a tenth of the import's time). Collect less often while the import runs."""
    old = gc.get_threshold()
    gc.set_threshold(max(old[0], 50_000), *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)


def run_import(
    session: Session,
    tenant_id: uuid.UUID,
    import_id: uuid.UUID,
    *,
    runner: str,
    job_id: uuid.UUID | None = None,
    progress: Progress | None = None,
    batch_rows: int = BATCH_ROWS,
) -> ImportRun | None:
    """Run (or resume) the import to its end; None when it does not exist. Raises Busy when
    another runner holds it."""
    with _fewer_collections():
        return _run_import(session, tenant_id, import_id, runner, job_id, progress, batch_rows)


def _run_import(
    session: Session,
    tenant_id: uuid.UUID,
    import_id: uuid.UUID,
    runner: str,
    job_id: uuid.UUID | None,
    progress: Progress | None,
    batch_rows: int,
) -> ImportRun | None:
    run = repository.get(session, tenant_id, import_id)
    if run is None:
        return None
    if run.state in FINISHED:
        return run
    if not repository.acquire(session, run, runner, LEASE_SECONDS):
        raise Busy(run.lease_until)
    # Read again now that it is ours: on PostgreSQL a cancel that held the row while we read
    # it committed before our lease (the import cancelled while queued, its file dropped).
    session.refresh(run)
    if run.state in FINISHED:
        repository.release(session, run)
        session.commit()
        return run
    if run.cancel_requested_at is not None:
        return _finish(session, run, "cancelled")
    run.state = "running"
    run.error = None  # what stopped an earlier try (``interrupted``) is over
    run.started_at = run.started_at or utcnow()
    run.updated_at = utcnow()
    session.commit()
    detected = Detected(
        run.format,
        run.encoding,
        run.delimiter,
        (run.options or {}).get("newline", "\n"),
        sheet=bool((run.options or {}).get("sheet")),
    )
    chunks = repository.chunks(session, tenant_id, import_id, run.chunk_count)
    groups = None
    if detected.format == "vcard":  # a first pass over the file for its groups
        groups = vcard_groups(
            repository.chunks(session, tenant_id, import_id, run.chunk_count), detected
        )
    reader = Reader(chunks, detected, (run.options or {}).get("header_line"), groups)
    try:
        header = reader.header() if run.format == "csv" else None
        ctx = context(session, run)
        converter = Converter(run.format, run.options or {}, run.mapping or {}, header, ctx.region)
        records = iter(reader)
        for _ in islice(records, run.rows_read):
            pass  # resuming: these were committed by an earlier run
        sqlite = session.get_bind().dialect.name == "sqlite"
        seen: dict[uuid.UUID, Any] = {}  # batch.Batch.seen, for the whole run
        growth = Growth(session, DRY_RUN_FILLS if run.dry_run else FILLS, tenant_id)
        started, done_before = time.monotonic(), run.rows_read
        sizer = Sizer(batch_rows, adapts=sqlite)
        while True:
            chunk, broken = _take(records, sizer.rows)
            if not chunk and broken is None:
                break
            if chunk:
                pause = time.monotonic()
                if sqlite:
                    session.commit()  # no lock held while the rows are converted and checked
                ready = _prepared(session, ctx, converter, chunk, seen)
                if sqlite:  # that was (at least) the pause that lets waiting writers in
                    time.sleep(max(0.0, WRITER_PAUSE - (time.monotonic() - pause)))
                locked = time.monotonic()
                _batch(session, ctx, run, runner, converter, chunk, reader, ready)
            if broken is not None:  # the rows before the break are kept
                session.commit()
                raise broken
            _hold(session, run, runner)
            if job_id is not None:
                repository.touch_job(session, tenant_id, job_id, LEASE_SECONDS)
            session.commit()
            if chunk:
                sizer.held(len(chunk), time.monotonic() - locked)
            growth.grew(len(chunk))
            if progress is not None:
                progress(run)
            if _cancelled(session, run):
                rest, problem = _take(records, 1)
                if rest or problem is not None:
                    return _finish(session, run, "cancelled")
                # asked during the last batch: nothing was left to stop, the import is whole
                late = LATE_CANCEL_DRY_RUN if run.dry_run else LATE_CANCEL
                run.warnings = [*(run.warnings or []), late]
                break
        log.info(
            "import %s: %d rows in %.1fs",
            import_id,
            run.rows_read - done_before,
            time.monotonic() - started,
        )
    except FileProblem as exc:
        session.rollback()
        run = repository.get(session, tenant_id, import_id) or run
        run.error = f"{exc.message} (after row {run.rows_read})"
        return _finish(session, run, "failed")
    except DataError as exc:  # a value the database refuses: stop cleanly, not forever retry
        session.rollback()
        run = repository.get(session, tenant_id, import_id) or run
        log.exception("import %s: a batch could not be stored", import_id)
        first = str(exc.orig).splitlines()[0] if exc.orig else "unknown"
        run.error = f"rows after {run.rows_read} could not be stored: {first[:300]}"
        return _finish(session, run, "failed")
    if reader.decoder.fallbacks and not any("Windows-1252" in w for w in run.warnings or []):
        run.warnings = [
            *(run.warnings or []),
            "some bytes are not UTF-8; they were read as Windows-1252 (Latin-1)",
        ]
    if run.rows_read == 0:
        run.warnings = [*(run.warnings or []), "the file has no data rows"]
    return _finish(session, run, "done")


LATE_CANCEL = "the cancel came during the last batch: every row was imported (revert to undo)"
# a dry run imported nothing, and its revert is refused: it says what it did
LATE_CANCEL_DRY_RUN = (
    "the cancel came during the last batch: every row was checked (a dry run writes nothing)"
)


class Sizer:
    """The rows of the next batch: ``cap`` while batches hold the write lock at most
    LOCK_TARGET, fewer once they hold it longer, in proportion to what the last batches cost
    a row (a moving average: one slow batch moves it a little). Without ``adapts``, always
    ``cap`` (PostgreSQL, where a batch locks only the rows it writes)."""

    def __init__(self, cap: int, adapts: bool) -> None:
        self.cap, self.adapts = cap, adapts
        self.rows = cap
        self.per_row: float | None = None  # seconds of lock a row, smoothed

    def held(self, rows: int, seconds: float) -> None:
        if not self.adapts or rows <= 0:
            return
        cost = seconds / rows
        self.per_row = cost if self.per_row is None else 0.7 * self.per_row + 0.3 * cost
        fit = int(LOCK_TARGET / self.per_row) if self.per_row > 0 else self.cap
        self.rows = max(min(MIN_BATCH_ROWS, self.cap), min(self.cap, fit))


def _take(records: Iterator[Record], n: int) -> tuple[list[Record], FileProblem | None]:
    """Up to ``n`` records, and the problem that stopped reading early, if one did."""
    out: list[Record] = []
    try:
        for record in records:
            out.append(record)
            if len(out) >= n:
                break
    except FileProblem as exc:
        return out, exc
    return out, None


def _prepared(
    session: Session,
    ctx: Context,
    converter: Converter,
    records: list[Record],
    seen: dict[uuid.UUID, Any],
) -> Batch:
    """The batch's records converted and checked: pure work, no database."""
    outcomes = [converter.outcome(r) for r in records]
    batch = Batch(session, ctx, outcomes, utcnow(), seen=seen)
    batch.prepare()
    return batch


def _batch(
    session: Session,
    ctx: Context,
    run: ImportRun,
    runner: str,
    converter: Converter,
    records: list[Record],
    reader: Reader,
    first: Batch | None = None,
) -> None:
    """Store the records (in the caller's transaction) and count them on the import. Should
    the database refuse them past the tries (a constraint or a value no check foresaw), the
    rows it refuses are found by halves, each half stored and committed on its own: those
    rows fail, each with the database's reason, and the others are stored, as a bad row
    never stops an import (it failed on every retry of its job until it gave up)."""
    seen = first.seen if first is not None else {}

    def again() -> Batch:  # a retry starts from the records again
        return _prepared(session, ctx, converter, records, seen)

    try:
        counts = _stored(session, ctx, run, runner, converter, first or again(), again)
    except (IntegrityError, DataError) as exc:
        session.rollback()
        if len(records) > 1:
            half = len(records) // 2
            for part in (records[:half], records[half:]):
                part_first = _prepared(session, ctx, converter, part, seen)
                _batch(session, ctx, run, runner, converter, part, reader, part_first)
                _hold(session, run, runner)
                session.commit()  # the next half's refusal must not take this one with it
            return
        log.exception("import %s: row %d could not be stored", run.id, records[0].row_no)
        reason = _refusal(exc)

        def refused() -> Batch:
            failed = Outcome(records[0], errors=[rows.RowError(reason)])
            return Batch(session, ctx, [failed], utcnow(), seen=seen)

        counts = _stored(session, ctx, run, runner, converter, refused(), refused)
    _list_new_keys(run, converter)
    run.rows_read += len(records)
    run.created += counts["create"]
    run.updated += counts["update"]
    run.unchanged += counts["unchanged"]
    run.skipped += counts["skip"]
    run.failed += counts["fail"]
    if run.problems is not None:  # None: made before migration 0112, counted when asked
        run.problems += counts["problems"]
    run.bytes_read = max(run.bytes_read, reader.bytes_read)
    run.updated_at = utcnow()


def _refusal(exc: IntegrityError | DataError) -> str:
    said = (str(exc.orig).splitlines() or ["unknown"])[0] if exc.orig else "unknown"
    return f"this row could not be stored: the database refused it ({said[:300]})"


def _stored(
    session: Session,
    ctx: Context,
    run: ImportRun,
    runner: str,
    converter: Converter,
    first: Batch,
    again: Callable[[], Batch],
) -> dict[str, int]:
    """The batch matched and written, TRIES times at most: a conflict with another writer
    (an email, an external id), or a customer it updates deleted, merged or erased since,
    starts it ``again``."""
    batch: Batch | None = first
    for attempt in range(1, TRIES + 1):
        if batch is None:
            batch = again()
        try:
            _hold(session, run, runner)  # first in the transaction: the batch is ours alone
            if not ctx.dry_run:  # a dry run writes no customers: it needs no turn
                repository.take_turn(session, ctx.tenant_id)
            batch.match()
            counts = writes.store(batch, converter.columns)
            session.flush()
            return counts
        except (IntegrityError, Stale):
            # Someone else wrote a customer this batch also wrote (an email, an external id),
            # or deleted, merged or erased one it updates: look again and decide again.
            session.rollback()
            if attempt == TRIES:
                raise
            batch = None
    raise AssertionError("unreachable")


def _list_new_keys(run: ImportRun, converter: Converter) -> None:
    """JSON keys first mapped past the sample join the import's columns, as guessed."""
    listed = {c["name"] for c in run.columns or []}
    new = [
        {"name": cells.storable(k), "field": f, "how": "auto"}
        for k, f in converter.mapped_keys()
        if cells.storable(k) not in listed
    ]
    if new:
        run.columns = [*(run.columns or []), *new][:MAX_COLUMNS]


def _hold(session: Session, run: ImportRun, runner: str) -> None:
    """Renew the lease in the transaction that writes the batch, or roll it back and raise
    Busy: another runner took the import over while this one was stopped past its lease (a
    `rolodex import` suspended with Ctrl-Z, a frozen worker), and goes on with it or is done
    (its rows are not this one's to write again)."""
    if not repository.renew(session, run, runner, LEASE_SECONDS):
        session.rollback()
        fresh = repository.get(session, run.tenant_id, run.id)
        raise Busy(fresh.lease_until if fresh is not None else None)


def interrupted(
    session: Session,
    tenant_id: uuid.UUID,
    import_id: uuid.UUID,
    exc: BaseException,
    final: bool,
    runner: str | None = None,
) -> None:
    """Note on a running import what stopped its job, for its status and the dashboard. It
    stays running with what it committed: the job tries again from its last batch or, once it
    has given up (``final``), waits in the job monitor for someone to retry it. The lease of
    ``runner`` is given up, so that the next try need not wait for it to run out."""
    try:
        session.rollback()
        run = repository.get(session, tenant_id, import_id)
        if run is None or run.state in FINISHED:
            return
        if runner is not None and run.runner == runner:
            repository.release(session, run)
        then = (
            "its job gave up: retry it in the job monitor"
            if final
            else "it is tried again automatically"
        )
        first = (str(exc).splitlines() or [""])[0][:200]
        run.error = (
            f"stopped by an error after row {run.rows_read} ({type(exc).__name__}: {first}); {then}"
        )
        run.updated_at = utcnow()
        session.commit()
    except Exception:
        session.rollback()
        log.exception("import %s: could not note what stopped it", import_id)


def _cancelled(session: Session, run: ImportRun) -> bool:
    fresh = repository.get(session, run.tenant_id, run.id)
    return fresh is not None and fresh.cancel_requested_at is not None


def _finish(session: Session, run: ImportRun, state: str) -> ImportRun:
    now = utcnow()
    run.state, run.finished_at, run.updated_at = state, now, now
    if state == "done":
        run.bytes_read = run.size_bytes
    repository.release(session, run)
    if run.dry_run:
        repository.clear_overlay(session, run.tenant_id, run.id)
    repository.drop_chunks(session, run.tenant_id, run.id)
    session.commit()
    return run
