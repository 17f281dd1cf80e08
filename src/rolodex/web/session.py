"""Dashboard sessions: a signed cookie naming the user, CSRF tokens on every form."""

from __future__ import annotations

import hmac
import secrets
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates

from rolodex.auth.roles import Permission, Principal
from rolodex.errors import Forbidden, RolodexError
from rolodex.models import User
from rolodex.web import nav
from rolodex.web.filters import register

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
register(templates.env)


class SignInRequired(RolodexError):
    status_code = 401
    code = "sign_in_required"


@dataclass(frozen=True)
class WebUser:
    id: uuid.UUID
    tenant_id: uuid.UUID
    email: str
    name: str | None
    role: str

    @property
    def principal(self) -> Principal:
        return Principal(self.tenant_id, self.role, "user", str(self.id), self.email)

    def can(self, permission: str) -> bool:
        return self.principal.can(Permission(permission))


def sign_in(request: Request, user: User) -> None:
    request.session.clear()
    request.session.update(
        {"uid": str(user.id), "tid": str(user.tenant_id), "csrf": secrets.token_urlsafe(24)}
    )


def sign_out(request: Request) -> None:
    request.session.clear()


def current_user(request: Request) -> WebUser:
    """The signed-in user, loaded fresh (a disabled or deleted user is signed out)."""
    cached = getattr(request.state, "web_user", None)
    if cached is not None:
        return cached
    uid, tid = request.session.get("uid"), request.session.get("tid")
    if not uid or not tid:
        raise SignInRequired("sign in first")
    try:
        tenant_id, user_id = uuid.UUID(tid), uuid.UUID(uid)
    except ValueError as exc:
        request.session.clear()
        raise SignInRequired("sign in again") from exc
    with request.app.state.db.session(tenant_id, write=False) as session:
        user = session.get(User, (tenant_id, user_id))
        if user is None or user.disabled_at is not None:
            request.session.clear()
            raise SignInRequired("sign in again")
        web_user = WebUser(user.id, user.tenant_id, user.email, user.name, user.role)
    request.state.web_user = web_user
    return web_user


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(24)
        request.session["csrf"] = token
    return str(token)


def check_csrf(request: Request, submitted: str | None) -> None:
    """Every state-changing dashboard request carries the session's token (form or header)."""
    expected = request.session.get("csrf")
    given = submitted or request.headers.get("x-csrf-token")
    if not expected or not given or not hmac.compare_digest(str(expected), given):
        raise Forbidden("the form expired or did not come from this site; reload the page")


def require_permission(user: WebUser, permission: Permission) -> None:
    if not user.principal.can(permission):
        raise Forbidden(f"your role ({user.role}) cannot do this")


def flash(
    request: Request, message: str, kind: str = "ok", action: tuple[str, str] | None = None
) -> None:
    """A one-line message shown on the next page rendered (after a redirect); ``action`` is
    (label, path) of a button that posts there (e.g. Undo)."""
    shown: dict[str, Any] = {"message": message[:500], "kind": kind}
    if action is not None:
        shown["action"] = {"label": action[0], "path": action[1]}
    request.session["flash"] = shown


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> Any:
    user = getattr(request.state, "web_user", None)
    shown = request.session.pop("flash", None) if not request.headers.get("hx-request") else None
    return templates.TemplateResponse(
        request,
        template,
        {"user": user, "csrf": csrf_token(request), "nav": nav.NAV, "flash": shown, **context},
        status_code=status_code,
    )
