"""rolodex demo: a fresh SQLite database with a lively demo tenant, then the server."""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Callable
from pathlib import Path

import typer
from rich.progress import Progress

from rolodex.cli.context import console, is_terminal
from rolodex.config import Settings
from rolodex.db import Database, make_owner_engine
from rolodex.migrations.runner import upgrade
from rolodex.tenants import service as tenants

DEMO_EMAIL = "demo@rolodex.example"


def demo(
    customers: int = typer.Option(2000, "--customers", help="How many customers to generate."),
    port: int = typer.Option(8000, "--port", help="Port to serve on."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    db_file: Path = typer.Option(Path("rolodex-demo.db"), "--db", help="SQLite file (replaced)."),
    seed: int = typer.Option(7, "--seed", help="Random seed of the generated data."),
    no_serve: bool = typer.Option(False, "--no-serve", help="Prepare the data and exit."),
) -> None:
    """Start a demo: fresh SQLite file, demo tenant and user, realistic customers, server."""
    from rolodex.demo.load import load_people
    from rolodex.demo.synth import generate_demo_people

    started = time.monotonic()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_file}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{db_file.resolve()}"
    os.environ["ROLODEX_DATABASE_URL"] = url
    os.environ.setdefault("ROLODEX_EMBEDDED_WORKER", "1")  # webhooks and jobs run in-process
    settings = Settings(database_url=url)
    upgrade(make_owner_engine(url), None)
    db = Database(settings)
    password = secrets.token_urlsafe(9)
    with db.session() as session:
        tenant = tenants.create_tenant(session, "Demo Shop", slug="demo")
        tenants.create_user(
            session, tenant.id, DEMO_EMAIL, password, role="admin", name="Demo Owner"
        )
        key = tenants.create_key(session, tenant.id, "admin", "demo key")
    records = generate_demo_people(customers, seed=seed)
    with db.engine.begin() as conn:
        if is_terminal():
            with Progress(console=console, transient=True) as progress:
                task = progress.add_task("Generating customers", total=customers)
                load_people(
                    conn,
                    tenant.id,
                    records,
                    on_progress=lambda n: progress.update(task, completed=n),
                )
        else:
            load_people(conn, tenant.id, records, on_progress=_plain_progress(customers))
    db.dispose()
    base = f"http://{host}:{port}"
    console.print(f"\n[bold]Rolodex demo[/bold] ready in {time.monotonic() - started:.1f}s")
    console.print(f"  database  {db_file.resolve()}", highlight=False)
    console.print(f"  open      {base}/", highlight=False)
    console.print(f"  sign in   {DEMO_EMAIL} / {password}", highlight=False)
    console.print(f"  API key   {key.key}", highlight=False)
    console.print(
        f"  try       curl -H 'Authorization: Bearer {key.key}' {base}/v1/customers?limit=3",
        highlight=False,
    )
    console.print(f"  API docs  {base}/docs\n", highlight=False)
    if no_serve:
        return
    import uvicorn

    uvicorn.run("rolodex.app:create_app", factory=True, host=host, port=port, log_level="warning")


def _plain_progress(total: int) -> Callable[[int], None]:
    step = max(total // 10, 1)
    state = {"next": step}

    def report(done: int) -> None:
        if done >= state["next"] or done == total:
            console.print(f"generated {done}/{total} customers", highlight=False)
            state["next"] = done + step

    return report
