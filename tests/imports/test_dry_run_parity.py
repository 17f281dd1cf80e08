"""Dry-run fidelity, property-style, on SQLite and PostgreSQL: small messy files (duplicates
within the file, rows matching existing customers by email, phone, name, external key or id,
invalid rows, every match mode, default tags, batches small enough that a file spans several)
are run dry and then for real against the same starting data. The dry run's row report
(action, matched customer, how matched, the row that made it, score, changes, problems) must
be the real run's, whatever either's batch size, and the dry run must write nothing.

``tests/imports/test_resume_parity.py`` uses the same files for crash and resume.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from rolodex.imports import runner
from rolodex.kit.time import utcnow
from rolodex.models import Base, ImportRow, ImportRowError, ImportRun
from tests.conftest import TenantCtx, make_tenant
from tests.imports.helpers import upload
from tests.properties import property_settings

# More examples, drawn afresh and not shrunk: ROLODEX_PROPERTY_RANDOM=1
# ROLODEX_PROPERTY_EXAMPLES=300 (a shrink takes minutes: each example is a few imports).
PROPERTY = property_settings(12)

# The starting data: customers with emails, phones, names, tags, an address and external
# keys of the file's source ("crm": kept as import/crm:<key>).
SEEDS: list[dict[str, Any]] = [
    {"email": "ada@example.com", "first_name": "Ada", "last_name": "Lovelace",
     "phone": "+1 415 555 0101", "tags": ["old"],
     "sources": [{"source": "import", "external_id": "crm:1"}],
     "addresses": [{"line1": "1 Main St", "postcode": "94105", "city": "San Francisco",
                    "country": "US"}]},
    {"first_name": "Bob", "last_name": "Builder", "phone": "+1 415 555 0102"},
    {"email": "cy@example.com", "first_name": "Cy", "status": "inactive", "company": "Cyberdyne"},
    {"email": "dee@example.com", "first_name": "Dee", "last_name": "Lovelace",
     "sources": [{"source": "import", "external_id": "crm:4"}]},
]  # fmt: skip
# Made and then deleted (seed 4): its email is free again, its external key is not.
GONE = {"email": "gone@example.com", "first_name": "Gone", "last_name": "Builder",
        "sources": [{"source": "import", "external_id": "crm:9"}]}  # fmt: skip

COLUMNS = ["email", "phone", "first_name", "last_name", "company", "tags", "external_id",
           "status", "postcode", "city"]  # fmt: skip
EMAILS = ["", "", "ada@example.com", "ADA@Example.com", "cy@example.com", "dee@example.com",
          "n1@example.com", "N1@example.com", "n2@example.com", "n3@example.com",
          "gone@example.com", "bad-email"]  # fmt: skip
PHONES = ["", "", "(415) 555-0101", "415-555-0102", "+1 415 555 0200", "415 555 0201",
          "+14155550200", "12"]  # fmt: skip
FIRSTS = ["", "Ada", "Bob", "Cy", "Dee", "Nina", "Otto", "Gone"]
LASTS = ["", "Lovelace", "Builder", "New"]
COMPANIES = ["", "", "Acme", "Engines"]
TAGS = ["", "", "x", "y", "x|y"]
EXTERNALS = ["", "", "", "1", "4", "7", "8", "9"]
STATUSES = ["", "", "", "active", "INACTIVE", "dormant-ish"]
POSTCODES = ["", "", "94105", "10001"]
CITIES = ["", "San Francisco", "New York"]

row_strategy = st.fixed_dictionaries(
    {
        "email": st.sampled_from(EMAILS),
        "phone": st.sampled_from(PHONES),
        "first_name": st.sampled_from(FIRSTS),
        "last_name": st.sampled_from(LASTS),
        "company": st.sampled_from(COMPANIES),
        "tags": st.sampled_from(TAGS),
        "external_id": st.sampled_from(EXTERNALS),
        "status": st.sampled_from(STATUSES),
        "postcode": st.sampled_from(POSTCODES),
        "city": st.sampled_from(CITIES),
    }
)


@dataclass
class Case:
    rows: list[dict[str, str]]
    match: str = "update"
    overwrite: bool = False
    tags: str = ""
    ids: list[str] = field(default_factory=list)  # per row: "", "seed:N", "new:N" or junk

    def text(self, seeds: list[str]) -> str:
        """The file, with ``id`` cells naming this tenant's seeded customers."""
        with_ids = any(self.ids)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(COLUMNS + (["id"] if with_ids else []))
        for n, row in enumerate(self.rows):
            cells = [row[c] for c in COLUMNS]
            if with_ids:
                cells.append(_id_cell(self.ids[n], seeds))
            writer.writerow(cells)
        return buffer.getvalue()

    def fields(self, dry_run: bool) -> dict[str, Any]:
        out: dict[str, Any] = {"match": self.match, "source": "crm", "tag_delimiter": "|"}
        if dry_run:
            out["dry_run"] = True
        if self.overwrite:
            out["overwrite"] = True
        if self.tags:
            out["tags"] = self.tags
        out["mapping"] = {"external_id": "external_id"}
        return out


NEW_IDS = [uuid.UUID(int=0xC0FFEE00 + n) for n in range(3)]


def _id_cell(spec: str, seeds: list[str]) -> str:
    if spec.startswith("seed:"):
        return seeds[int(spec[5:])]
    if spec.startswith("new:"):
        return str(NEW_IDS[int(spec[4:])])
    return spec


@st.composite
def cases(draw: Any, with_ids: bool = True) -> Case:
    rows = draw(st.lists(row_strategy, min_size=1, max_size=10))
    ids: list[str] = []
    if with_ids and draw(st.booleans()):
        pool = ["", "", "seed:0", "seed:2", "seed:4", "new:0", "new:1", "not-an-id"]
        ids = [draw(st.sampled_from(pool)) for _ in rows]
    return Case(
        rows=rows,
        match=draw(st.sampled_from(["update", "update", "skip", "create"])),
        overwrite=draw(st.booleans()),
        tags=draw(st.sampled_from(["", "vip"])),
        ids=ids,
    )


# -- running ------------------------------------------------------------------------------


def db_of(tenant: TenantCtx) -> Any:
    return tenant.client.app.state.db  # type: ignore[attr-defined]


def seeded(app_client: Any) -> tuple[TenantCtx, list[str]]:
    """A fresh tenant with SEEDS and GONE, deleted; their ids in order."""
    tenant = make_tenant(app_client)
    ids = []
    for body in [*SEEDS, GONE]:
        made = tenant.client.post("/v1/customers", json=body, headers=tenant.headers())
        assert made.status_code == 201, made.text
        ids.append(made.json()["id"])
    gone = tenant.client.delete(f"/v1/customers/{ids[-1]}", headers=tenant.headers())
    assert gone.status_code in (200, 204), gone.text
    return tenant, ids


def started(tenant: TenantCtx, text: str, fields: dict[str, Any]) -> uuid.UUID:
    response = upload(tenant, text, **fields)
    assert response.status_code == 202, response.text
    return uuid.UUID(response.json()["id"])


def run(
    tenant: TenantCtx, import_id: uuid.UUID, batch_rows: int, name: str = "test", **kw: Any
) -> None:
    with db_of(tenant).session(tenant.id) as session:
        runner.run_import(session, tenant.id, import_id, runner=name, batch_rows=batch_rows, **kw)


def finished(tenant: TenantCtx, import_id: uuid.UUID) -> ImportRun:
    with db_of(tenant).session(tenant.id) as session:
        got = session.get(ImportRun, (tenant.id, import_id))
        assert got is not None
        session.expunge(got)
        return got


COUNTS = ("rows_read", "created", "updated", "unchanged", "skipped", "failed", "problems")


def counts(run_: ImportRun) -> dict[str, Any]:
    return {k: getattr(run_, k) for k in (*COUNTS, "state", "error")}


# -- comparing ----------------------------------------------------------------------------

_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class Labels:
    """Ids and times made while a file runs, replaced by what stays the same from run to
    run: a customer by ``seed N`` or the row that created it, a time after ``since`` by
    ``<now>``, other new ids (addresses, sources) by ``<id>``."""

    def __init__(self, seeds: list[str], since: datetime) -> None:
        self.names = {s: f"seed {n}" for n, s in enumerate(seeds)}
        self.since = since

    def made(self, report: list[dict[str, Any]]) -> Labels:
        out = Labels([], self.since)
        out.names = dict(self.names)
        for r in report:
            if r["action"] == "create" and r["target_id"]:
                out.names[r["target_id"]] = f"row {r['row_no']}"
        return out

    def __call__(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {k: self(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self(v) for v in value]
        if isinstance(value, uuid.UUID):
            return self(str(value))
        if isinstance(value, datetime):
            return "<now>" if _naive(value) >= self.since else value.isoformat()
        if isinstance(value, str):
            if value in self.names:
                return self.names[value]
            if _UUID.fullmatch(value):
                return "<id>"
            if _UUID.search(value):
                return _UUID.sub(lambda m: self.names.get(m.group(0), "<id>"), value)
            try:
                when = datetime.fromisoformat(value)
            except ValueError:
                return value
            return "<now>" if _naive(when) >= self.since else value
        return value


def _naive(value: datetime) -> datetime:
    return value.replace(tzinfo=None) if value.tzinfo else value


def report(tenant: TenantCtx, import_id: uuid.UUID) -> list[dict[str, Any]]:
    """The import's rows as stored, each with its problems (the API's report, unrendered)."""
    with db_of(tenant).session(tenant.id) as session:
        rows = session.scalars(
            select(ImportRow)
            .where(ImportRow.tenant_id == tenant.id, ImportRow.import_id == import_id)
            .order_by(ImportRow.row_no)
        ).all()
        errors = session.scalars(
            select(ImportRowError)
            .where(ImportRowError.tenant_id == tenant.id, ImportRowError.import_id == import_id)
            .order_by(ImportRowError.row_no, ImportRowError.seq)
        ).all()
        problems: dict[int, list[tuple[Any, ...]]] = {}
        for e in errors:
            problems.setdefault(e.row_no, []).append((e.column, e.field, e.value, e.reason))
        return [
            {
                "row_no": r.row_no,
                "line": r.line,
                "action": r.action,
                "target_id": str(r.target_id) if r.target_id else None,
                "matched_by": r.matched_by,
                "matched_row": r.matched_row,
                "score": None if r.score is None else round(r.score, 4),
                "changes": r.changes,
                "note": r.note,
                "problems": problems.get(r.row_no, []),
            }
            for r in rows
        ]


def comparable(tenant_report: list[dict[str, Any]], labels: Labels) -> list[dict[str, Any]]:
    """The report labelled. ``updated_at`` is left out of the changes: each batch has its own
    time, so a customer changed again in a later batch gets it again, in one batch not."""
    out = []
    for r in tenant_report:
        changes = r["changes"]
        if changes and "updated_at" in (changes.get("cols") or {}):
            cols = {k: v for k, v in changes["cols"].items() if k != "updated_at"}
            changes = (
                {**changes, "cols": cols}
                if cols
                else {k: v for k, v in changes.items() if k != "cols"}
            )
            changes = changes or None
        out.append({**r, "changes": changes})
    named = labels.made(tenant_report)
    return [named(r) for r in out]


# What an import keeps about itself (a dry run writes these); every other table of the tenant
# must be as it was.
BOOKKEEPING = {"imports", "import_chunks", "import_rows", "import_errors", "import_overlay",
               "import_keys", "jobs"}  # fmt: skip
TENANT_TABLES = [
    t for t in Base.metadata.sorted_tables if "tenant_id" in t.c and t.name not in BOOKKEEPING
]


def dump(tenant: TenantCtx) -> dict[str, list[tuple[Any, ...]]]:
    """Every row the tenant has outside the imports' bookkeeping, exactly."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with db_of(tenant).session(tenant.id) as session:
        for table in TENANT_TABLES:
            rows = session.execute(select(table).where(table.c.tenant_id == tenant.id)).all()
            out[table.name] = sorted((tuple(r) for r in rows), key=repr)
    return out


def overlay_left(tenant: TenantCtx, import_id: uuid.UUID) -> int:
    from rolodex.models import ImportKey, ImportOverlay

    with db_of(tenant).session(tenant.id) as session:
        n = 0
        for model in (ImportKey, ImportOverlay):
            n += len(
                session.scalars(
                    select(model.target_id).where(
                        model.tenant_id == tenant.id, model.import_id == import_id
                    )
                ).all()
            )
        return n


def dry_then_real(
    app_client: Any, case: Case, dry_batch: int, real_batch: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any], dict[str, Any]]:
    """The case run dry, then for real, on a fresh seeded tenant: both reports (labelled)
    and both counts. Asserts the dry run wrote nothing."""
    since = utcnow().replace(tzinfo=None)  # the seeds' times too: each tenant has its own
    tenant, seeds = seeded(app_client)
    labels = Labels(seeds, since)
    text = case.text(seeds)
    before = dump(tenant)
    dry = started(tenant, text, case.fields(dry_run=True))
    run(tenant, dry, dry_batch)
    assert dump(tenant) == before, "the dry run wrote to the tenant's data"
    assert overlay_left(tenant, dry) == 0
    real = started(tenant, text, case.fields(dry_run=False))
    run(tenant, real, real_batch)
    return (
        comparable(report(tenant, dry), labels),
        comparable(report(tenant, real), labels),
        counts(finished(tenant, dry)),
        counts(finished(tenant, real)),
    )


# -- the properties -----------------------------------------------------------------------


@PROPERTY
@given(case=cases(), dry_batch=st.integers(1, 4), real_batch=st.integers(1, 4))
def test_a_dry_run_reports_row_by_row_what_the_real_run_does(
    app_client, monkeypatch, case, dry_batch, real_batch
):
    monkeypatch.setattr(runner, "WRITER_PAUSE", 0.0)  # no other writer waits here
    dry, real, dry_counts, real_counts = dry_then_real(app_client, case, dry_batch, real_batch)
    assert dry_counts["state"] == real_counts["state"] == "done"
    assert [r["row_no"] for r in real] == list(range(1, len(case.rows) + 1))
    assert dry == real
    assert dry_counts == real_counts


# -- cases the properties found -----------------------------------------------------------


def _rows(*cells: dict[str, str]) -> list[dict[str, str]]:
    return [{c: row.get(c, "") for c in COLUMNS} for row in cells]


def test_a_row_whose_id_names_one_customer_and_its_external_key_another_fails_alone(
    app_client, monkeypatch
):
    """An export's id names Ada, its external key is Dee's (or, further down, a row's id
    names a customer an earlier row made, or its key is a deleted customer's): the real run
    wrote the key to the id's customer, broke the unique external key and stopped the whole
    import (an IntegrityError three times), where the dry run said "update"; the row now
    fails, in both, and the rest goes on."""
    monkeypatch.setattr(runner, "WRITER_PAUSE", 0.0)
    case = Case(
        rows=_rows(
            {"first_name": "Ann", "external_id": "4"},  # Ada's id, Dee's key
            {"email": "n1@example.com"},  # makes new:0
            {"external_id": "4"},  # new:0 by id, Dee's key
            {"email": "n2@example.com", "external_id": "8"},  # makes a holder of 8
            {"external_id": "8"},  # new:0 by id, row 4's key (in the same batch)
            {"email": "n3@example.com"},
            {"external_id": "9"},  # Bob's id, the key of a deleted customer
        ),
        ids=["seed:0", "new:0", "new:0", "", "new:0", "", "seed:1"],
    )
    for batch in (1, 2, 6):
        dry, real, dry_counts, real_counts = dry_then_real(app_client, case, batch, batch)
        assert real_counts["state"] == "done", real_counts["error"]
        assert dry == real
        assert dry_counts == real_counts
        assert [r["action"] for r in real] == ["fail", "create", "fail", "create", "fail",
                                               "create", "fail"]  # fmt: skip
        assert real[0]["problems"] == [
            ["external_id", "external_id", "4", "already used by customer seed 3"]
        ]
        assert real[4]["problems"][0][3] == "already used by customer row 4"
        assert real[6]["problems"][0][3] == "belongs to a deleted customer; restore it first"


def test_a_row_with_an_export_id_kept_apart_from_its_email_holder_fails_alone(
    app_client, monkeypatch
):
    """A row with an export's id never merges into a customer this import made from another
    row (``Batch._kept_apart``), so it was created, with the email that customer has: the
    real run broke the unique live email and stopped the whole import, where its dry run
    said "create". It now fails, in both; the rest goes on."""
    monkeypatch.setattr(runner, "WRITER_PAUSE", 0.0)
    case = Case(
        rows=_rows(
            {"email": "n1@example.com", "first_name": "Nina"},
            {"email": "N1@example.com", "first_name": "Nina"},  # new:0: kept apart from row 1
            {"email": "n2@example.com"},
        ),
        ids=["", "new:0", ""],
    )
    for batch in (1, 3):
        dry, real, dry_counts, real_counts = dry_then_real(app_client, case, batch, batch)
        assert real_counts["state"] == "done", real_counts["error"]
        assert dry == real
        assert dry_counts == real_counts
        assert [r["action"] for r in real] == ["create", "fail", "create"]
        assert real[1]["problems"] == [
            ["email", "email", "N1@example.com",
             "a customer with this email already exists (row 1)"]
        ]  # fmt: skip
