"""rolodex search: rebuild a tenant's search index."""

from __future__ import annotations

import typer

from rolodex.cli.context import console, database, handled, resolve_tenant
from rolodex.search.rebuild import rebuild

search_app = typer.Typer(help="The search index.", no_args_is_help=True)


@search_app.command("reindex")
def reindex(tenant: str = typer.Option(..., "--tenant", help="Tenant slug or id.")) -> None:
    """Rebuild the tenant's search index from its customers (after a bulk load or restore)."""
    db = database()
    with handled():
        t = resolve_tenant(db, tenant)
        with db.session(t.id) as session:
            count = rebuild(session.connection(), t.id)
    console.print(f"indexed {count} customers", highlight=False)
