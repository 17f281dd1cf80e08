"""rolodex export: a tenant's customers (any list filter) as CSV, JSON or NDJSON."""

from __future__ import annotations

import sys
import uuid
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from rolodex.auth.roles import Principal
from rolodex.cli.context import console, database, err_console, handled, is_terminal, resolve_tenant
from rolodex.db import Database

if TYPE_CHECKING:
    from rolodex.exports.service import Selection


def export_command(
    tenant: str = typer.Option(..., "--tenant", help="Tenant slug or id."),
    format: str = typer.Option("csv", "--format", help="csv, json or ndjson."),
    out: Path | None = typer.Option(None, "--out", help="File to write (default: stdout)."),
    filter: str | None = typer.Option(
        None, "--filter", help="Filter language: stage:customer tag:vip"
    ),
    q: str | None = typer.Option(None, "--q", help="Text search."),
    stage: str | None = typer.Option(None, "--stage", help="a,b"),
    status: str | None = typer.Option(None, "--status", help="a,b"),
    type: str | None = typer.Option(None, "--type", help="a,b"),
    tag: list[str] = typer.Option([], "--tag", help="Every listed tag (repeatable)."),
    source: str | None = typer.Option(None, "--source", help="a,b"),
    country: str | None = typer.Option(None, "--country", help="a,b"),
    segment: str | None = typer.Option(None, "--segment", help="Segment ids or keys."),
    created_after: str | None = typer.Option(None, "--created-after", help="ISO or -30d."),
    created_before: str | None = typer.Option(None, "--created-before", help="ISO or -30d."),
    where: list[str] = typer.Option([], "--where", help="Any list parameter: name=value."),
    sort: str | None = typer.Option(
        None, "--sort", help="Order, e.g. -ltv (default: creation order)."
    ),
    limit: int | None = typer.Option(None, "--limit", help="At most this many customers."),
) -> None:
    """Export customers (the same filters as GET /v1/customers); streamed, audited."""
    from rolodex.exports import service
    from rolodex.search import filters
    from rolodex.search import params as search_params
    from rolodex.search import service as search_service

    given = {
        "filter": filter,
        "stage": stage,
        "status": status,
        "type": type,
        "source": source,
        "country": country,
        "segment": segment,
        "created_after": created_after,
        "created_before": created_before,
    }
    items: list[tuple[str, str]] = [(k, v) for k, v in given.items() if v]
    items += [("tag", t) for t in tag]
    db = database()
    with handled(), ExitStack() as files:
        format = service.format_of(format)
        items += [_where(pair) for pair in where]
        t = resolve_tenant(db, tenant)
        node = search_params.filter_from_params(items)
        if q:
            node = filters.join(node, filters.cond("q", "match", q.strip()[:200], where="q"))
        principal = Principal(t.id, "admin", "system", "cli:export", "rolodex export")
        selection = service.Selection(node, sort, limit)
        audited = items + [(k, str(v)) for k, v in (("sort", sort), ("limit", limit)) if v]
        with db.session(t.id) as session:
            service.check(session, t.id, selection, format)
            # Before the audit entry: an export that cannot be written is not recorded.
            target = files.enter_context(_open(out)) if out else sys.stdout.buffer
            service.record_audit(session, principal, format, node, audited)
            total = search_service.count_customers(session, t.id, node)
        total = total if limit is None else min(total, limit)
        _write(db, t.id, format, selection, target, total, show=out is not None)
    if out:
        console.print(f"exported {total:,} customers to {out}", highlight=False)


def _open(path: Path) -> BinaryIO:
    from rolodex.errors import InvalidInput

    try:
        return path.open("wb")
    except OSError as exc:
        raise InvalidInput(f"cannot write {path}: {exc.strerror or exc}") from exc


def _where(pair: str) -> tuple[str, str]:
    """One ``--where name=value``; a name the list does not filter on is refused (it would
    be ignored, and the export hold every customer)."""
    from rolodex.errors import InvalidInput
    from rolodex.search import params as search_params

    name, equals, value = pair.partition("=")
    name = name.strip()
    if not name or not (equals or name.startswith("attr.")):  # attr.score>5 has no "="
        raise InvalidInput(f"--where {pair!r}: write name=value, e.g. stage=customer")
    if name in ("q", "sort", "limit", "format"):
        raise InvalidInput(f"--where {pair!r}: {name} has its own option, --{name}")
    if not search_params.is_filter_param(name):
        raise InvalidInput(
            f"--where {pair!r}: {name!r} is not a filter of the customer list "
            "(see GET /v1/customers: stage, status, tag, segment, ltv_min, attr.<name>, ...)"
        )
    return name, value


def _write(
    db: Database,
    tenant_id: uuid.UUID,
    fmt: str,
    selection: Selection,
    target: BinaryIO,
    total: int,
    *,
    show: bool,
) -> None:
    from rolodex.exports import service

    if show and is_terminal():
        with Progress(TextColumn("exporting"), BarColumn(), MofNCompleteColumn(),
                      console=console) as bar:  # fmt: skip
            task = bar.add_task("export", total=max(total, 1))
            pieces = service.stream(db, tenant_id, fmt, selection, lambda n: bar.advance(task, n))
            for piece in pieces:
                target.write(piece)
        return
    done = {"rows": 0, "step": -1}  # counters of the plain reporter

    def plain(n: int) -> None:
        done["rows"] += n
        step = int(10 * done["rows"] / max(total, 1))
        if show and step != done["step"]:
            done["step"] = step
            err_console.print(f"exported {done['rows']:,}/{total:,} customers", highlight=False)

    for piece in service.stream(db, tenant_id, fmt, selection, plain):
        target.write(piece)
