"""rolodex segments: refresh system segments and segment history, list segments."""

from __future__ import annotations

import typer

from rolodex.cli.context import console, database, handled, resolve_tenant
from rolodex.segments import repository, service, tasks

segments_app = typer.Typer(help="Segments.", no_args_is_help=True)


@segments_app.command("refresh")
def refresh(tenant: str = typer.Option(..., "--tenant", help="Tenant slug or id.")) -> None:
    """Recompute system segments (RFM value, engagement, churn risk), record who entered and
    left dynamic segments, close expired assignments."""
    db = database()
    with handled():
        t = resolve_tenant(db, tenant)
        with db.session(t.id) as session:
            report = tasks.refresh_system_segments(session, t.id)
    console.print(f"expired assignments closed: {report.expired}", highlight=False)
    for key, change in report.segments.items():
        console.print(
            f"{key:<24} members {change.members:>8}  entered {change.entered:>7}"
            f"  left {change.left:>7}",
            highlight=False,
        )


@segments_app.command("list")
def list_segments(tenant: str = typer.Option(..., "--tenant", help="Tenant slug or id.")) -> None:
    """List segments with their member counts."""
    db = database()
    with handled():
        t = resolve_tenant(db, tenant)
        with db.session(t.id, write=False) as session:
            for seg in repository.all_segments(session, t.id):
                count = service.member_count(session, seg)
                console.print(
                    f"{seg.key:<24} {seg.membership:<9} {seg.kind:<12} {count:>8}  {seg.name}",
                    highlight=False,
                )
