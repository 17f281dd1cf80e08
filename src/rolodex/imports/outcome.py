"""What an import decides for one record (``Outcome``), under which settings (``Context``),
and a batch to decide again (``Stale``): the batch (``imports.batch``) fills them in, the
writes (``imports.writes``) store them, the runner reports them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from rolodex.auth.roles import Principal
from rolodex.identity.batch import Found
from rolodex.identity.normalize import MatchRecord
from rolodex.imports.reader import Record
from rolodex.imports.rows import Prepared, RowError
from rolodex.imports.state import Change


class Stale(Exception):
    """Customers a batch decided to update were deleted, merged away or erased before it
    locked them: the batch is to be decided again (the runner does so, as after a clash)."""

    def __init__(self, ids: set[uuid.UUID]) -> None:
        super().__init__(f"{len(ids)} customers changed while the batch decided")
        self.ids = ids


@dataclass(frozen=True, slots=True)
class Context:
    tenant_id: uuid.UUID
    import_id: uuid.UUID
    principal: Principal
    region: str
    auto_merge: float
    review: float
    mode: str  # update | skip | create
    overwrite: bool
    dry_run: bool
    source: str  # where external keys live (see encoding.external_pair)


@dataclass(slots=True)
class Outcome:
    record: Record
    prep: Prepared | None = None
    errors: list[RowError] = field(default_factory=list)
    action: str = "fail"
    target: uuid.UUID | None = None
    matched_by: str | None = None
    matched_row: int | None = None
    score: float | None = None
    rule: str | None = None
    external: tuple[str, str] | None = None
    review: list[Found] = field(default_factory=list)
    reasons: list[dict[str, Any]] = field(default_factory=list)
    note: str | None = None
    probe: MatchRecord | None = None
    email: str | None = None  # lowercased
    change: Change | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    audit_seq: int | None = None
    # A JSON record's (field, key, value) cells: the key a problem of a field names (records
    # may name one field by different keys; CSV columns are the header's, one for all rows)
    cells: list[tuple[str, str, Any]] | None = None
    # the regions no reading of the record's phone was valid in: ``decide`` reads it in the
    # country of the customer the record matches (as the API reads a phone given to one)
    phone_tried: str | None = None

    def column_of(self, field_name: str | None) -> str | None:
        for name, key, _ in self.cells or ():
            if name == field_name:
                return key
        return None

    def fail(
        self,
        reason: str,
        field_name: str | None = None,
        value: Any = None,
        column: str | None = None,
    ) -> None:
        # a failed row names no customer, even one it matched (erasure finds no row about them)
        self.action, self.target, self.matched_by, self.matched_row = "fail", None, None, None
        self.score, self.rule = None, None
        self.errors.append(
            RowError(reason, field_name, column, None if value is None else str(value))
        )
