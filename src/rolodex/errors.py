"""One error hierarchy with stable codes, turned into the SPEC §9 JSON shape by one handler."""

from __future__ import annotations

from typing import Any


class RolodexError(Exception):
    status_code = 400
    code = "bad_request"

    def __init__(self, message: str, *, details: Any = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        if code is not None:
            self.code = code

    def to_dict(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}


class InvalidInput(RolodexError):
    status_code = 422
    code = "invalid_input"


class Unauthorized(RolodexError):
    status_code = 401
    code = "unauthorized"


class Forbidden(RolodexError):
    status_code = 403
    code = "forbidden"


class NotFound(RolodexError):
    status_code = 404
    code = "not_found"


class Conflict(RolodexError):
    status_code = 409
    code = "conflict"


class PayloadTooLarge(RolodexError):
    status_code = 413
    code = "payload_too_large"


class UnsupportedMediaType(RolodexError):
    status_code = 415
    code = "unsupported_media_type"


class RateLimited(RolodexError):
    status_code = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int, details: Any = None) -> None:
        super().__init__(message, details=details)
        self.retry_after = retry_after


def field_error(field: str, message: str, value: Any = None) -> InvalidInput:
    """A 422 naming one field, in the same shape as request validation errors."""
    detail: dict[str, Any] = {"field": field, "message": message}
    if value is not None:
        detail["value"] = value
    return InvalidInput(f"{field}: {message}", details=[detail])
