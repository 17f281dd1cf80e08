"""Import page: upload a file, preview how its columns map (and change the mapping), dry run,
run, and watch a live progress bar (htmx polls the import every second until it ends).

Everything happens on one page so the chosen file stays in its input between the steps; the
server keeps nothing between them (API processes are stateless): each step sends the file.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from rolodex.auth.roles import Permission
from rolodex.errors import InvalidInput, RolodexError
from rolodex.imports import mapping, repository, revert, service
from rolodex.imports.schemas import ImportOptions
from rolodex.kit import keyset, pagination
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
}
SHOWN_ERRORS = 20


def _options(match: str, tags: str, maps: list[str], dry_run: bool) -> ImportOptions:
    try:
        return ImportOptions(
            mapping=mapping.parse_overrides([m for m in maps if m.strip()]),
            match=match,
            tags=[t.strip() for t in tags.split(",") if t.strip()],
            dry_run=dry_run,
        )
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
    return file


def _recent(session: Any, user: WebUser) -> list[Any]:
    keys = pagination.parse_sort("-created_at", {"created_at": ImportRun.created_at}, ImportRun.id)
    runs, _ = keyset.page(session, repository.list_query(user.tenant_id), keys, None, 10)
    return [service.to_out(r) for r in runs]


@router.get("")
def imports_page(request: Request) -> Any:
    user = current_user(request)
    require_permission(user, Permission.READ)
    with request.app.state.db.session(user.tenant_id, write=False) as session:
        recent = _recent(session, user)
    return render(request, "imports/index.html", recent=recent, labels=STATE_LABELS)


Upload = Annotated[UploadFile | None, File()]
Text = Annotated[str, Form(max_length=2000)]


@router.post("/preview")
def preview(
    request: Request,
    file: Upload = None,
    match: Annotated[str, Form(max_length=10)] = "update",
    tags: Text = "",
    map: Annotated[list[str] | None, Form()] = None,
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Any:
    """How the file would be read: columns → fields (changeable), the first rows, problems."""
    user = current_user(request)
    check_csrf(request, csrf_token)
    require_permission(user, Permission.INGEST)
    error, shown = None, None
    try:
        upload = _file(file)
        options = _options(match, tags, map or [], False)
        with request.app.state.db.session(user.tenant_id, write=False) as session:
            shown = service.preview(
                session, user.tenant_id, upload.file, _size(upload), upload.filename, options
            )
    except RolodexError as exc:
        error = readable(exc)
    fields = [f for f in mapping.field_names() if f != "attr.<name>"]
    context: dict[str, Any] = {"preview": shown, "error": error, "fields": fields}
    if request.headers.get("hx-request"):
        return render(request, "imports/_preview.html", **context)
    with request.app.state.db.session(user.tenant_id, write=False) as session:
        recent = _recent(session, user)
    return render(request, "imports/index.html", recent=recent, labels=STATE_LABELS, **context)


@router.post("")
def start(
    request: Request,
    file: Upload = None,
    match: Annotated[str, Form(max_length=10)] = "update",
    tags: Text = "",
    map: Annotated[list[str] | None, Form()] = None,
    dry_run: Annotated[bool, Form()] = False,
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Any:
    """Store the file and queue its import (or dry run); the progress panel follows it."""
    user = current_user(request)
    check_csrf(request, csrf_token)
    require_permission(user, Permission.INGEST)
    try:
        upload = _file(file)
        options = _options(match, tags, map or [], dry_run)
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


def _progress(request: Request, user: WebUser, import_id: uuid.UUID, full: bool = False) -> Any:
    keys = [pagination.SortKey("row", ImportRowError.row_no, False)]
    tid = user.tenant_id
    with request.app.state.db.session(tid, write=False) as session:
        run = service.get_import(session, tid, import_id)
        count = repository.count_errors(session, tid, import_id)
        out = service.to_out(run, count)
        errors, _ = keyset.page(
            session, repository.errors_query(tid, import_id), keys, None, SHOWN_ERRORS
        )
        kept = (
            repository.revert_notes(session, tid, import_id, SHOWN_ERRORS)
            if out.revert.state == "done"
            else []
        )
    reverting = out.revert.state in ("queued", "running")
    return render(
        request,
        "imports/detail.html" if full else "imports/_progress.html",
        run=out,
        errors=errors,
        kept=kept,
        finished=out.state in FINISHED,
        polling=out.state not in FINISHED or reverting,
        revertible=out.state in FINISHED and not out.dry_run and out.revert.state is None,
        labels=STATE_LABELS,
    )


@router.get("/{import_id}")
def import_page(request: Request, import_id: uuid.UUID) -> Any:
    user = current_user(request)
    require_permission(user, Permission.READ)
    return _progress(request, user, import_id, full=True)


@router.get("/{import_id}/progress")
def progress(request: Request, import_id: uuid.UUID) -> Any:
    """The progress panel; it asks again every second until the import ends."""
    user = current_user(request)
    require_permission(user, Permission.READ)
    response = _progress(request, user, import_id)
    if response.context.get("finished"):  # the page's list of recent imports reloads
        response.headers["HX-Trigger"] = "import-finished"
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
    again (htmx) or the import's page; a refusal is flashed with ``failed`` before it."""
    user = current_user(request)
    check_csrf(request, csrf_token)
    require_permission(user, permission)
    try:
        with request.app.state.db.session(user.tenant_id) as session:
            act(session, user.principal, import_id)
    except RolodexError as exc:
        flash(request, f"{failed} {readable(exc)}", "error")
    else:
        wake = getattr(request.app.state, "job_wakeup", None)
        if wake is not None:  # a revert runs as a job
            wake.set()
    if request.headers.get("hx-request"):
        return _progress(request, user, import_id)
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
