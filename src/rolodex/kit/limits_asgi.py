"""Request guard as pure ASGI middleware: a 413 before the app sees too much, and a 422 for
NUL characters in the query or a JSON body (PostgreSQL cannot store them in text; refusing them
at the edge keeps both engines alike)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson

from rolodex.errors import InvalidInput, PayloadTooLarge, RolodexError

Scope = dict[str, Any]
Message = dict[str, Any]
# (content type, body) of a refusal where JSON is not the answer (a dashboard form), or None
Answer = Callable[[Scope, RolodexError], tuple[bytes, bytes] | None]


class BodyLimitMiddleware:
    def __init__(
        self,
        app: Any,
        max_bytes: int,
        upload_max_bytes: int,
        upload_prefixes: tuple[str, ...],
        answer: Answer | None = None,
    ) -> None:
        self.app = app
        self.answer = answer
        self.max_bytes = max_bytes
        self.upload_max_bytes = upload_max_bytes
        self.upload_prefixes = upload_prefixes

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        limit = self.upload_max_bytes if path.startswith(self.upload_prefixes) else self.max_bytes
        declared = _header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await _send_error(scope, send, self.answer, _too_large(limit))
            return
        if "\x00" in path:
            await _send_error(scope, send, self.answer, _nul("path"))
            return
        query: bytes = scope.get("query_string", b"")
        if b"\x00" in query or b"%00" in query.lower():
            await _send_error(scope, send, self.answer, _nul("query"))
            return
        is_json = "json" in (_header(scope, b"content-type") or "")
        is_json = is_json and not path.startswith("/v1/hooks/")  # signed bytes: stored as sent
        state: dict[str, Any] = {"seen": 0, "error": None, "started": False, "tail": b""}

        async def limited_receive() -> Message:
            message: Message = await receive()
            if message["type"] == "http.request":
                chunk: bytes = message.get("body", b"")
                state["seen"] += len(chunk)
                if state["seen"] > limit:
                    state["error"] = _too_large(limit)
                elif is_json:
                    window = state["tail"] + chunk
                    if b"\\u0000" in window or b"\x00" in window:
                        state["error"] = _nul("body")
                    state["tail"] = window[-6:]
                if state["error"] is not None:
                    # Tell the app the body ended; its response is replaced by the error.
                    return {"type": "http.request", "body": b"", "more_body": False}
            return message

        async def guarded_send(message: Message) -> None:
            if state["error"] is not None:
                if message["type"] == "http.response.start" and not state["started"]:
                    state["started"] = True
                    await _send_error(scope, send, self.answer, state["error"])
                return
            if message["type"] == "http.response.start":
                state["started"] = True
            await send(message)

        await self.app(scope, limited_receive, guarded_send)


def _header(scope: Scope, wanted: bytes) -> str | None:
    for name, value in scope.get("headers", []):
        if name == wanted:
            return bytes(value).decode("latin-1").lower()
    return None


def _too_large(limit: int) -> RolodexError:
    return PayloadTooLarge(
        f"the request body is larger than {limit} bytes", details={"limit": limit}
    )


def _nul(where: str) -> RolodexError:
    return InvalidInput(
        f"the {where} contains a NUL character, which no field accepts",
        details=[{"field": where, "message": "NUL character"}],
    )


async def _send_error(scope: Scope, send: Any, answer: Answer | None, err: RolodexError) -> None:
    shown = answer(scope, err) if answer is not None else None
    kind, body = shown or (b"application/json", orjson.dumps(err.to_dict()))
    await send(
        {
            "type": "http.response.start",
            "status": err.status_code,
            "headers": [
                (b"content-type", kind),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
