"""Import page: upload a file, preview how its columns map (and change the mapping), dry run,
run, and watch a live progress bar (htmx polls the import every second until it ends).

Everything happens on one page so the chosen file stays in its input between the steps; the
server keeps nothing between them (API processes are stateless): each step sends the file.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any
from urllib.parse import unquote, urlencode

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from rolodex.auth.roles import Permission
from rolodex.errors import InvalidInput, RolodexError
from rolodex.exports.writers import csv_attachment
from rolodex.imports import (
    mapping,
    report,
    report_repository,
    repository,
    revert,
    service,
    stall,
)
from rolodex.imports.schemas import ImportOptions, PreviewOut
from rolodex.kit import keyset, pagination, uploads
from rolodex.models import ImportRowError, ImportRun
from rolodex.web import nav
from rolodex.web.errors import readable
from rolodex.web.session import (
    WebUser,
    check_csrf,
    current_user,
    flash,
    render,
    require_permission,
)

router = APIRouter(prefix="/imports", include_in_schema=False)
nav.add("Imports", "/imports", order=20)

FINISHED = ("done", "failed", "cancelled")
STATE_LABELS = {
    "queued": "Waiting to start",
    "running": "Running",
    "done": "Finished",
    "failed": "Failed",
    "cancelled": "Cancelled",
    "partial": "Partly reverted",  # a revert's end that kept something
}
SHOWN_ERRORS = 20


class Choices:
    """The form's options, as the API takes them (``ImportOptions``): how existing customers
    are treated, tags and source for every row, and how to read the file (automatic when
    blank)."""

    def __init__(
        self,
        match: Annotated[str, Form(max_length=10)] = "update",
        overwrite: Annotated[bool, Form()] = False,
        tags: Annotated[str, Form(max_length=2000)] = "",
        source: Annotated[str, Form(max_length=100)] = "",
        format: Annotated[str, Form(max_length=10)] = "",
        encoding: Annotated[str, Form(max_length=32)] = "",
        delimiter: Annotated[str, Form(max_length=10)] = "",
        tag_delimiter: Annotated[str, Form(max_length=5)] = "",
        date_order: Annotated[str, Form(max_length=20)] = "",
        sheet: Annotated[str, Form(max_length=100)] = "",
        map: Annotated[list[str] | None, Form()] = None,
    ) -> None:
        self.values: dict[str, Any] = {
            "match": match,
            "overwrite": overwrite,
            "tags": [t.strip() for t in tags.split(",") if t.strip()],
            "source": source.strip() or "import",
            "format": format or None,
            "encoding": encoding or None,
            "delimiter": delimiter or None,
            "tag_delimiter": tag_delimiter or None,
            "date_order": date_order or None,
            "sheet": sheet.strip() or None,
        }
        self.maps = [m for m in map or [] if m.strip()]

    def overrides(self) -> dict[str, str]:
        """The preview's choices, ``column=field`` with the column URL-encoded: a header such
        as "Score (1=low)" or a field such as attr.=k holds "=" too, and split at the last
        one the mapping named a column the file does not have."""
        out: dict[str, str] = {}
        for item in self.maps:
            column, sep, field = item.partition("=")
            if not sep or not column.strip():
                return mapping.parse_overrides(self.maps)  # the 422 naming the item
            out[unquote(column).strip()] = field.strip()
        return out

    def options(self, dry_run: bool, mapped: bool = True) -> ImportOptions:
        overrides = self.overrides() if mapped else {}
        try:
            return ImportOptions(mapping=overrides, dry_run=dry_run, **self.values)
        except ValidationError as exc:
            raise InvalidInput(readable(exc)) from exc


def _size(file: UploadFile) -> int:
    if file.size is not None:
        return file.size
    file.file.seek(0, 2)
    size = file.file.tell()
    file.file.seek(0)
    return size


def _file(file: UploadFile | None) -> UploadFile:
    if file is None or not file.filename:
        raise InvalidInput("choose a CSV, JSON or NDJSON file first")
    uploads.check_filename(file.filename)  # as POST /v1/imports: one rule for every name
    return file


RECENT_SHOWN = 10


def _recent(session: Any, user: WebUser, cursor: str | None = None) -> dict[str, Any]:
    """A page of the tenant's imports, newest first, and the cursor of the older ones."""
    keys = pagination.parse_sort("-created_at", {"created_at": ImportRun.created_at}, ImportRun.id)
    stmt = repository.list_query(user.tenant_id)
    runs, older = keyset.page(session, stmt, keys, cursor, RECENT_SHOWN)
    return {"recent": [service.to_out(r) for r in runs], "older": older, "cursor": cursor}


LIVE_SHOWN = 5


def _live(request: Request, user: WebUser) -> list[dict[str, Any]]:
    """The progress panels of the imports still queued or running, newest first: a reload
    of the page keeps them in sight (the panel of the one just started was its only view)."""
    with request.app.state.db.session(user.tenant_id, write=False) as session:
        ids = repository.unfinished_ids(session, user.tenant_id, LIVE_SHOWN)
    return [_panel(request, user, import_id) for import_id in ids]


@router.get("")
def imports_page(
    request: Request, cursor: Annotated[str | None, Query(max_length=2000)] = None
) -> Any:
    user = current_user(request)
    require_permission(user, Permission.READ)
    with request.app.state.db.session(user.tenant_id, write=False) as session:
        listed = _recent(session, user, cursor)
    live = _live(request, user) if cursor is None else []
    return render(request, "imports/index.html", labels=STATE_LABELS, live=live, **listed)


Upload = Annotated[UploadFile | None, File()]
Csrf = Annotated[str, Form(max_length=200)]


@router.post("/preview")
def preview(
    request: Request,
    choices: Annotated[Choices, Depends()],
    file: Upload = None,
    csrf_token: Csrf = "",
) -> Any:
    """How the file would be read: columns → fields (changeable), the first rows, problems."""
    user = current_user(request)
    check_csrf(request, csrf_token)
    require_permission(user, Permission.INGEST)
    error, shown, refused = None, None, {}
    try:
        upload = _file(file)
        options = choices.options(False)
        with request.app.state.db.session(user.tenant_id, write=False) as session:
            shown = service.preview(
                session, user.tenant_id, upload.file, _size(upload), upload.filename, options
            )
    except RolodexError as exc:
        error, refused = readable(exc), _refused_columns(exc)
        if refused:  # the table stays as chosen, the refused columns saying why
            shown = _as_chosen(request, user, _file(file), choices, refused)
    fields = [f for f in mapping.field_names() if f != "attr.<name>"]
    # each column may be kept as a custom attribute named after it
    attributes = {c.name: mapping.attribute_name(c.name) for c in shown.columns} if shown else {}
    context: dict[str, Any] = {
        "preview": shown,
        "error": error,
        "fields": fields,
        "attributes": attributes,
        "refused": bool(refused),
    }
    if request.headers.get("hx-request"):
        return render(request, "imports/_preview.html", **context)
    with request.app.state.db.session(user.tenant_id, write=False) as session:
        context.update(_recent(session, user))
    return render(request, "imports/index.html", labels=STATE_LABELS, **context)


def _refused_columns(exc: RolodexError) -> dict[str, str]:
    """The columns a refused mapping names, each with its reason; none for another error."""
    details = exc.details if isinstance(exc.details, list) else []
    return {
        str(d["field"]).removeprefix("mapping."): str(d.get("message", ""))
        for d in details
        if isinstance(d, dict) and str(d.get("field", "")).startswith("mapping.")
    }


def _as_chosen(
    request: Request, user: WebUser, upload: UploadFile, choices: Choices, refused: dict[str, str]
) -> PreviewOut | None:
    """The file's columns with the fields the user chose (a refused mapping used to take the
    table away, and every choice made in it), and no rows: they would be read another way."""
    upload.file.seek(0)
    try:
        with request.app.state.db.session(user.tenant_id, write=False) as session:
            shown = service.preview(
                session,
                user.tenant_id,
                upload.file,
                _size(upload),
                upload.filename,
                choices.options(False, mapped=False),
            )
    except RolodexError:
        return None
    chosen = choices.overrides()
    for col in shown.columns:
        if col.name in chosen:
            field = mapping.target_of(chosen[col.name])
            col.field = None if field == mapping.IGNORE else field
            col.how = "ignored" if field == mapping.IGNORE else "explicit"
        col.how = refused.get(col.name, col.how)
    shown.rows = []
    return shown


@router.post("")
def start(
    request: Request,
    choices: Annotated[Choices, Depends()],
    file: Upload = None,
    dry_run: Annotated[bool, Form()] = False,
    csrf_token: Csrf = "",
) -> Any:
    """Store the file and queue its import (or dry run); the progress panel follows it."""
    user = current_user(request)
    check_csrf(request, csrf_token)
    require_permission(user, Permission.INGEST)
    try:
        upload = _file(file)
        options = choices.options(dry_run)
        with request.app.state.db.session(user.tenant_id) as session:
            run = service.create_import(
                session,
                user.principal,
                upload.file,
                _size(upload),
                upload.filename,
                upload.content_type,
                options,
            )
            import_id = run.id
    except RolodexError as exc:
        if request.headers.get("hx-request"):
            return render(request, "imports/_start_error.html", error=readable(exc))
        flash(request, f"The import did not start. {readable(exc)}", "error")
        return RedirectResponse("/imports", status_code=303)
    wake = getattr(request.app.state, "job_wakeup", None)
    if wake is not None:
        wake.set()
    if request.headers.get("hx-request"):
        return _progress(request, user, import_id)
    return RedirectResponse(f"/imports/{import_id}", status_code=303)


def _panel(request: Request, user: WebUser, import_id: uuid.UUID) -> dict[str, Any]:
    """What the progress panel shows: counts, the first problems, a revert's kept rows."""
    keys = [pagination.SortKey("row", ImportRowError.row_no, False)]
    tid = user.tenant_id
    with request.app.state.db.session(tid, write=False) as session:
        run = service.get_import(session, tid, import_id)
        out = service.read_out(session, run, report_repository.problems(session, run))
        stalled = revert.stalled(session, run)  # nobody runs it: asked again, it goes on
        errors, _ = keyset.page(
            session, report_repository.errors_query(tid, import_id), keys, None, SHOWN_ERRORS
        )
        kept = (
            report_repository.revert_notes(session, tid, import_id, SHOWN_ERRORS)
            if out.revert.state in ("done", "partial")
            else []
        )
    reverting = out.revert.state in ("queued", "running")
    return {
        "run": out,
        "errors": errors,
        "kept": kept,
        "finished": out.state in FINISHED,
        "polling": out.state not in FINISHED or reverting,
        # an import that created or changed no one (cancelled before its first row, every
        # row failed or unchanged) has nothing to undo: no Revert button
        "revertible": out.state in FINISHED
        and not out.dry_run
        and (out.revert.state in (None, "partial") or stalled)
        and (out.revert.state is not None or out.progress.created + out.progress.updated > 0),
        "labels": STATE_LABELS,
        "stalled": stall.said(out.stalled_since, out.state)
        if out.stalled_since and not out.gave_up_job_id
        else None,
    }


def _progress(request: Request, user: WebUser, import_id: uuid.UUID, **extra: Any) -> Any:
    return render(request, "imports/_progress.html", **_panel(request, user, import_id), **extra)


ROWS_SHOWN = 50
ActionQuery = Annotated[str, Query(max_length=60)]
CursorQuery = Annotated[str | None, Query(max_length=2000)]


def _rows(
    request: Request, user: WebUser, import_id: uuid.UUID, action: str, cursor: str | None
) -> dict[str, Any]:
    """The row report's section: ``ROWS_SHOWN`` rows with ``action`` (all when blank) from
    ``cursor``, each with its changes in words and its customer's name."""
    tid = user.tenant_id
    context: dict[str, Any] = {"action": action, "actions": report.ACTIONS, "rows": []}
    with request.app.state.db.session(tid, write=False) as session:
        service.get_import(session, tid, import_id)
        try:
            stmt = report_repository.rows_query(tid, import_id, service.parse_actions(action), None)
            items, context["next_cursor"] = keyset.page(
                session, stmt, service.ROW_KEYS, cursor, ROWS_SHOWN
            )
        except RolodexError as exc:
            context["rows_error"] = readable(exc)
            return context
        errors = report_repository.errors_for_rows(
            session, tid, import_id, [r.row_no for r in items]
        )
        said = {r.row_no: report.describe(r.changes) for r in items}
        named = [r.target_id for r in items if r.target_id is not None]
        named += [s.customer_id for lines in said.values() for s in lines if s.customer_id]
        names = report_repository.customer_names(session, tid, named)
    context["rows"] = [
        {
            "row": r,
            "name": names.get(r.target_id) if r.target_id else None,
            "said": [_named(s, names) for s in said[r.row_no]],
            "problems": [report.problem_text(e) for e in errors.get(r.row_no, [])],
        }
        for r in items
    ]
    return context


def _named(said: report.Said, names: dict[uuid.UUID, str]) -> report.Said:
    """A possible duplicate by its name, linked; one the import would make (a dry run) or
    that is gone since, unlinked."""
    if said.customer_id is None:
        return said
    name = names.get(said.customer_id)
    if name is None:
        return report.Said(said.text.replace(str(said.customer_id), "a customer not stored"))
    return report.Said(said.text.replace(str(said.customer_id), name), said.customer_id)


@router.get("/{import_id}")
def import_page(
    request: Request, import_id: uuid.UUID, action: ActionQuery = "", cursor: CursorQuery = None
) -> Any:
    user = current_user(request)
    require_permission(user, Permission.READ)
    context = _panel(request, user, import_id)
    context.update(_rows(request, user, import_id, action, cursor))
    return render(request, "imports/detail.html", **context)


@router.get("/{import_id}/rows")
def rows_section(
    request: Request, import_id: uuid.UUID, action: ActionQuery = "", cursor: CursorQuery = None
) -> Any:
    """The row report's section (htmx: a filter, the next page, the import's end)."""
    user = current_user(request)
    require_permission(user, Permission.READ)
    if not request.headers.get("hx-request"):
        return RedirectResponse(str(request.url.replace(path=f"/imports/{import_id}")), 303)
    context = _rows(request, user, import_id, action, cursor)
    with request.app.state.db.session(user.tenant_id, write=False) as session:
        run = service.to_out(service.get_import(session, user.tenant_id, import_id))
    response = render(
        request, "imports/_rows.html", run=run, finished=run.state in FINISHED, **context
    )
    if request.headers.get("hx-trigger") == "import-rows-filter":
        # the filter chosen goes into the address bar: a reload or a shared link shows it
        query = f"?{urlencode({'action': action})}" if action else ""
        response.headers["HX-Push-Url"] = f"/imports/{import_id}{query}"
    return response


@router.get("/{import_id}/errors.csv")
def errors_csv(request: Request, import_id: uuid.UUID) -> Any:
    """Every problem of the import (row, line, column, field, value, reason) as CSV."""
    user = current_user(request)
    require_permission(user, Permission.READ)
    db, tid = request.app.state.db, user.tenant_id
    with db.session(tid) as session:
        service.get_import(session, tid, import_id)
        service.record_download(session, user.principal, import_id, "import_errors")
    pages = report_repository.error_record_pages(db, tid, import_id)
    return csv_attachment(pages, report.ERROR_COLUMNS, f"import-{import_id}-errors.csv")


@router.get("/{import_id}/rows.csv")
def rows_csv(request: Request, import_id: uuid.UUID, action: ActionQuery = "") -> Any:
    """The row report (every row with ``action``, all when blank) as CSV."""
    user = current_user(request)
    require_permission(user, Permission.READ)
    db, tid = request.app.state.db, user.tenant_id
    actions = service.parse_actions(action)
    with db.session(tid) as session:
        service.get_import(session, tid, import_id)
        selection = {"action": ",".join(actions)}
        service.record_download(session, user.principal, import_id, "import_rows", selection)
    pages = report_repository.row_record_pages(db, tid, import_id, actions)
    return csv_attachment(pages, report.ROW_COLUMNS, f"import-{import_id}-rows.csv")


@router.get("/{import_id}/progress")
def progress(request: Request, import_id: uuid.UUID) -> Any:
    """The progress panel; it asks again every second until the import ends."""
    user = current_user(request)
    require_permission(user, Permission.READ)
    response = _progress(request, user, import_id)
    if response.context.get("finished"):  # the page's list of recent imports reloads
        ended = ["import-finished"]
        if not response.context["polling"] and response.context["run"].revert.state:
            ended.append("import-reverted")  # a revert's last poll: the row report's badges
        response.headers["HX-Trigger"] = ", ".join(ended)
    return response


def _panel_action(
    request: Request,
    import_id: uuid.UUID,
    csrf_token: str,
    permission: Permission,
    act: Any,
    failed: str,
) -> Any:
    """A button on the progress panel: ``act(session, principal, import_id)``, then the panel
    again (htmx: a refusal on it, with ``failed`` before it) or the import's page (flashed)."""
    user = current_user(request)
    check_csrf(request, csrf_token)
    require_permission(user, permission)
    htmx, refused = request.headers.get("hx-request"), None
    try:
        with request.app.state.db.session(user.tenant_id) as session:
            act(session, user.principal, import_id)
    except RolodexError as exc:
        refused = f"{failed} {readable(exc)}"
        if not htmx:  # a panel swapped in shows no flash: it would wait for the next page
            flash(request, refused, "error")
    else:
        wake = getattr(request.app.state, "job_wakeup", None)
        if wake is not None:  # a revert runs as a job
            wake.set()
    if htmx:
        return _progress(request, user, import_id, refused=refused)
    return RedirectResponse(f"/imports/{import_id}", status_code=303)


@router.post("/{import_id}/revert")
def revert_import(
    request: Request, import_id: uuid.UUID, csrf_token: Annotated[str, Form(max_length=200)] = ""
) -> Any:
    """Undo the import (imports.revert): it runs as a job; the panel follows it."""
    return _panel_action(
        request, import_id, csrf_token, Permission.WRITE, revert.request, "Could not revert."
    )


@router.post("/{import_id}/cancel")
def cancel(
    request: Request, import_id: uuid.UUID, csrf_token: Annotated[str, Form(max_length=200)] = ""
) -> Any:
    return _panel_action(
        request, import_id, csrf_token, Permission.INGEST, service.cancel, "Could not cancel."
    )
