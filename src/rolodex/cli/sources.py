"""rolodex sources add|list|rotate: webhook senders and their signing secrets."""

from __future__ import annotations

import os
from datetime import timedelta

import typer

from rolodex.cli.context import console, database, handled, id_argument, resolve_tenant

sources_app = typer.Typer(help="Webhook sources (Shopify, Klaviyo).", no_args_is_help=True)


def _secret(given: str | None) -> str:
    secret = given or os.environ.get("ROLODEX_WEBHOOK_SECRET")
    if not secret:
        secret = typer.prompt("Signing secret", hide_input=True)
    return secret


@sources_app.command("add")
def add_source(
    tenant: str = typer.Option(..., "--tenant", help="Tenant slug or id."),
    provider: str = typer.Option(..., "--provider", "--kind", help="shopify or klaviyo."),
    secret: str | None = typer.Option(
        None, "--secret", help="Signing secret (or ROLODEX_WEBHOOK_SECRET, or asked)."
    ),
    name: str | None = typer.Option(None, "--name", help="A label (default: the provider)."),
) -> None:
    """Register a webhook source; prints the URL path to give the sender."""
    from rolodex.ingest import sources

    db = database()
    with handled():
        t = resolve_tenant(db, tenant)
        with db.session(t.id) as session:
            source = sources.create_source(
                session,
                t.id,
                provider.strip().lower(),
                _secret(secret),
                name=name,
                secret_key=db.settings.secret_key,
            )
    console.print(f"source   {source.id}  ({source.provider}, {source.name})", highlight=False)
    console.print(f"webhook  POST /v1/hooks/{t.slug}/{source.provider}", highlight=False)


@sources_app.command("list")
def list_sources(tenant: str = typer.Option(..., "--tenant", help="Tenant slug or id.")) -> None:
    """List a tenant's webhook sources."""
    from rolodex.ingest import repository

    db = database()
    with handled():
        t = resolve_tenant(db, tenant)
        with db.session(t.id, write=False) as session:
            for s in repository.sources(session, t.id):
                state = "disabled" if s.disabled_at else "active"
                console.print(f"{s.id}  {s.provider:<8} {state:<8} {s.name}", highlight=False)


@sources_app.command("rotate")
def rotate_source(
    source_id: str = typer.Argument(..., help="The source's id."),
    tenant: str = typer.Option(..., "--tenant", help="Tenant slug or id."),
    secret: str | None = typer.Option(None, "--secret", help="The new signing secret."),
    grace_hours: float | None = typer.Option(
        None, "--grace-hours", min=0, help="How long the old secret stays valid."
    ),
) -> None:
    """Replace a source's signing secret; the old one stays valid for a grace period."""
    from rolodex.ingest import sources

    db = database()
    with handled():
        sid = id_argument(
            source_id, "SOURCE_ID", "a source id", f"rolodex sources list --tenant {tenant}"
        )
        t = resolve_tenant(db, tenant)
        hours = db.settings.webhook_secret_grace_hours if grace_hours is None else grace_hours
        # a wrong id is said before the secret is asked for (and no transaction waits on it)
        with db.session(t.id, write=False) as session:
            sources.get_source(session, t.id, sid)
        new_secret = _secret(secret)
        with db.session(t.id) as session:
            source = sources.rotate_secret(
                session,
                t.id,
                sid,
                new_secret,
                grace=timedelta(hours=hours),
                secret_key=db.settings.secret_key,
            )
            until = source.previous_valid_until
    console.print(f"rotated; the old secret is valid until {until:%Y-%m-%d %H:%M UTC}")
