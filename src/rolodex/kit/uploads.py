"""A malformed upload told in plain words, on the API and the dashboard alike. FastAPI's and
Starlette's own words name their internals (``Expected UploadFile, received: <class 'str'>``
for a file sent as a text field) or say nothing ("Invalid multipart data." for a file name
too long for the multipart parser)."""

from __future__ import annotations

from typing import Any

from python_multipart.exceptions import MultipartParseError

from rolodex.errors import InvalidInput, field_error

NOT_A_FILE = "send the file as a multipart file upload (a form field with a file name)"
# python-multipart refuses a part's header line past 4,224 bytes (DEFAULT_MAX_HEADER_SIZE):
# 1,000 characters of up to 4 bytes each, with the rest of the line, always fit.
MAX_FILENAME_CHARS = 1000
FILENAME_TOO_LONG = f"the file name is too long (at most {MAX_FILENAME_CHARS:,} characters)"
FILE_FIELD = "file"  # the field every upload of Rolodex (API and dashboard) is sent in


def plain_message(error: Any) -> str | None:
    """What to say for one request validation error (a pydantic error dict) in place of its
    own message, or None to keep that."""
    if not isinstance(error, dict):
        return None
    if error.get("type") == "value_error" and "Expected UploadFile" in str(error.get("msg")):
        return NOT_A_FILE  # the field came as text (no file name in its part)
    return None


def check_filename(name: str | None, field: str = FILE_FIELD) -> None:
    """A 422 for a file name longer than the parser takes for every name (a longer one of
    one-byte characters may get through it; refused the same)."""
    if name is not None and len(name) > MAX_FILENAME_CHARS:
        raise field_error(field, FILENAME_TOO_LONG)


def unreadable_form(exc: BaseException) -> InvalidInput | None:
    """The 422 for a multipart body Starlette could not read because a part's header line
    was too long (in practice, its file name: Starlette says "Invalid multipart data."), or
    None for another failure. Starlette raises its HTTPException while handling its own
    MultiPartException, which the parser's error caused."""
    seen: BaseException | None = exc
    for _ in range(4):  # HTTPException <- MultiPartException <- MultipartParseError
        if seen is None:
            return None
        seen = seen.__cause__ or seen.__context__
        if isinstance(seen, MultipartParseError):
            if str(seen).startswith("Maximum header size exceeded"):
                return field_error(FILE_FIELD, FILENAME_TOO_LONG)
            return None
    return None
