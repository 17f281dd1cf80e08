"""rolodex imports list|cancel: an operator's view of a tenant's imports from the shell.

``cancel`` does what ``POST /v1/imports/{id}/cancel`` does, and more where no runner is left:
an import whose runner died (``kill -9`` of ``rolodex import``, a lost worker) keeps its
lease until it runs out, and then only a worker takes it over to honour the cancel. Past its
lease, the command takes it over itself and stops it at once, keeping what is done.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import typer

from rolodex.cli.context import (
    console,
    database,
    handled,
    id_argument,
    resolve_tenant,
    rows,
    shown,
)

if TYPE_CHECKING:
    from rolodex.models import ImportRun


def import_uuid(text: str, tenant: str) -> uuid.UUID:
    """An import id given on the command line (bad usage, exit 2, when it is not one)."""
    return id_argument(text, "IMPORT_ID", "an import id", f"rolodex imports list --tenant {tenant}")


imports_app = typer.Typer(help="A tenant's imports: list them, cancel one.", no_args_is_help=True)


@imports_app.command("list")
def list_imports(
    tenant: str = typer.Option(..., "--tenant", help="Tenant slug or id."),
    limit: int = typer.Option(20, "--limit", min=1, max=200),
) -> None:
    """The tenant's imports, newest first: state, rows and what became of them."""
    from rolodex.imports import report_repository, repository, stall
    from rolodex.kit.time import utcnow
    from rolodex.models import ImportRun

    db = database()
    with handled():
        t = resolve_tenant(db, tenant)
        with db.session(t.id, write=False) as session:
            stmt = repository.list_query(t.id).order_by(
                ImportRun.created_at.desc(), ImportRun.id.desc()
            )
            runs = list(session.scalars(stmt.limit(limit)))
            for run in runs:
                kind = "dry run " if run.dry_run else ""
                problems = report_repository.problems(session, run)
                console.print(
                    f"{run.id}  {run.created_at:%Y-%m-%d %H:%M}  {kind}{run.state:<9} "
                    f"{shown(run.filename)}: {rows(run.rows_read)}, {run.created:,} created, "
                    f"{run.updated:,} updated, {run.failed:,} failed, {problems:,} problems"
                    f"{_reverted(run)}",
                    highlight=False,
                )
                job = repository.gave_up(session, run)
                since = stall.stalled_since(run, utcnow())
                if job is not None:  # nothing runs it until someone retries its job
                    console.print(
                        f"  its {'revert' if job.kind != 'import.run' else 'import'} job gave up "
                        f"after its last try: rolodex jobs retry {job.id} goes on from the "
                        "last batch written",
                        highlight=False,
                    )
                elif since is not None:  # nobody runs it: say so under it
                    console.print(f"  {stall.said(since, run.state)}", highlight=False)
            if not runs:
                console.print("no imports", style="dim")


def _reverted(run: ImportRun) -> str:
    """Where the import's revert stands: a reverted import listed as done with its customers
    created read as if they were still there."""
    said = {
        "queued": "revert queued",
        "running": "reverting",
        "partial": f"reverted in part ({run.reverted:,} reverted, {run.revert_partly:,} partly, "
        f"{run.revert_kept:,} kept)",
        "done": f"reverted ({run.reverted:,} customers)",
    }.get(run.revert_state or "")
    return f"; {said}" if said else ""


@imports_app.command("cancel")
def cancel_import(
    import_id: str = typer.Argument(..., help="The import's id."),
    tenant: str = typer.Option(..., "--tenant", help="Tenant slug or id."),
) -> None:
    """Stop an import at its next batch boundary, keeping what is done (a queued one now; one
    whose runner died, now too)."""
    from rolodex.auth.roles import Principal
    from rolodex.imports import runner, service

    db = database()
    with handled():
        run_id = import_uuid(import_id, tenant)
        t = resolve_tenant(db, tenant)
        principal = Principal(t.id, "admin", "system", "cli:imports", "rolodex imports cancel")
        with db.session(t.id) as session:
            run = service.cancel(session, principal, run_id)
            state = run.state
        if state == "running":
            with db.session(t.id) as session:
                try:  # no runner left (its lease ran out): stop it here
                    done = runner.run_import(session, t.id, run_id, runner="cli:imports cancel")
                    state = done.state if done is not None else state
                except runner.Busy:
                    console.print(
                        f"import {run_id}: cancel asked; its runner stops at its next batch",
                        highlight=False,
                    )
                    return
        console.print(f"import {run_id}: {state}", highlight=False)
