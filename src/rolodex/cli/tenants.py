"""rolodex tenants / keys / users."""

from __future__ import annotations

import typer

from rolodex.cli.context import console, database, handled, id_argument, resolve_tenant
from rolodex.tenants import service

tenants_app = typer.Typer(help="Tenants (companies).", no_args_is_help=True)
keys_app = typer.Typer(help="API keys.", no_args_is_help=True)
users_app = typer.Typer(help="Dashboard users.", no_args_is_help=True)


@tenants_app.command("create")
def create_tenant(
    name: str,
    slug: str | None = typer.Option(None, help="URL name; derived from NAME when omitted."),
    region: str = typer.Option("US", help="Default phone region (ISO 3166)."),
) -> None:
    """Create a tenant and print its first admin API key (shown once)."""
    db = database()
    with handled(), db.session() as session:
        tenant = service.create_tenant(session, name, slug=slug, default_region=region)
        # The key is tenant data (row-level security): the same transaction, now of the tenant.
        db.set_tenant(session, tenant.id)
        issued = service.create_key(session, tenant.id, "admin", "initial admin key")
    console.print(f"tenant   {tenant.slug}  ({tenant.id})", highlight=False)
    console.print(f"api key  {issued.key}", highlight=False)
    console.print("The key is shown once; store it now.", style="dim")


@tenants_app.command("list")
def list_tenants() -> None:
    """List tenants."""
    from sqlalchemy import select

    from rolodex.models import Tenant

    db = database()
    with db.session(write=False) as session:
        for tenant in session.scalars(select(Tenant).order_by(Tenant.created_at)):
            console.print(f"{tenant.slug}\t{tenant.id}\t{tenant.name}", highlight=False)


@keys_app.command("create")
def create_key(
    tenant: str = typer.Option(..., "--tenant", help="Tenant slug or id."),
    role: str = typer.Option("agent", "--role", help="admin, agent, viewer or ingest."),
    name: str = typer.Option("", "--name", help="A label for the key."),
) -> None:
    """Create an API key and print it (shown once)."""
    db = database()
    with handled():
        t = resolve_tenant(db, tenant)
        with db.session(t.id) as session:
            issued = service.create_key(session, t.id, role, name)
    console.print(issued.key, highlight=False)


@keys_app.command("revoke")
def revoke_key(
    key_id: str,
    tenant: str = typer.Option(..., "--tenant", help="Tenant slug or id."),
) -> None:
    """Revoke an API key by its id."""
    db = database()
    with handled():
        kid = id_argument(key_id, "KEY_ID", "an API key's id")
        t = resolve_tenant(db, tenant)
        with db.session(t.id) as session:
            service.revoke_key(session, t.id, kid)
    console.print("revoked")


@users_app.command("create")
def create_user(
    tenant: str = typer.Option(..., "--tenant", help="Tenant slug or id."),
    email: str = typer.Option(..., "--email"),
    role: str = typer.Option("admin", "--role"),
    password: str = typer.Option(
        ..., "--password", prompt=True, hide_input=True, confirmation_prompt=True
    ),
) -> None:
    """Create a dashboard user with a password."""
    db = database()
    with handled():
        t = resolve_tenant(db, tenant)
        with db.session(t.id) as session:
            user = service.create_user(session, t.id, email, password, role=role)
    console.print(f"user {user.email} ({user.role}) created in {t.slug}", highlight=False)
