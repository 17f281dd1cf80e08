"""Import report queries: an import's row-by-row report and its problems, read in pages for
the API, the dashboard and the downloads. The import's other SQL is in repository.py."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from typing import Any, cast

from sqlalchemy import BindParameter, ColumnElement, Select, Table, bindparam, func, or_, select
from sqlalchemy.orm import Session

from rolodex.imports import report
from rolodex.imports.repository import CHUNK
from rolodex.models import Customer, ImportRow, ImportRowError, ImportRun


def _in_chunks(values: Iterable[Any]) -> Iterator[list[Any]]:
    items = list(values)
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def errors_query(
    tenant_id: uuid.UUID, import_id: uuid.UUID, from_row: int | None = None
) -> Select[Any]:
    """The import's problems; from row ``from_row`` on, for a page after a cursor: PostgreSQL
    bounds no index scan by a cursor's (row > r OR row = r AND seq > s), and read every
    earlier problem again for each page (a download of 150,000: 2 s more, growing as n²)."""
    stmt = select(ImportRowError).where(
        ImportRowError.tenant_id == tenant_id, ImportRowError.import_id == import_id
    )
    if from_row is not None:
        stmt = stmt.where(ImportRowError.row_no >= from_row)
    return stmt


# What a revert filter lists: ``kept`` is everything a revert could not undo, so it takes in
# the rows reverted only in part (each says which fields it kept).
REVERT_FILTERS = {"reverted": ("reverted",), "partly": ("partly",), "kept": ("kept", "partly")}
# ix_import_rows_kept's condition (migration 0110), its values written into the SQL: SQLite
# uses a partial index only for a query that has the index's condition, literally.
KEPT: BindParameter[list[str]] = bindparam(
    "kept", ["kept", "partly"], expanding=True, literal_execute=True
)


def _rows_where(
    tenant_id: uuid.UUID, import_id: uuid.UUID, actions: list[str], revert: str | None
) -> list[ColumnElement[bool]]:
    where = [ImportRow.tenant_id == tenant_id, ImportRow.import_id == import_id]
    if actions:
        where.append(ImportRow.action.in_(actions))
    if revert in ("kept", "partly"):
        where.append(ImportRow.revert.in_(KEPT))
    if revert and revert != "kept":
        where.append(ImportRow.revert.in_(REVERT_FILTERS[revert]))
    return where


def rows_query(
    tenant_id: uuid.UUID, import_id: uuid.UUID, actions: list[str], revert: str | None
) -> Select[Any]:
    return select(ImportRow).where(*_rows_where(tenant_id, import_id, actions, revert))


def revert_notes(
    session: Session, tenant_id: uuid.UUID, import_id: uuid.UUID, limit: int
) -> list[ImportRow]:
    """The first ``limit`` rows a revert kept, whole or in part (their reason says why)."""
    stmt = rows_query(tenant_id, import_id, [], "kept").order_by(ImportRow.row_no).limit(limit)
    return list(session.scalars(stmt))


ERRORS = cast(Table, ImportRowError.__table__)
ROWS = cast(Table, ImportRow.__table__)
# What the reports show of a row and of a problem (not the tenant and import: a UUID each to
# make for every row of a download, for nothing).
ERROR_FIELDS = [
    ERRORS.c[n] for n in ("row_no", "seq", "line", "column", "field", "value", "reason")
]
ROW_FIELDS = [ROWS.c[n] for n in ("row_no", "line", "action", "target_id", "matched_by",
              "matched_row", "score", "changes", "note", "revert", "revert_reason")]  # fmt: skip


def errors_for_rows(
    session: Session, tenant_id: uuid.UUID, import_id: uuid.UUID, row_nos: list[int]
) -> dict[int, list[Any]]:
    """The problems of these rows, by row (plain rows with ``ImportRowError``'s columns: a
    download reads 150,000 and more, and made an ORM object of each)."""
    e = ERRORS.c
    out: dict[int, list[Any]] = {}
    for chunk in _in_chunks(row_nos):
        for err in session.execute(
            select(*ERROR_FIELDS)
            .where(e.tenant_id == tenant_id, e.import_id == import_id, e.row_no.in_(chunk))
            .order_by(e.row_no, e.seq)
        ):
            out.setdefault(err.row_no, []).append(err)
    return out


DOWNLOAD_PAGE = 1000


def error_record_pages(
    db: Any, tenant_id: uuid.UUID, import_id: uuid.UUID
) -> Iterator[list[dict[str, Any]]]:
    """Every problem of the import as ``report.error_record``s, a page at a time, each read
    in its own short session (a slow download holds no transaction open) from where the
    last ended, an index range: the last page costs what the first does."""
    e = ERRORS.c
    row, seq = -1, -1
    while True:
        with db.session(tenant_id, write=False) as session:
            items = session.execute(
                select(*ERROR_FIELDS)
                .where(e.tenant_id == tenant_id, e.import_id == import_id, e.row_no >= row)
                .where(or_(e.row_no > row, e.seq > seq))
                .order_by(e.row_no, e.seq)
                .limit(DOWNLOAD_PAGE)
            ).all()
        yield [report.error_record(err) for err in items]
        if len(items) < DOWNLOAD_PAGE:
            return
        row, seq = items[-1].row_no, items[-1].seq


def row_record_pages(
    db: Any,
    tenant_id: uuid.UUID,
    import_id: uuid.UUID,
    actions: list[str],
    revert: str | None = None,
) -> Iterator[list[dict[str, Any]]]:
    """The row report (``report.row_record``s) of the rows with ``actions`` (all when empty)
    and ``revert``, a page at a time, each in its own short session, from where the last
    ended."""
    after = -1
    while True:
        with db.session(tenant_id, write=False) as session:
            items = session.execute(
                select(*ROW_FIELDS)
                .where(*_rows_where(tenant_id, import_id, actions, revert))
                .where(ROWS.c.row_no > after)
                .order_by(ROWS.c.row_no)
                .limit(DOWNLOAD_PAGE)
            ).all()
            errors = errors_for_rows(session, tenant_id, import_id, [r.row_no for r in items])
        yield [report.row_record(r, errors.get(r.row_no, [])) for r in items]
        if len(items) < DOWNLOAD_PAGE:
            return
        after = items[-1].row_no


def problems(session: Session, run: ImportRun) -> int:
    """The import's problems: its count, or for an import made before migration 0112 a count
    of its rows of problems."""
    if run.problems is not None:
        return run.problems
    return count_errors(session, run.tenant_id, run.id)


def count_conflicts(session: Session, tenant_id: uuid.UUID, import_id: uuid.UUID) -> int:
    """The import's rows that kept a stored value over the file's (their change's
    ``conflicts``): a row whose every differing value was kept is "unchanged", and the
    summary says how many kept some. Only matched rows can, one import's rows are read."""
    changes = ImportRow.changes
    if session.get_bind().dialect.name == "postgresql":
        kept = func.jsonb_extract_path(changes, "conflicts")
    else:
        kept = func.json_extract(changes, "$.conflicts")
    stmt = select(func.count()).where(
        ImportRow.tenant_id == tenant_id,
        ImportRow.import_id == import_id,
        ImportRow.action.in_(("update", "unchanged")),
        kept.is_not(None),
    )
    return int(session.scalar(stmt) or 0)


def count_errors(session: Session, tenant_id: uuid.UUID, import_id: uuid.UUID) -> int:
    sub = errors_query(tenant_id, import_id).with_only_columns(ImportRowError.row_no).subquery()
    return int(session.scalar(select(func.count()).select_from(sub)) or 0)


def customer_names(
    session: Session, tenant_id: uuid.UUID, ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, str]:
    """How the row report names these customers (name, else email, else phone); customers
    that are not stored (a dry run's new ones, a reverted import's) are left out."""
    out: dict[uuid.UUID, str] = {}
    cols = (Customer.id, Customer.full_name, Customer.email, Customer.phone)
    for chunk in _in_chunks(set(ids)):
        stmt = select(*cols).where(Customer.tenant_id == tenant_id, Customer.id.in_(chunk))
        for cid, name, email, phone in session.execute(stmt):
            out[cid] = name or email or phone or "no name"
    return out
