"""Entry point of the `rolodex` command."""

from __future__ import annotations

import os
from typing import Any

import typer
from rich.markup import escape
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError, ProgrammingError

from rolodex.cli.audit import audit_app
from rolodex.cli.context import close_databases, console, err_console, safe_streams
from rolodex.cli.dedupe import dedupe_app
from rolodex.cli.demo import demo
from rolodex.cli.exports import export_command
from rolodex.cli.import_runs import imports_app
from rolodex.cli.imports import import_command, revert_command
from rolodex.cli.jobs import jobs_app, worker
from rolodex.cli.search import search_app
from rolodex.cli.segments import segments_app
from rolodex.cli.sources import sources_app
from rolodex.cli.tenants import keys_app, tenants_app, users_app
from rolodex.config import get_settings


class _App(typer.Typer):
    """The ``rolodex`` command: a database it cannot use is a one-line error, not a
    traceback (a file never migrated, a server that does not answer)."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        safe_streams()
        try:
            return super().__call__(*args, **kwargs)
        except DBAPIError as exc:
            if not isinstance(exc, OperationalError | ProgrammingError):
                raise
            err_console.print(f"[red]error:[/red] {escape(database_problem(exc))}")
            raise SystemExit(1) from None


def database_problem(exc: DBAPIError) -> str:
    """What to tell the operator about a database error no command expected."""
    url = make_url(get_settings().database_url).render_as_string(hide_password=True)
    first = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
    if "no such table" in first or getattr(exc.orig, "sqlstate", None) == "42P01":
        return (
            f"the database at {url} has no Rolodex tables ({first}): run `rolodex db upgrade`, "
            "or point ROLODEX_DATABASE_URL at the right database (the demo's is "
            "sqlite:///./rolodex-demo.db)"
        )
    return f"cannot use the database at {url}: {first}"


app = _App(help="Rolodex: one clean record per customer.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)


@app.callback()
def _every_command(ctx: typer.Context) -> None:
    ctx.call_on_close(close_databases)


app.add_typer(db_app, name="db")
app.add_typer(tenants_app, name="tenants")
app.add_typer(keys_app, name="keys")
app.add_typer(users_app, name="users")
app.add_typer(audit_app, name="audit")
app.add_typer(dedupe_app, name="dedupe")
app.add_typer(jobs_app, name="jobs")
app.add_typer(sources_app, name="sources")
app.add_typer(segments_app, name="segments")
app.add_typer(search_app, name="search")
app.add_typer(imports_app, name="imports")
app.command()(worker)
app.command()(demo)
app.command("import")(import_command)
app.command("revert-import")(revert_command)
app.command("export")(export_command)


@db_app.command("upgrade")
def db_upgrade(revision: str = typer.Argument("heads")) -> None:
    """Apply migrations (SQLite or PostgreSQL, from ROLODEX_DATABASE_URL)."""
    from rolodex.db import make_owner_engine
    from rolodex.migrations.runner import current_revision, upgrade

    settings = get_settings()
    engine = make_owner_engine(settings.database_url)
    upgrade(engine, settings.db_app_role if settings.is_postgres else None, revision)
    console.print(f"database at revision {current_revision(engine)}")


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8000, help="Port to listen on."),
    workers: int = typer.Option(1, help="Worker processes."),
    no_worker: bool = typer.Option(
        False, "--no-worker", help="No embedded job worker (run `rolodex worker` instead)."
    ),
) -> None:
    """Run the API and dashboard server (with an embedded job worker unless --no-worker)."""
    import uvicorn

    os.environ["ROLODEX_EMBEDDED_WORKER"] = "0" if no_worker else "1"
    get_settings()  # fail fast on bad configuration
    uvicorn.run(
        "rolodex.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=os.environ.get("ROLODEX_LOG_LEVEL", "info").lower(),
    )


if __name__ == "__main__":
    app()
