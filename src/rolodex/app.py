"""FastAPI app factory: routers, error handlers, middleware, lifespan."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text
from starlette.datastructures import State
from starlette.exceptions import HTTPException as StarletteHTTPException

from rolodex import __version__
from rolodex.activities.endpoints import router as activities_router
from rolodex.analytics.endpoints import router as analytics_router
from rolodex.audit.endpoints import router as audit_router
from rolodex.auth.dependencies import KeyCache
from rolodex.config import Settings, get_settings
from rolodex.customers.endpoints import router as customers_router
from rolodex.db import Database
from rolodex.errors import RateLimited, RolodexError
from rolodex.exports.endpoints import router as exports_router
from rolodex.identity.endpoints import router as identity_router
from rolodex.imports.endpoints import router as imports_router
from rolodex.ingest.endpoints import hooks_router, sources_router
from rolodex.jobs import embedded as embedded_worker
from rolodex.jobs.endpoints import router as jobs_router
from rolodex.kit import runtime, uploads
from rolodex.kit.limits_asgi import BodyLimitMiddleware
from rolodex.kit.observability import ObservabilityMiddleware, configure_logging, metrics_body
from rolodex.kit.request_meta import RequestMetaMiddleware
from rolodex.lifecycle.endpoints import router as lifecycle_router
from rolodex.orders.endpoints import router as orders_router
from rolodex.segments.endpoints import router as segments_router
from rolodex.views.endpoints import router as views_router
from rolodex.web import errors as web_errors

log = logging.getLogger("rolodex")

HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    429: "rate_limited",
}


class ErrorDetail(BaseModel):
    code: str
    message: str
    details: Any = None


class ErrorBody(BaseModel):
    error: ErrorDetail


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": code.replace("_", " ")}
    for status, code in HTTP_CODES.items()
    if status != 405
}


def _error(
    status: int, code: str, message: str, details: Any = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(
        {"error": {"code": code, "message": message, "details": details}},
        status_code=status,
        headers=headers,
    )


def _field_name(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] == "body":
        parts = parts[1:]
    return ".".join(parts) or "body"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RolodexError)
    async def _domain(_: Request, exc: RolodexError) -> JSONResponse:
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else None
        return _error(exc.status_code, exc.code, exc.message, exc.details, headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        details, plain = [], []
        for err in exc.errors():
            said = uploads.plain_message(err)  # in place of words naming FastAPI's internals
            plain.append(said is not None)
            item = {
                "field": _field_name(tuple(err.get("loc", ()))),
                "message": said or err.get("msg", ""),
                "type": err.get("type"),
            }
            details.append(item)
        if any(d["type"] == "json_invalid" for d in details):
            return _error(400, "invalid_json", "the request body is not valid JSON", details)
        if plain and all(plain):
            message = "; ".join(f"{d['field']}: {d['message']}" for d in details)
            return _error(422, "invalid_input", message, details)
        fields = ", ".join(sorted({d["field"] for d in details}))
        return _error(422, "invalid_input", f"invalid input: {fields}", details)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        unreadable = uploads.unreadable_form(exc) if exc.status_code == 400 else None
        if unreadable is not None:
            return _error(422, unreadable.code, unreadable.message, unreadable.details)
        code = HTTP_CODES.get(exc.status_code, "error")
        return _error(exc.status_code, code, str(exc.detail), None, dict(exc.headers or {}) or None)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return _error(500, "internal_error", "something went wrong on our side; it was logged")


def install_dashboard(app: FastAPI, settings: Settings) -> None:
    """The server-rendered dashboard: signed session cookie, static files, pages."""
    from pathlib import Path

    from fastapi.staticfiles import StaticFiles
    from starlette.middleware.sessions import SessionMiddleware

    from rolodex.web import (
        audit_log,
        auth,
        customer_actions,
        customer_tabs,
        customer_views,
        customers,
        duplicates,
        errors,
        imports,
        ingestion,
        overview,
        segments,
    )
    from rolodex.web.session import SignInRequired

    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie="rolodex_session",
        same_site="lax",
        https_only=settings.env == "production",
        max_age=12 * 3600,
    )
    static = Path(__file__).parent / "web" / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    # customer_views before customers: /customers/export is not a customer id.
    for module in (auth, overview, customer_views, customers, customer_tabs, customer_actions,
                   segments, duplicates, imports, ingestion, audit_log):  # fmt: skip
        app.include_router(module.router)
    errors.install(app)

    @app.exception_handler(SignInRequired)
    async def _sign_in(request: Request, exc: SignInRequired) -> Any:
        from urllib.parse import quote

        from fastapi.responses import RedirectResponse

        if request.headers.get("hx-request"):
            return JSONResponse(exc.to_dict(), status_code=401, headers={"HX-Redirect": "/signin"})
        target = quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
        return RedirectResponse(f"/signin?next={target}", status_code=303)


def bind_state(app: FastAPI, settings: Settings, db: Database) -> None:
    """The app's state anew: its settings and database, and no key cache, rate limiter or
    statistics of an earlier binding (they are made on first use). The tests bind one app to
    each test's database: FastAPI builds each app's routes' parameter models on its first
    request (0.3 s of the tests' 0.5 s each, made again for every app)."""
    app.state = State()
    app.state.settings = settings
    app.state.db = db
    app.state.key_cache = KeyCache()


def create_app(settings: Settings | None = None, db: Database | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runtime.tune_gc()
        worker = embedded_worker.start(app)  # `rolodex serve` without --no-worker
        yield
        embedded_worker.stop(worker)
        if db is None:
            app.state.db.dispose()

    app = FastAPI(
        title="Rolodex",
        version=__version__,
        description=(
            "Customer CRM and customer-data service. "
            "Authenticate with `Authorization: Bearer <API key>`."
        ),
        responses=ERROR_RESPONSES,
        lifespan=lifespan,
    )
    bind_state(app, settings, db or Database(settings))
    install_error_handlers(app)
    app.add_middleware(
        BodyLimitMiddleware,
        max_bytes=settings.max_body_bytes,
        upload_max_bytes=settings.max_upload_bytes,
        upload_prefixes=("/v1/imports", "/imports"),
        answer=web_errors.too_large,  # a dashboard form's upload gets a page, not JSON
    )
    app.include_router(hooks_router)  # first: the hottest path matches at once
    app.include_router(customers_router)
    app.include_router(imports_router)
    app.include_router(exports_router)
    app.include_router(views_router)
    app.include_router(segments_router)
    app.include_router(identity_router)
    app.include_router(lifecycle_router)
    app.include_router(activities_router)
    app.include_router(orders_router)
    app.include_router(audit_router)
    app.include_router(jobs_router)
    app.include_router(sources_router)
    app.add_middleware(RequestMetaMiddleware)  # IP and user agent for the audit log
    app.include_router(analytics_router)
    install_dashboard(app, settings)

    app.add_middleware(ObservabilityMiddleware)

    @app.get("/metrics", tags=["operations"], include_in_schema=False)
    def metrics() -> Response:
        """Prometheus metrics."""
        body, content_type = metrics_body()
        return Response(body, media_type=content_type)

    @app.get("/healthz", tags=["operations"])
    def healthz() -> dict[str, str]:
        """The process is up."""
        return {"status": "ok"}

    @app.get("/readyz", tags=["operations"])
    def readyz(request: Request) -> JSONResponse:
        """The database answers."""
        try:
            with request.app.state.db.session(write=False) as session:
                session.execute(text("SELECT 1"))
        except Exception as exc:  # readiness must answer, whatever the failure
            log.warning("not ready: %s", exc)
            return _error(503, "not_ready", "the database does not answer")
        return JSONResponse({"status": "ready"})

    return app
