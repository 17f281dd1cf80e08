"""What every command needs: settings, the database, output that suits the terminal."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console

from rolodex.config import Settings, get_settings
from rolodex.db import Database
from rolodex.errors import RolodexError
from rolodex.models import Tenant
from rolodex.tenants import service as tenants

console = Console(soft_wrap=True)
err_console = Console(stderr=True, soft_wrap=True)


def is_terminal() -> bool:
    return sys.stdout.isatty()


def database(settings: Settings | None = None) -> Database:
    return Database(settings or get_settings())


@contextmanager
def handled() -> Iterator[None]:
    """Domain errors become a one-line message and exit code 1, not a traceback."""
    try:
        yield
    except RolodexError as exc:
        details = f" ({exc.details})" if exc.details else ""
        err_console.print(f"[red]error:[/red] {exc.message}{details}", highlight=False)
        raise typer.Exit(1) from exc


def resolve_tenant(db: Database, ref: str) -> Tenant:
    with db.session(write=False) as session:
        return tenants.get_tenant(session, ref)
