"""Request and response shapes of the import API."""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from rolodex.imports import detect

MatchMode = Literal["update", "skip", "create"]
ImportState = Literal["queued", "running", "done", "failed", "cancelled"]
SourceName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
SOURCE_NAME = re.compile(r"[\w.-]+")


DateOrder = Literal["day_first", "month_first"]


class ImportOptions(BaseModel):
    """How to read and apply a file (the multipart fields of POST /v1/imports)."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["csv", "json", "ndjson", "vcard"] | None = None
    encoding: str | None = Field(default=None, max_length=32)
    delimiter: str | None = Field(default=None, max_length=10)
    mapping: dict[str, str] = Field(default_factory=dict, max_length=2000)
    dry_run: bool = False
    match: MatchMode = "update"
    overwrite: bool = False
    tags: list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                                max_length=100)]] = Field(
        default_factory=list, max_length=20
    )  # fmt: skip
    source: SourceName = "import"
    tag_delimiter: str | None = Field(default=None, min_length=1, max_length=3)
    # How to read a slashed date whose day and month could be swapped (03/04/2024): None
    # (auto) reads it in the order the file's other dates show, or refuses it.
    date_order: DateOrder | None = None
    # A workbook's sheet to read, by its name or its number (1: the first); None: the first
    # visible sheet holding rows.
    sheet: str | None = Field(default=None, max_length=100)

    @field_validator("date_order", mode="before")
    @classmethod
    def _auto(cls, v: Any) -> Any:
        if isinstance(v, str):
            v = v.strip().lower().replace("-", "_")
            return None if v in ("", "auto") else v
        return v

    # Refused here, before the upload is stored: found by the detection, an unknown one was
    # the file's refusal (the CLI's exit 1, not its 2 for bad usage), and a JSON file's
    # delimiter went unchecked. Blank: guessed from the file. A custom error's message is
    # said as is, without pydantic's "Value error, ".
    @field_validator("encoding", "delimiter")
    @classmethod
    def _known(cls, v: str | None, info: ValidationInfo) -> str | None:
        named, unknown = (
            (detect.codec_named, detect.unknown_encoding)
            if info.field_name == "encoding"
            else (detect.delimiter_named, detect.unknown_delimiter)
        )
        if v and named(v) is None:
            raise PydanticCustomError(f"unknown_{info.field_name}", "{why}", {"why": unknown(v)})
        return v or None

    @field_validator("source")
    @classmethod
    def _lower(cls, v: str) -> str:
        if not SOURCE_NAME.fullmatch(v):  # said in words: a staff user types it on the form
            raise ValueError("letters, digits, '.', '-' and '_' only, e.g. hubspot")
        return v.lower()

    @field_validator("format", mode="before")
    @classmethod
    def _format_any_case(cls, v: Any) -> Any:
        return v.strip().lower() or None if isinstance(v, str) else v  # JSON, " csv " as exports

    @field_validator("match", mode="before")
    @classmethod
    def _match_any_case(cls, v: Any) -> Any:
        return v.strip().lower() if isinstance(v, str) else v  # SKIP, as the form documents

    @model_validator(mode="after")
    def _no_nul(self) -> ImportOptions:
        texts = [*self.mapping, *self.mapping.values(), *self.tags, self.encoding or "",
                 self.delimiter or "", self.tag_delimiter or "", self.sheet or ""]  # fmt: skip
        if any("\x00" in t for t in texts):
            raise ValueError("options cannot contain NUL characters")
        return self


class ColumnOut(BaseModel):
    name: str
    field: str | None
    how: str  # explicit | auto | ignored | duplicate | unknown


class Progress(BaseModel):
    rows_read: int
    created: int
    updated: int
    unchanged: int
    skipped: int
    failed: int
    bytes_read: int
    size_bytes: int
    percent: float
    rows_per_second: float | None
    eta_seconds: float | None
    elapsed_seconds: float | None


class RevertOut(BaseModel):
    state: Literal["queued", "running", "partial", "done"] | None = Field(
        description="partial: finished, but some customers were kept (whole or in part) "
        "because they changed since; revert again to undo what has become revertible since. "
        "done: everything the import did is undone."
    )
    reverted: int = Field(description="Customers reverted in full.")
    partly: int = Field(
        description="Customers reverted in part: fields changed since were kept "
        "(listed with the kept rows, ?revert=kept, or alone, ?revert=partly)."
    )
    kept: int = Field(description="Customers kept whole: they changed since the import.")
    started_at: datetime | None
    finished_at: datetime | None


class ImportOut(BaseModel):
    id: uuid.UUID
    state: ImportState
    dry_run: bool
    filename: str
    format: str
    encoding: str
    delimiter: str | None
    options: dict[str, Any]
    columns: list[ColumnOut]
    progress: Progress
    warnings: list[str]
    error: str | None
    errors_count: int | None = None
    cancel_requested_at: datetime | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    stalled_since: datetime | None = Field(
        default=None,
        description="Set while an import makes no progress because nobody runs it: a running "
        "one whose runner stopped (a worker killed) and whose lease ran out, since it last made "
        "progress (a worker takes it over and finishes it; eta_seconds is null meanwhile); a "
        "queued one no worker has started for two minutes, since it was queued.",
    )
    gave_up_job_id: uuid.UUID | None = Field(
        default=None,
        description="Set while the import (or its revert) waits on a job that gave up after "
        "its last try (dead, in the job monitor): nothing runs it until that job is retried "
        "(POST /v1/jobs/{id}/retry, or `rolodex jobs retry ID`), which goes on from the last "
        "batch committed.",
    )
    revert: RevertOut
    links: dict[str, str]


class ImportList(BaseModel):
    items: list[ImportOut]
    next_cursor: str | None


class RowErrorOut(BaseModel):
    row: int
    line: int
    column: str | None
    field: str | None
    value: str | None
    reason: str


class RowErrorList(BaseModel):
    items: list[RowErrorOut]
    next_cursor: str | None


class ImportRowOut(BaseModel):
    row: int
    line: int
    action: Literal["create", "update", "unchanged", "skip", "fail"]
    customer_id: uuid.UUID | None
    matched_by: str | None
    matched_row: int | None
    score: float | None = Field(
        description="A match's score; for a create, the best candidate queued for review "
        "(none when no customer reached the review threshold)"
    )
    changes: dict[str, Any] | None = Field(
        description="What the row changed: `cols` {field: [before, after]} of the fields it set "
        "(not the columns derived from them), `tags` and `addresses` added, `sources_added`, "
        "`sources_changed`, `addresses_changed` ([address id, {part: before}, {part: after}] "
        "of a stored address the file gives again, same street and postcode, with another "
        "city, region, country, line 2, position or time zone), `conflicts` (stored values "
        "kept over the file's), `review` "
        "(possible duplicates queued)"
    )
    note: str | None
    errors: list[RowErrorOut]
    revert: Literal["reverted", "partly", "kept"] | None
    revert_reason: str | None


class ImportRowList(BaseModel):
    items: list[ImportRowOut]
    next_cursor: str | None


class PreviewRow(BaseModel):
    row: int
    line: int
    values: dict[str, Any]
    errors: list[RowErrorOut]


class PreviewOut(BaseModel):
    format: str
    encoding: str
    delimiter: str | None
    # a workbook's: the sheet read, and every visible sheet holding rows (to choose another)
    sheet: str | None = None
    sheets: list[str] = Field(default_factory=list)
    columns: list[ColumnOut]
    warnings: list[str]
    rows: list[PreviewRow]
    fields: list[str]
