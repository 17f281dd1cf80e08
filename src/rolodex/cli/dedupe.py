"""rolodex dedupe: full-tenant duplicate scan (and auto-merge), matching-key backfill."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import typer
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from rolodex.auth.roles import Principal
from rolodex.cli.context import console, database, handled, is_terminal, resolve_tenant

dedupe_app = typer.Typer(help="Duplicate customers: scan, auto-merge.", no_args_is_help=True)

PHASES = {
    "reading": "Reading customers",
    "scoring": "Scoring pairs",
    "storing": "Storing",
    "merging": "Merging",
}


@contextmanager
def _reporter() -> Iterator[Callable[[str, int, int], None]]:
    """A progress callback: a Rich bar per phase on a terminal, plain lines otherwise."""
    if is_terminal():
        with Progress(
            TextColumn("{task.description:<18}"),
            BarColumn(),
            TextColumn("{task.completed:,}/{task.total:,}"),
            TimeElapsedColumn(),
            console=console,
            transient=False,
        ) as bar:
            tasks: dict[str, TaskID] = {}

            def update(phase: str, done: int, total: int) -> None:
                if phase not in tasks:
                    tasks[phase] = bar.add_task(PHASES.get(phase, phase), total=max(total, 1))
                bar.update(tasks[phase], completed=done, total=max(total, done, 1))

            yield update
        return
    last: dict[str, float] = {}

    def plain(phase: str, done: int, total: int) -> None:
        share = done / total if total else 1.0
        step = int(share * 10)
        if last.get(phase) != step:
            last[phase] = step
            console.print(f"{PHASES.get(phase, phase)}: {done:,}/{total:,}", highlight=False)

    yield plain


@dedupe_app.command("scan")
def scan_command(
    tenant: str = typer.Option(..., "--tenant", help="Tenant slug or id."),
    auto_merge: bool = typer.Option(
        False, "--auto-merge", help="Merge pairs at or above the tenant's auto-merge threshold."
    ),
) -> None:
    """Find every candidate duplicate pair of a tenant and store them for review."""
    from rolodex.identity import scan

    db = database()
    with handled():
        t = resolve_tenant(db, tenant)
        principal = Principal(t.id, "admin", "system", "cli:dedupe", "rolodex dedupe scan")
        started = time.monotonic()
        with _reporter() as progress:
            outcome = scan.run(db, principal, auto_merge=auto_merge, progress=progress)
    console.print(
        f"scanned {outcome.customers:,} customers in {time.monotonic() - started:.1f}s: "
        f"{outcome.pairs_scored:,} pairs scored, {outcome.candidates:,} candidates stored"
        + (f", {outcome.merged:,} merged" if auto_merge else ""),
        highlight=False,
    )
    console.print(f"scan {outcome.scan_id}", highlight=False, style="dim")


@dedupe_app.command("keys")
def keys_command(tenant: str = typer.Option(..., "--tenant", help="Tenant slug or id.")) -> None:
    """Recompute the indexed matching keys of customers written by bulk loads."""
    from rolodex.identity import keys

    db = database()
    with handled():
        t = resolve_tenant(db, tenant)
        with db.session(t.id) as session:
            changed = keys.backfill(session, t.id)
    console.print(f"{changed:,} customers had stale matching keys; updated", highlight=False)
