"""rolodex audit verify: walk a tenant's audit hash chain."""

from __future__ import annotations

import typer

from rolodex.cli.context import console, database, err_console, handled, resolve_tenant

audit_app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)


@audit_app.command("verify")
def verify(tenant: str = typer.Option(..., "--tenant", help="Tenant slug or id.")) -> None:
    """Check every entry of the tenant's chain; exit 1 naming the first broken entry."""
    from rolodex.audit import service

    db = database()
    with handled():
        t = resolve_tenant(db, tenant)
        with db.session(t.id, write=False) as session:
            result = service.verify(session, t.id)
    db.dispose()
    if result.ok:
        console.print(result.message, highlight=False)
        return
    err_console.print(f"[red]broken:[/red] {result.message}", highlight=False)
    raise typer.Exit(1)
