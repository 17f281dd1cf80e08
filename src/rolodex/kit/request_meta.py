"""Where a request came from (IP, user agent), for the audit log; empty outside requests."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class RequestMeta:
    ip: str | None = None
    user_agent: str | None = None


_NONE = RequestMeta()
_current: ContextVar[RequestMeta | None] = ContextVar("rolodex_request_meta", default=None)


def current() -> RequestMeta:
    return _current.get() or _NONE


class RequestMetaMiddleware:
    """Pure ASGI: sets the request's IP and user agent for the code that handles it."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        agent = None
        for name, value in scope.get("headers", []):
            if name == b"user-agent":
                agent = bytes(value).decode("latin-1")[:500]
                break
        meta = RequestMeta(ip=str(client[0])[:64] if client else None, user_agent=agent or None)
        token = _current.set(meta)
        try:
            await self.app(scope, receive, send)
        finally:
            _current.reset(token)
