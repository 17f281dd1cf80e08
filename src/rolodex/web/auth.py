"""Sign-in and sign-out pages."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from rolodex.errors import InvalidInput
from rolodex.tenants import service as tenants
from rolodex.web.session import check_csrf, render, sign_in, sign_out

router = APIRouter(include_in_schema=False)


def _safe_next(target: str | None) -> str:
    # Only local paths: never redirect off-site after sign-in.
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


@router.get("/signin")
def signin_page(request: Request, next: str | None = None) -> Any:
    return render(request, "auth/signin.html", next=_safe_next(next), error=None, email="")


@router.post("/signin")
def signin(
    request: Request,
    email: Annotated[str, Form(max_length=320)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Any:
    check_csrf(request, csrf_token)
    db = request.app.state.db
    try:
        with db.session(write=False, login_email=email.strip().lower()) as session:
            user = tenants.authenticate_user(session, email, password)
            sign_in(request, user)
        with db.session(user.tenant_id) as session:
            tenants.record_login(session, user.tenant_id, user.id)
    except InvalidInput:
        return render(
            request,
            "auth/signin.html",
            status_code=401,
            next=_safe_next(next),
            error="That email and password do not match an account.",
            email=email,
        )
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/signout")
def signout(request: Request, csrf_token: Annotated[str, Form(max_length=200)] = "") -> Any:
    check_csrf(request, csrf_token)
    sign_out(request)
    return RedirectResponse("/signin", status_code=303)
