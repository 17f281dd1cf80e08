"""Errors on dashboard pages: a page (or an htmx fragment) a person can read, never JSON.

The API keeps its JSON errors; requests for dashboard paths get HTML with the same status.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse
from pydantic import ValidationError

from rolodex.errors import RolodexError
from rolodex.kit import uploads

log = logging.getLogger("rolodex.web")

# Paths that are not dashboard pages: their errors stay JSON.
API_PREFIXES = ("/v1/", "/static/", "/metrics", "/healthz", "/readyz", "/openapi", "/docs")

FIELD_LABELS = {
    "ltv_amount": "LTV amount",
    "stage": "Stage",
    "reason": "Reason",
    "email": "Email",
    "phone": "Phone",
    "first_name": "First name",
    "last_name": "Last name",
    "tag": "Tag",
    "add_tags": "Tag",
    "ltv_min": "Minimum LTV",
    "ltv_max": "Maximum LTV",
    "created_after": "Created after",
    "created_before": "Created before",
    "last_active_after": "Active after",
    "file": "File",
    "mapping": "Column mapping",
    "name": "Name",
    "filter": "Filter",
    "q": "Search",
    "sort": "Sort",
    "cursor": "Page",
}

TITLES = {
    400: "That request did not work",
    403: "You cannot do that",
    404: "Not found",
    409: "That clashes with something else",
    413: "That file is too large",
    415: "That kind of file cannot be read",
    422: "Please check what you entered",
    429: "Too many requests",
}


def is_page_request(request: Request) -> bool:
    path = request.url.path
    return not any(path.startswith(p) for p in API_PREFIXES)


def _label(field: str) -> str:
    return FIELD_LABELS.get(field, field.replace("_", " ").capitalize())


def _where(loc: list[str]) -> str:
    """Where a problem is, for a person: the last named part of its location ('tags.0' is
    the tags, not '0'); a column of the import's mapping by its name."""
    if len(loc) >= 2 and loc[0] == "mapping":
        return f"column “{'.'.join(loc[1:])}”"
    named = [p for p in loc if not p.isdigit()]
    return _label(named[-1]) if named else "Input"


def _reasons(details: Any) -> list[str]:
    """The per-field reasons an error carries (``[{"field", "message"}]``), at most three."""
    if not isinstance(details, list):
        return []
    out = []
    for d in details[:3]:
        if isinstance(d, dict) and d.get("message"):
            where = _where(str(d.get("field") or "").split(".")) if d.get("field") else None
            out.append(f"{where}: {d['message']}" if where else str(d["message"]))
    return out


def readable(exc: BaseException) -> str:
    """One sentence for a person: 'ltv_amount: must be …' becomes 'LTV amount: must be …'.
    An error that names only fields ('invalid mapping: mapping.email') says its reasons
    instead ('Invalid mapping: column “email”: unknown field 'nonsense'')."""
    if isinstance(exc, ValidationError | RequestValidationError):
        parts = []
        for err in exc.errors()[:3]:
            loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "form")]
            msg = uploads.plain_message(err) or str(err.get("msg", "is not valid"))
            msg = msg.removeprefix("Value error, ")
            parts.append(f"{_where(loc)}: {msg}")
        return "; ".join(parts) or "Some of what you entered is not valid."
    if isinstance(exc, RolodexError):
        message = exc.message
        field, sep, rest = message.partition(": ")
        reasons = _reasons(exc.details)
        # "invalid mapping: mapping.a, mapping.b" names fields (a column's name may hold spaces:
        # "mapping.First Name"); "not text: it holds …" is a reason
        details = exc.details if isinstance(exc.details, list) else []
        named = [str(d.get("field")) for d in details if isinstance(d, dict)]
        names_fields = rest == ", ".join(named) or all(
            " " not in name.strip() for name in rest.split(",")
        )
        if sep and reasons and " " in field and names_fields:
            message = f"{field}: {'; '.join(reasons)}"
        elif sep and field.replace("_", "").replace(".", "").isalnum() and " " not in field:
            message = f"{_label(field)}: {rest}"
        return message[:1].upper() + message[1:]
    return "Something went wrong on our side. It was logged; please try again."


def error_response(request: Request, status: int, message: str) -> Any:
    """The error as a page, or as a fragment for htmx (shown by base.html's error toast)."""
    from html import escape

    if request.headers.get("hx-request"):
        return HTMLResponse(
            f'<p class="error" role="alert">{escape(message)}</p>', status_code=status
        )
    from rolodex.web.session import render

    return render(
        request,
        "errors/page.html",
        status_code=status,
        title=TITLES.get(status, "Something went wrong"),
        message=message,
    )


def too_large(scope: dict[str, Any], exc: RolodexError) -> tuple[bytes, bytes] | None:
    """A dashboard form's upload past the limit, refused by the request guard
    (kit.limits_asgi) before the app: (content type, body) of the fragment htmx shows or of a
    page of its own; None for an API path or another refusal (their JSON error)."""
    from html import escape

    path = scope.get("path", "")
    limit = exc.details.get("limit") if isinstance(exc.details, dict) else None
    if not isinstance(limit, int) or any(path.startswith(p) for p in API_PREFIXES):
        return None
    message = f"That file is too large: an upload may be at most {limit:,} bytes."
    fragment = f'<p class="error" role="alert">{escape(message)}</p>'
    if dict(scope.get("headers", [])).get(b"hx-request"):
        return b"text/html; charset=utf-8", fragment.encode()
    title = escape(TITLES[413])
    page = (
        f'<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8"><title>{title} · '
        f'Rolodex</title><link rel="stylesheet" href="/static/app.css"></head>\n<body><main '
        f'id="main"><section class="card problem"><h1>{title}</h1>{fragment}<p><a href='
        f'"javascript:history.back()">Go back</a> · <a href="/">Overview</a></p></section>'
        f"</main></body>\n</html>\n"
    )
    return b"text/html; charset=utf-8", page.encode()


def install(app: Any) -> None:
    """Dashboard paths answer errors with HTML; the API's JSON handlers stay for the rest."""
    from starlette.exceptions import HTTPException as StarletteHTTPException

    api = dict(app.exception_handlers)

    async def domain(request: Request, exc: Exception) -> Any:
        if not is_page_request(request):
            return await api[RolodexError](request, exc)
        assert isinstance(exc, RolodexError)
        return error_response(request, exc.status_code, readable(exc))

    async def validation(request: Request, exc: Exception) -> Any:
        if not is_page_request(request):
            return await api[RequestValidationError](request, exc)
        return error_response(request, 422, readable(exc))

    async def http(request: Request, exc: Exception) -> Any:
        if not is_page_request(request):
            return await api[StarletteHTTPException](request, exc)
        assert isinstance(exc, StarletteHTTPException)
        unreadable = uploads.unreadable_form(exc) if exc.status_code == 400 else None
        if unreadable is not None:
            return error_response(request, unreadable.status_code, readable(unreadable))
        message = "There is no page here." if exc.status_code == 404 else str(exc.detail)
        return error_response(request, exc.status_code, message)

    async def unexpected(request: Request, exc: Exception) -> Any:
        if not is_page_request(request):
            return await api[Exception](request, exc)
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(request, 500, readable(exc))

    app.add_exception_handler(RolodexError, domain)
    app.add_exception_handler(RequestValidationError, validation)
    app.add_exception_handler(StarletteHTTPException, http)
    app.add_exception_handler(Exception, unexpected)
