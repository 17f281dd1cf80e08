"""rolodex export: a tenant's customers (any list filter) as CSV, JSON or NDJSON."""

from __future__ import annotations

import sys
import uuid
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from rolodex.auth.roles import Principal
from rolodex.cli.context import (
    READER_GONE,
    UsageError,
    console,
    customers,
    database,
    err_console,
    handled,
    is_terminal,
    resolve_tenant,
    silence,
    stopped_by_sigterm,
)
from rolodex.cli.files import STDOUT, Output, is_regular, writable
from rolodex.db import Database
from rolodex.errors import RolodexError

if TYPE_CHECKING:
    from rolodex.exports.service import Selection


def export_command(
    tenant: str = typer.Option(..., "--tenant", help="Tenant slug or id."),
    format: str = typer.Option(
        "csv",
        "--format",
        help="csv, json, ndjson, xlsx (an Excel workbook: give --out) or vcard (contacts, .vcf).",
    ),
    out: Path | None = typer.Option(
        None, "--out", help="File to write, moved into place whole (default or -: stdout)."
    ),
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
    """Export customers (the same filters as GET /v1/customers); streamed, audited.

    Exit code: 0 exported; 2 bad usage (an option's value, a --where, an --out it cannot
    write), said in one line before anything is written or audited; 1 another error (an
    output that refuses the writes, as a full disk, is said in one line too); 141
    its reader went away (``| head``); 130 or 143 stopped by Ctrl-C or SIGTERM (an --out
    file is then left as it was).
    """
    from rolodex.errors import InvalidInput
    from rolodex.exports import service
    from rolodex.kit.time import utcnow
    from rolodex.search import filters
    from rolodex.search import params as search_params
    from rolodex.search import service as search_service

    given = {
        "--filter": ("filter", filter),
        "--stage": ("stage", stage),
        "--status": ("status", status),
        "--type": ("type", type),
        "--source": ("source", source),
        "--country": ("country", country),
        "--segment": ("segment", segment),
        "--created-after": ("created_after", created_after),
        "--created-before": ("created_before", created_before),
    }
    # (option, list parameter, value): what the filter is made of, to name in an error
    labeled = [(opt, name, v) for opt, (name, v) in given.items() if v]
    labeled += [("--tag", "tag", t) for t in tag]
    to_file = out is not None and out != STDOUT
    db = database()
    try:
        with stopped_by_sigterm(), handled(), ExitStack() as files:
            labeled += [(f"--where {name}", name, value) for name, value in map(_where, where)]
            items = [(name, value) for _, name, value in labeled]
            text = (q or "").strip()
            if len(text) > MAX_Q:  # the API refuses it too; cut short, it searched for less
                raise UsageError(f"--q: at most {MAX_Q} characters (got {len(text):,})")
            try:
                format = service.format_of(format)
                node = search_params.filter_from_params(items)
            except InvalidInput as exc:
                raise _usage(exc, labeled) from exc
            t = resolve_tenant(db, tenant)
            if text:
                node = filters.join(node, filters.cond("q", "match", text, where="q"))
            principal = Principal(t.id, "admin", "system", "cli:export", "rolodex export")
            selection = service.Selection(node, sort, limit, utcnow())
            extra = (("q", text), ("sort", sort), ("limit", limit))
            audited = items + [(k, str(v)) for k, v in extra if v]
            with db.session(t.id) as session:
                try:
                    service.check(session, t.id, selection, format)
                except InvalidInput as exc:
                    raise _usage(exc, labeled) from exc
                # Written beside its path, moved into place whole: a failed export leaves the
                # file of an earlier one as it was. Before the audit: an export it cannot write
                # is not recorded.
                path = out if to_file and out else STDOUT
                if format == "xlsx" and not to_file and sys.stdout.isatty():
                    raise UsageError(
                        "--format xlsx writes a workbook (binary): give --out FILE, or "
                        "redirect standard output to a file"
                    )
                bom = is_regular(path)  # before writable opens it
                target = files.enter_context(writable(path))
                service.record_audit(session, principal, format, node, audited)
                total = search_service.count_customers(session, t.id, node, now=selection.now)
            total = total if limit is None else min(total, limit)
            written = _write(db, t.id, format, selection, target, total, show=to_file, bom=bom)
    except BrokenPipeError:  # `rolodex export | head`: as a Unix tool, quietly
        if not to_file:
            silence(sys.stdout)
        raise typer.Exit(READER_GONE) from None
    if to_file:
        console.print(f"exported {customers(written)} to {out}", highlight=False)


MAX_Q = 200  # as GET /v1/customers and /v1/exports take it
# A refused value's field (in the API's words) → its option, when no filter option gave it.
_OPTIONS = {"format": "--format", "sort": "--sort", "limit": "--limit", "q": "--q"}


def _usage(exc: RolodexError, labeled: list[tuple[str, str, str]]) -> UsageError:
    """A refused option value as bad usage (exit code 2) in one line naming the option:
    ``--stage: unknown value 'nope'; ...``, ``--limit: at least 1 (got 0)``."""
    details = exc.details if isinstance(exc.details, list) else []
    detail = details[0] if len(details) == 1 and isinstance(details[0], dict) else {}
    field, message = str(detail.get("field") or ""), str(detail.get("message") or "")
    option = _option_of(field, labeled) if field and message else None
    if option is None:
        return UsageError(exc.message)
    said = f"{option}: {message}"
    value = detail.get("value")
    if value is not None and repr(value) not in said:
        said += f" (got {value!r})"
    return UsageError(said)


def _option_of(field: str, labeled: list[tuple[str, str, str]]) -> str | None:
    """The option that gave the value a field error names (``filter.attr.x``: --filter)."""
    if field in _OPTIONS:
        return _OPTIONS[field]
    base = "filter" if field.startswith("filter.") else field
    # deleted: include_deleted=true, deleted=only or a filter's deleted:include
    names = ("include_deleted", "deleted", "filter") if base == "deleted" else (base,)
    for name in names:
        for option, param, _ in labeled:
            if param == name:
                return option
    for option, param, _ in labeled:  # segment_none=x is refused as "segment"
        if param.startswith(base):
            return option
    return None


def _where(pair: str) -> tuple[str, str]:
    """One ``--where name=value``; a name the list does not filter on is refused (it would
    be ignored, and the export hold every customer)."""
    from rolodex.search import params as search_params

    name, equals, value = pair.partition("=")
    name = name.strip()
    if not name or not (equals or name.startswith("attr.")):  # attr.score>5 has no "="
        raise UsageError(f"--where {pair!r}: write name=value, e.g. stage=customer")
    if name in ("q", "sort", "limit", "format"):
        raise UsageError(f"--where {pair!r}: {name} has its own option, --{name}")
    if not search_params.is_filter_param(name):
        raise UsageError(
            f"--where {pair!r}: {name!r} is not a filter of the customer list "
            "(see GET /v1/customers: stage, status, tag, segment, ltv_min, attr.<name>, ...)"
        )
    return name, value


def _write(
    db: Database,
    tenant_id: uuid.UUID,
    fmt: str,
    selection: Selection,
    target: Output,
    total: int,
    *,
    show: bool,
    bom: bool,
) -> int:
    """Write the export; how many customers it held (``total`` was counted before, in
    another transaction: a customer added or deleted since made it wrong). ``bom``: a CSV's
    byte-order mark, for a file only (see ``files.is_regular``)."""
    from rolodex.exports import service

    done = {"rows": 0, "step": -1}  # counters of the plain reporter
    if show and is_terminal():
        with Progress(TextColumn("exporting"), BarColumn(), MofNCompleteColumn(),
                      console=console) as bar:  # fmt: skip
            task = bar.add_task("export", total=max(total, 1))

            def advance(n: int) -> None:
                done["rows"] += n
                bar.advance(task, n)

            for piece in service.stream(db, tenant_id, fmt, selection, advance, bom=bom):
                target.write(piece)
        return done["rows"]

    def plain(n: int) -> None:
        done["rows"] += n
        step = int(10 * done["rows"] / max(total, 1))
        if show and step != done["step"]:
            done["step"] = step
            err_console.print(f"exported {done['rows']:,}/{customers(total)}", highlight=False)

    for piece in service.stream(db, tenant_id, fmt, selection, plain, bom=bom):
        target.write(piece)
    return done["rows"]
