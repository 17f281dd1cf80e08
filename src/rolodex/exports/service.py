"""Export use cases: the customers of any list filter as CSV, JSON, NDJSON, an Excel workbook
or vCards (``vcard``), streamed.

The filter is the customer list's own (search.params / search.service.base_condition), so an
export gives exactly the customers GET /v1/customers lists for the same parameters; deleted
customers are never exported. Pages of PAGE customers are read by keyset, by default in
creation order (created_at, then id), so memory stays flat at any size. A JSON or NDJSON
record is the API representation of a customer (CustomerOut) plus its order figures; a CSV row
flattens it: consent and UTM parts, ``addressN_part`` columns for each address, ``attr.name``
for each custom attribute (or one ``attributes`` column of JSON when there would be more
columns than an import reads), tags and sources joined with ``|``. Exports are audited (who, which
filter, which format).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rolodex.audit import service as audit
from rolodex.auth.roles import Principal
from rolodex.customers import repository as customers_repo
from rolodex.db import Database
from rolodex.errors import field_error
from rolodex.exports import repository, vcard, writers
from rolodex.imports import repository as customer_rows
from rolodex.imports.cells import attr_cell, split_tags
from rolodex.imports.mapping import ADDRESS_PARTS, MAX_ADDRESSES
from rolodex.imports.reader import MAX_COLUMNS
from rolodex.imports.snapshot import snapshot
from rolodex.imports.state import State
from rolodex.kit import pagination, query_params
from rolodex.kit.time import utcnow
from rolodex.models import Customer
from rolodex.search import filters
from rolodex.search import params as search_params
from rolodex.search import service as search
from rolodex.search.filters import Node

PAGE = 1000
SQL_COUNT_MAX = 2**63 - 1
FORMATS = ("csv", "json", "ndjson", "xlsx", "vcard")
NUMBERS = ("ltv", "order_count")  # numbers in a workbook, text in every other cell
COLUMNS = (
    "id", "email", "email_normalized", "phone", "phone_e164", "first_name", "last_name",
    "full_name", "company", "lifecycle_stage", "status", "customer_type", "tags", "notes",
    "internal_notes", "email_consent", "email_consent_at", "email_consent_source",
    "sms_consent", "sms_consent_at", "sms_consent_source", "acquisition_source", "utm_source",
    "utm_medium", "utm_campaign", "utm_term", "utm_content", "ltv", "order_count",
    "first_order_at", "last_order_at", "last_active_at", "created_at", "updated_at", "sources",
)  # fmt: skip
_PLAIN = (
    "id", "email", "email_normalized", "phone", "phone_e164", "first_name", "last_name",
    "full_name", "company", "lifecycle_stage", "status", "customer_type", "notes",
    "internal_notes", "acquisition_source", "ltv", "order_count", "first_order_at",
    "last_order_at", "last_active_at", "created_at", "updated_at",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Selection:
    """Which customers an export holds and in which order: those of ``node``, by ``sort`` (the
    list's sort keys) or else in creation order (created_at, oldest first; then id), at most
    ``limit`` of them. ``now``: the moment relative times in the filter (``-30d``) are read
    at, one for the whole export (None: when it starts streaming)."""

    node: Node
    sort: str | None = None
    limit: int | None = None
    now: datetime | None = None


def format_of(value: str) -> str:
    """The format ``value`` names, in any case; a 422 naming the formats for anything else."""
    fmt = value.strip().lower()
    if fmt not in FORMATS:
        raise field_error("format", "one of csv, json, ndjson, xlsx, vcard", value[:50])
    return fmt


def check_names(names: Iterable[str], own: Collection[str]) -> None:
    """A 422 naming the parameters an export does not read: a misspelt filter would
    otherwise be ignored and the export hold every customer. ``own``: the caller's others."""
    query_params.refuse_unknown(
        names,
        own,
        also=search_params.is_filter_param,
        takes=f"an export takes {', '.join(own)} and the filters of GET /v1/customers",
        detail="not a parameter of exports",
    )


def check(session: Session, tenant_id: uuid.UUID, selection: Selection, fmt: str) -> None:
    """A 422 for what the export cannot do, before its response starts and before it is
    audited (an error once streaming has begun can only cut the download short)."""
    if fmt not in FORMATS:
        raise field_error("format", "one of csv, json, ndjson, xlsx, vcard", fmt)
    if search.needs_admin(selection.node):
        raise field_error("deleted", "exports never include deleted customers")
    if selection.limit is not None and selection.limit < 1:
        raise field_error("limit", "at least 1", selection.limit)
    if selection.sort:
        if selection.sort.strip().lstrip("+-") == "relevance":
            raise field_error("sort", "exports are not ordered by relevance; give a sort key")
        customers_repo.sort_keys(selection.sort)  # a 422 naming the allowed keys
    # Building the filter's SQL looks up what it names (a segment may not exist): do it now.
    search.base_condition(search.context(session, tenant_id, selection.now), selection.node)


def record_audit(
    session: Session, principal: Principal, fmt: str, node: Node, params: list[tuple[str, str]]
) -> None:
    """Who exported which filter, in which format."""
    audit_export(
        session,
        principal,
        {
            "format": fmt,
            "filter": filters.to_json(node),
            "params": [[k, v[:500]] for k, v in params[:50]],
        },
    )


def audit_export(session: Session, principal: Principal, meta: dict[str, Any]) -> None:
    """An export's audit entry (no customer, no snapshots): ``meta`` says what left."""
    audit.record(session, principal, "export", None, None, None, meta=meta)


def _when(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value.isoformat())
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def records(
    session: Session, tenant_id: uuid.UUID, rows: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The export records of customers (their column rows): CustomerOut + order figures."""
    tags, addresses, sources = customer_rows.children(session, tenant_id, [r["id"] for r in rows])
    out = []
    for row in rows:
        cid = row["id"]
        doc = snapshot(State(cid, row, tags[cid], addresses[cid], sources[cid]))
        doc["order_count"] = row["order_count"]
        doc["first_order_at"] = _when(row["first_order_at"])
        doc["last_order_at"] = _when(row["last_order_at"])
        out.append(doc)
    return out


def pages(
    session: Session, tenant_id: uuid.UUID, selection: Selection, page_size: int = PAGE
) -> Iterator[list[dict[str, Any]]]:
    """Export records of the selected customers, a page at a time."""
    left = selection.limit
    newest_first = _newest_first(selection.sort)
    if newest_first is None:
        yield from _sorted_pages(session, tenant_id, selection, page_size)
        return
    ctx = search.context(session, tenant_id, selection.now)
    condition = search.base_condition(ctx, selection.node)
    after: tuple[datetime, uuid.UUID] | None = None
    while left is None or left > 0:
        size = page_size if left is None else min(page_size, left)
        rows = repository.page(session, tenant_id, condition, after, size, newest_first)
        if not rows:
            return
        yield records(session, tenant_id, rows)
        after = (rows[-1]["created_at"], rows[-1]["id"])
        left = None if left is None else left - len(rows)


def _newest_first(sort: str | None) -> bool | None:
    """For creation order (the default, or a sort by created_at) whether newest first; None
    for another sort. Creation order is read straight from its index, either way: through
    the list's pages it was ten times slower or worse at a million customers."""
    if not sort:
        return False
    keys = customers_repo.sort_keys(sort)
    return keys[0].desc if [k.name for k in keys] == ["created_at", "id"] else None


def _sorted_pages(
    session: Session, tenant_id: uuid.UUID, selection: Selection, page_size: int
) -> Iterator[list[dict[str, Any]]]:
    """Pages in the order of a sort: the customer list's own keys and keyset (so an export
    sorted by ``-ltv`` with a limit of 100 is the list's first 100). A page reads only the ids
    and sort values, then the rows by id: the list's page would build each customer with its
    tags, addresses and sources, which ``records`` reads again."""
    ctx = search.context(session, tenant_id, selection.now)
    condition = search.base_condition(ctx, selection.node)
    keys = customers_repo.sort_keys(selection.sort)
    columns = [k.expr.label(f"_k{i}") for i, k in enumerate(keys)]
    left, values = selection.limit, None
    while left is None or left > 0:
        size = page_size if left is None else min(page_size, left)
        stmt = select(Customer.id, *columns).where(condition)
        if values is not None:
            stmt = stmt.where(pagination.after(keys, values))
        found = session.execute(stmt.order_by(*pagination.order_by(keys)).limit(size)).all()
        if not found:
            return
        ids = [row[0] for row in found]
        by_id = {r["id"]: r for r in repository.rows(session, tenant_id, ids)}
        yield records(session, tenant_id, [by_id[i] for i in ids if i in by_id])
        if len(found) < size:
            return
        values = list(found[-1][1:])
        left = None if left is None else left - len(ids)


def csv_columns(
    session: Session, tenant_id: uuid.UUID, selection: Selection
) -> tuple[list[str], int | None, list[str] | None]:
    """The CSV header for the selected customers: fixed columns, their addresses (None:
    in one column of JSON, when one has more than an import reads as columns), their
    attributes (their names; None for one ``attributes`` column of JSON, when a column per
    name would make a file wider than an import reads). With a limit, of the customers in
    the file: the first of its order, not every match of its filter."""
    ctx = search.context(session, tenant_id, selection.now)
    condition = search.base_condition(ctx, selection.node)
    ids = repository.ids_of(tenant_id, condition)
    if selection.limit is not None:
        keys = customers_repo.sort_keys(selection.sort or "created_at")
        # A limit past what SQL counts (2**63 - 1) is every customer: it failed mid-download.
        first = min(selection.limit, SQL_COUNT_MAX)
        ids = repository.first(condition, pagination.order_by(keys), first)
        condition = Customer.id.in_(ids)
    n: int | None = repository.max_addresses(session, tenant_id, ids)
    names: list[str] | None = repository.attribute_names(session, tenant_id, condition)
    columns = list(COLUMNS)
    if n is not None and n > MAX_ADDRESSES:
        # more than an import reads as columns (a merge's): one ``addresses`` column of JSON
        n = None
        columns.append("addresses")
    else:
        columns += [f"address{i}_{part}" for i in range(1, (n or 0) + 1) for part in ADDRESS_PARTS]
    if names is not None and len(columns) + len(names) > MAX_COLUMNS:
        names = None
    columns += ["attributes"] if names is None else [f"attr.{name}" for name in names]
    return columns, n, names


def attr_text(value: Any) -> str:
    """A custom attribute as CSV text that an import reads back as the same value: text that
    would read as something else (``5``, ``true``, ``""``, or blank: an import skips a cell
    of only spaces) is written as a JSON string."""
    if isinstance(value, str) and value.strip() and attr_cell(value) == value:
        return value
    return writers.dumps(value).decode()


def _list_text(items: list[str], *, tags: bool = False) -> str:
    """Tags or sources as one CSV cell: joined with ``|``, or a JSON array when one of them
    holds a separator an import would split on ("red;blue" is one tag), or when tags joined
    would read back as other tags (an import reads "a:::b" as Google Contacts' two labels,
    and takes the quotes off '"vip"' as Mailchimp writes each tag)."""
    joined = "|".join(items)
    if (
        any(ch in item for item in items for ch in "|;,")
        or any(item.startswith("[") for item in items)
        or (tags and split_tags(joined, None) != items)
    ):
        return writers.dumps(items).decode()
    return joined


def flat(
    doc: dict[str, Any], addresses: int | None, attributes: list[str] | None
) -> dict[str, Any]:
    """One CSV row of an export record: its addresses in ``addresses`` columns of each part
    (None: as one column of JSON)."""
    out: dict[str, Any] = {name: doc[name] for name in _PLAIN}
    out["tags"] = _list_text(doc["tags"], tags=True)
    consent = doc["consent"]
    for channel in ("email", "sms"):
        out[f"{channel}_consent"] = consent[channel]
        out[f"{channel}_consent_at"] = consent[f"{channel}_at"]
        out[f"{channel}_consent_source"] = consent[f"{channel}_source"]
    for part, value in doc["utm"].items():
        out[f"utm_{part}"] = value
    out["sources"] = _list_text([f"{s['source']}:{s['external_id'] or ''}" for s in doc["sources"]])
    if addresses is None:
        listed = [{p: a[p] for p in ADDRESS_PARTS if a[p] is not None} for a in doc["addresses"]]
        out["addresses"] = writers.dumps(listed).decode() if listed else None
    for i, address in enumerate(doc["addresses"][: addresses or 0], start=1):
        for part in ADDRESS_PARTS:
            out[f"address{i}_{part}"] = address[part]
    attrs = doc["attributes"] or {}
    if attributes is None:
        out["attributes"] = writers.dumps(attrs).decode() if attrs else None
        return out
    for name in attributes:
        if name in attrs:
            out[f"attr.{name}"] = attr_text(attrs[name])
    return out


def stream(
    db: Database,
    tenant_id: uuid.UUID,
    fmt: str,
    selection: Selection,
    on_page: Callable[[int], None] | None = None,
    *,
    bom: bool = True,
) -> Iterator[bytes]:
    """The whole export as bytes, in one read transaction (a consistent view);
    ``on_page`` hears how many customers each page held. ``bom``: a CSV starts with UTF-8's
    byte-order mark (for spreadsheets; not on a command's standard output)."""
    if selection.now is None:
        # The header and the rows read "-30d" at one moment: a customer crossing it between
        # the two was a row without columns for its addresses and attributes (lost).
        selection = replace(selection, now=utcnow())
    with db.session(tenant_id, write=False) as session:
        if db.is_postgres:
            # One snapshot for every page: at READ COMMITTED each page saw what had committed
            # since the last, and a customer edited meanwhile was exported twice or never.
            session.connection(execution_options={"isolation_level": "REPEATABLE READ"})

        def counted() -> Iterator[list[dict[str, Any]]]:
            for page in pages(session, tenant_id, selection):
                if on_page is not None:
                    on_page(len(page))
                yield page

        if fmt in ("csv", "xlsx"):
            columns, n, names = csv_columns(session, tenant_id, selection)
            rows = ([flat(d, n, names) for d in page] for page in counted())
            writer = (
                writers.CsvWriter(columns, bom=bom)
                if fmt == "csv"
                else writers.XlsxWriter(columns, NUMBERS)
            )
            yield from writers.stream(writer, rows)
        elif fmt == "json":
            yield from writers.stream(writers.JsonWriter(), counted())
        elif fmt == "vcard":
            yield from writers.stream(vcard.VcardWriter(), counted())
        else:
            yield from writers.stream(writers.NdjsonWriter(), counted())
