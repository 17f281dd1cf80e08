"""Import endpoints: upload, preview, progress, cancel, error report, row report, revert."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from pydantic import TypeAdapter, ValidationError

from rolodex.auth.dependencies import require
from rolodex.auth.roles import Permission, Principal
from rolodex.errors import InvalidInput, UnsupportedMediaType, field_error
from rolodex.exports.writers import csv_attachment
from rolodex.imports import mapping, report, report_repository, repository, revert, service
from rolodex.imports.schemas import (
    ImportList,
    ImportOptions,
    ImportOut,
    ImportRowList,
    ImportRowOut,
    PreviewOut,
    RowErrorList,
    RowErrorOut,
)
from rolodex.kit import keyset, pagination, query_params, uploads
from rolodex.models import ImportRun

router = APIRouter(prefix="/v1/imports", tags=["imports"])

ROW_PARAMS = ("action", "revert", "format", "limit", "cursor")
ERROR_PARAMS = ("format", "limit", "cursor")

FormText = Annotated[str | None, Form()]
MAPPING_DOC = (
    'Column → field as a JSON object (`{"E-mail": "email", "Tier": "attr.tier", "Notes": '
    '"ignore"}`); columns not named are guessed from their header. A column of attribute '
    'names beside one of their values (Google Contacts\' "Custom Field 1 - Label" and "- '
    "Value\") is `attr_name1` and `attr_value1` (2, 3... for more pairs): each row's value is "
    "kept as the custom attribute its name gives."
)
MAP_DOC = "Repeatable `column=field` (the CLI's --map); merged into `mapping`."
MATCH_DOC = (
    "update: a row matching a customer updates it, another creates one; skip: a row matching "
    "a customer is skipped; create: every row creates a customer (a row whose email, id or "
    "external id a customer has fails)"
)


def _options(
    format: str | None,
    encoding: str | None,
    delimiter: str | None,
    mapping_json: str | None,
    maps: list[str] | None,
    dry_run: bool,
    match: str,
    overwrite: bool,
    tags: str | None,
    source: str | None,
    tag_delimiter: str | None,
    date_order: str | None = None,
    sheet: str | None = None,
) -> ImportOptions:
    overrides: dict[str, Any] = {}
    if mapping_json and mapping_json.strip():
        try:
            overrides = orjson.loads(mapping_json)
        except orjson.JSONDecodeError as exc:
            raise field_error("mapping", "not a JSON object") from exc
        if not isinstance(overrides, dict) or not all(
            isinstance(v, str) for v in overrides.values()
        ):
            raise field_error("mapping", "a JSON object of column → field names")
    for col, target in mapping.parse_overrides(maps or []).items():
        if col in overrides and mapping.target_of(overrides[col]) != mapping.target_of(target):
            raise InvalidInput(  # map won over mapping, silently
                f"mapping: column {col!r} is mapped twice ({overrides[col]} in mapping, "
                f"{target} in map)",
                details=[{"field": f"mapping.{col}", "message": "mapped twice",
                          "value": f"{col}={target}"}],
            )  # fmt: skip
        overrides[col] = target
    values: dict[str, Any] = {
        "format": format or None,
        "encoding": encoding or None,
        "delimiter": delimiter or None,
        "mapping": overrides,
        "dry_run": dry_run,
        "match": match,
        "overwrite": overwrite,
        "tags": [t for t in (tags or "").split(",") if t.strip()],
        "source": source or "import",
        "tag_delimiter": tag_delimiter or None,
        "date_order": date_order or None,
        "sheet": sheet.strip() if sheet and sheet.strip() else None,
    }
    try:
        return ImportOptions.model_validate(values)
    except ValidationError as exc:
        details = [
            {
                "field": ".".join(str(p) for p in e["loc"]),
                "message": str(e["msg"]).removeprefix("Value error, "),
            }
            for e in exc.errors()
        ]
        said = "; ".join(f"{d['field']}: {d['message']}" for d in details[:3])
        raise InvalidInput(said, details=details) from exc  # each option's own words


def _one_of(*values: str, description: str) -> Any:
    """A form field taking one of ``values`` (any case), documented as a string enum: a
    multipart field is never null."""

    def schema(field: dict[str, Any]) -> None:
        field.pop("anyOf", None)
        field.update(type="string", enum=list(values))

    return Form(description=description, json_schema_extra=schema)


CREATE_FIELDS = frozenset(
    {"file", "format", "encoding", "delimiter", "mapping", "map", "dry_run", "match",
     "overwrite", "tags", "source", "tag_delimiter", "date_order", "sheet"}
)  # fmt: skip
BOOLEAN_FIELDS = frozenset({"dry_run", "overwrite"})  # a bool Form() parameter: see _booleans
_BOOL = TypeAdapter(bool)
PREVIEW_FIELDS = frozenset(
    {"file", "format", "encoding", "delimiter", "mapping", "map", "tags", "tag_delimiter",
     "date_order", "sheet"}
)  # fmt: skip
DATE_ORDER_DOC = (
    "day_first (31/01/2024) or month_first (01/31/2024): how to read a date whose day and "
    "month could be swapped (03/04/2024); auto by default: the order the file's other dates "
    "show, else such a date fails its row"
)
FileField = Annotated[
    UploadFile,
    File(
        description="CSV, JSON or NDJSON; a spreadsheet workbook (Excel .xlsx, .xlsm, .xlsb, "
        ".xls; OpenDocument .ods): its first visible sheet holding rows, read as CSV; or a "
        "contact list of vCards (.vcf: Apple, Google, Android, Outlook), a card a record"
    ),
]
FormatField = Annotated[
    str | None,
    _one_of("csv", "json", "ndjson", "vcard", description="detected from the file if not given"),
]
SheetField = Annotated[
    str | None,
    Form(
        max_length=100,
        description="a workbook's sheet to read, by its name or number (1: the first); the "
        "first visible sheet holding rows if not given",
    ),
]
DateOrderField = Annotated[
    str | None, _one_of("auto", "day_first", "month_first", description=DATE_ORDER_DOC)
]
CSV_DOWNLOAD: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {"schema": {"type": "string"}}}}
}  # with format=csv


async def _known_fields(request: Request, allowed: frozenset[str]) -> None:
    """A misspelt option (``dry-run``) must not be ignored: the import would write what the
    caller meant to try. Unknown form fields, any query parameter and a second file are 422."""
    kind = request.headers.get("content-type", "")
    if not kind.startswith("multipart/form-data"):
        raise UnsupportedMediaType(
            "send the file as multipart/form-data in the field 'file'",
            details=[{"field": "file", "message": f"content type {kind or 'none'}"}],
        )
    form = await request.form()
    unknown = sorted(set(form.keys()) - allowed) + sorted(f"?{k}" for k in request.query_params)
    details = [{"field": k, "message": "unknown option"} for k in unknown]
    files = len(form.getlist("file"))
    if files != 1:
        message = "send one file per import" if files else "the file is missing"
        details.append({"field": "file", "message": message})
    if details:
        names = ", ".join(d["field"] for d in details)
        raise InvalidInput(
            f"unknown or repeated fields: {names} (options: {', '.join(sorted(allowed))})",
            details=details,
        )
    uploads.check_filename(getattr(form.get("file"), "filename", None))
    _booleans(form, allowed & BOOLEAN_FIELDS)


def _booleans(form: Any, names: frozenset[str]) -> None:
    """A boolean option's every value must say yes or no. FastAPI takes an empty form field
    for one not sent, its default: ``dry_run=`` ran a real import."""
    details = [
        {"field": name, "message": "give true or false"}
        for name in sorted(names)
        if any(not _is_bool(v) for v in form.getlist(name))
    ]
    if details:
        raise InvalidInput(
            "; ".join(f"{d['field']}: {d['message']}" for d in details), details=details
        )


def _is_bool(value: Any) -> bool:
    """A spelling of true or false the form's bool takes (true/false, 1/0, yes/no, on/off,
    any case); not an empty value."""
    if not isinstance(value, str) or not value:
        return False
    try:
        _BOOL.validate_python(value)
    except ValidationError:
        return False
    return True


async def _create_fields(
    request: Request, _: Principal = Depends(require(Permission.INGEST))
) -> None:
    await _known_fields(request, CREATE_FIELDS)


async def _preview_fields(
    request: Request, _: Principal = Depends(require(Permission.INGEST))
) -> None:
    await _known_fields(request, PREVIEW_FIELDS)


def _size(file: UploadFile) -> int:
    if file.size is not None:
        return file.size
    file.file.seek(0, 2)
    size = file.file.tell()
    file.file.seek(0)
    return size


@router.post("", status_code=202, response_model=ImportOut, dependencies=[Depends(_create_fields)])
def create_import(
    request: Request,
    file: FileField,
    format: FormatField = None,
    encoding: FormText = None,
    delimiter: FormText = None,
    mapping_json: Annotated[str | None, Form(alias="mapping", description=MAPPING_DOC)] = None,
    maps: Annotated[list[str] | None, Form(alias="map", description=MAP_DOC)] = None,
    dry_run: Annotated[bool, Form()] = False,
    match: Annotated[str, _one_of("update", "skip", "create", description=MATCH_DOC)] = "update",
    overwrite: Annotated[bool, Form()] = False,
    tags: Annotated[str | None, Form(description="tags for every row, a,b")] = None,
    source: Annotated[str | None, Form(description="where the file comes from")] = None,
    tag_delimiter: FormText = None,
    date_order: DateOrderField = None,
    sheet: SheetField = None,
    principal: Principal = Depends(require(Permission.INGEST)),
) -> ImportOut:
    """Upload a file to import; it runs as a job: follow it at GET /v1/imports/{id}."""
    options = _options(format, encoding, delimiter, mapping_json, maps, dry_run, match,
                       overwrite, tags, source, tag_delimiter, date_order, sheet)  # fmt: skip
    with request.app.state.db.session(principal.tenant_id) as session:
        run = service.create_import(
            session,
            principal,
            file.file,
            _size(file),
            file.filename,
            file.content_type,
            options,
        )
        out = service.to_out(run)
    wake = getattr(request.app.state, "job_wakeup", None)
    if wake is not None:
        wake.set()
    return out


@router.post("/preview", response_model=PreviewOut, dependencies=[Depends(_preview_fields)])
def preview_import(
    request: Request,
    file: FileField,
    format: FormatField = None,
    encoding: FormText = None,
    delimiter: FormText = None,
    mapping_json: Annotated[str | None, Form(alias="mapping", description=MAPPING_DOC)] = None,
    maps: Annotated[list[str] | None, Form(alias="map", description=MAP_DOC)] = None,
    tags: FormText = None,
    tag_delimiter: FormText = None,
    date_order: DateOrderField = None,
    sheet: SheetField = None,
    principal: Principal = Depends(require(Permission.INGEST)),
) -> PreviewOut:
    """How a file would be read: format, columns → fields, the first rows and their errors."""
    options = _options(format, encoding, delimiter, mapping_json, maps, False, "update", False,
                       tags, None, tag_delimiter, date_order, sheet)  # fmt: skip
    with request.app.state.db.session(principal.tenant_id, write=False) as session:
        return service.preview(
            session, principal.tenant_id, file.file, _size(file), file.filename, options
        )


def _list_params(request: Request) -> None:
    """The list takes no filter: one asked for (``?state=running``) is a 422, not ignored
    and answered with every import as if they all matched."""
    query_params.refuse_unknown(
        request.query_params.keys(),
        ("limit", "cursor"),
        takes="the list of imports takes limit and cursor (newest first)",
    )


@router.get("", response_model=ImportList)
def list_imports(
    request: Request,
    principal: Principal = Depends(require(Permission.READ)),
    limit: Annotated[int, Query(ge=1, le=200)] = 20,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> ImportList:
    """Imports of the tenant, newest first."""
    _list_params(request)
    keys = pagination.parse_sort("-created_at", {"created_at": ImportRun.created_at}, ImportRun.id)
    with request.app.state.db.session(principal.tenant_id, write=False) as session:
        stmt = repository.list_query(principal.tenant_id)
        items, next_cursor = keyset.page(session, stmt, keys, cursor, limit)
        return ImportList(
            items=[service.read_out(session, r) for r in items], next_cursor=next_cursor
        )


@router.get("/{import_id}", response_model=ImportOut)
def get_import(
    request: Request, import_id: uuid.UUID, principal: Principal = Depends(require(Permission.READ))
) -> ImportOut:
    """State and progress: rows read, created, updated, skipped, failed, rate, ETA."""
    with request.app.state.db.session(principal.tenant_id, write=False) as session:
        run = service.get_import(session, principal.tenant_id, import_id)
        return service.read_out(session, run, report_repository.problems(session, run))


@router.post("/{import_id}/cancel", response_model=ImportOut)
def cancel_import(
    request: Request,
    import_id: uuid.UUID,
    principal: Principal = Depends(require(Permission.INGEST)),
) -> ImportOut:
    """Stop at the next batch boundary, keeping the rows already imported."""
    with request.app.state.db.session(principal.tenant_id) as session:
        return service.to_out(service.cancel(session, principal, import_id))


@router.post("/{import_id}/revert", status_code=202, response_model=ImportOut)
def revert_import(
    request: Request,
    import_id: uuid.UUID,
    principal: Principal = Depends(require(Permission.WRITE)),
) -> ImportOut:
    """Undo the import: customers it created are removed and fields it changed get their
    previous values back, except what was changed since; what is kept is listed in its rows
    (``?revert=kept``; a partly reverted row says which fields it kept). A revert that kept
    something ends ``partial``: ask again to revert what has become revertible since."""
    with request.app.state.db.session(principal.tenant_id) as session:
        out = service.to_out(revert.request(session, principal, import_id))
    wake = getattr(request.app.state, "job_wakeup", None)
    if wake is not None:
        wake.set()
    return out


def _error_out(e: Any) -> RowErrorOut:
    return RowErrorOut.model_validate(report.error_record(e))


@router.get("/{import_id}/errors", response_model=RowErrorList, responses=CSV_DOWNLOAD)
def import_errors(
    request: Request,
    import_id: uuid.UUID,
    principal: Principal = Depends(require(Permission.READ)),
    format: Annotated[str, Query(pattern="^(?i:json|csv)$")] = "json",
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> Any:
    """Row number, column, field, value and reason of each problem; `format=csv` downloads all."""
    query_params.refuse_unknown(
        request.query_params.keys(),
        ERROR_PARAMS,
        takes=f"the problems of an import take {', '.join(ERROR_PARAMS)} "
        "(a row's problems: its rows, ?action=fail)",
    )
    format = format.lower()  # in any case, as exports take it
    db, tid = request.app.state.db, principal.tenant_id
    with db.session(tid, write=format == "csv") as session:
        service.get_import(session, tid, import_id)
        if format == "json":
            from_row = pagination.decode_cursor(cursor, service.ERROR_KEYS)[0] if cursor else None
            stmt = report_repository.errors_query(tid, import_id, from_row)
            items, next_cursor = keyset.page(session, stmt, service.ERROR_KEYS, cursor, limit)
            return RowErrorList(items=[_error_out(e) for e in items], next_cursor=next_cursor)
        service.record_download(session, principal, import_id, "import_errors")
    pages = report_repository.error_record_pages(db, tid, import_id)
    return csv_attachment(pages, report.ERROR_COLUMNS, f"import-{import_id}-errors.csv")


@router.get("/{import_id}/rows", response_model=ImportRowList, responses=CSV_DOWNLOAD)
def import_rows(
    request: Request,
    import_id: uuid.UUID,
    principal: Principal = Depends(require(Permission.READ)),
    action: Annotated[str | None, Query(description="create,update,unchanged,skip,fail")] = None,
    revert_state: Annotated[
        str | None,
        Query(
            alias="revert",
            pattern="^(reverted|partly|kept)$",
            description="reverted (in full), partly (reverted in part), kept (all a revert "
            "could not undo: kept whole or in part)",
        ),
    ] = None,
    format: Annotated[str, Query(pattern="^(?i:json|csv)$")] = "json",
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> Any:
    """Row by row: what each record did (a dry run: would do), the customer, the changes;
    `format=csv` downloads every row, its changes and problems in words."""
    query_params.refuse_unknown(
        request.query_params.keys(),
        ROW_PARAMS,
        takes=f"the rows of an import take {', '.join(ROW_PARAMS)}",
    )
    format = format.lower()
    actions = service.parse_actions(action)
    db, tid = request.app.state.db, principal.tenant_id
    with db.session(tid, write=format == "csv") as session:
        service.get_import(session, tid, import_id)
        if format == "json":
            stmt = report_repository.rows_query(tid, import_id, actions, revert_state)
            items, next_cursor = keyset.page(session, stmt, service.ROW_KEYS, cursor, limit)
            errors = report_repository.errors_for_rows(
                session, tid, import_id, [r.row_no for r in items]
            )
            return ImportRowList(
                items=[
                    ImportRowOut(
                        row=r.row_no,
                        line=r.line,
                        action=r.action,
                        customer_id=r.target_id,
                        matched_by=r.matched_by,
                        matched_row=r.matched_row,
                        score=r.score,
                        changes=report.public_changes(r.changes),
                        note=r.note,
                        errors=[_error_out(e) for e in errors.get(r.row_no, [])],
                        revert=r.revert,
                        revert_reason=r.revert_reason,
                    )
                    for r in items
                ],
                next_cursor=next_cursor,
            )
        selection = {"action": ",".join(actions), "revert": revert_state}
        service.record_download(session, principal, import_id, "import_rows", selection)
    pages = report_repository.row_record_pages(db, tid, import_id, actions, revert_state)
    return csv_attachment(pages, report.ROW_COLUMNS, f"import-{import_id}-rows.csv")
