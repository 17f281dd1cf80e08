"""The import page reloaded while imports go on, on SQLite and PostgreSQL: each queued or
running import keeps its live progress panel there (it was only in the list of recent
imports, as it stood when the page was loaded)."""

from __future__ import annotations

from typing import Any

from rolodex.models import ImportRun
from tests.conftest import TenantCtx
from tests.imports.helpers import csv_text, drain, upload
from tests.imports.test_runs import run_inline
from tests.web.helpers import assert_page, signed_in

FILE = csv_text([["email"], *[[f"p{i}@example.com"] for i in range(8)]])


def _started(tenant: TenantCtx, filename: str) -> str:
    response = upload(tenant, FILE, filename)
    assert response.status_code == 202, response.text
    return str(response.json()["id"])


def _live(tenant: TenantCtx) -> str:
    """The page's panels of imports going on ('' when it shows none)."""
    page = assert_page(tenant.client.get("/imports"))
    start = page.find('id="live-imports"')
    return page[start : page.index('id="recent-imports"')] if start >= 0 else ""


def _polls(panel: str, import_id: str) -> bool:
    return f'hx-get="/imports/{import_id}/progress" hx-trigger="every 1s"' in panel


def test_a_reload_keeps_the_imports_going_on_in_sight_until_they_end(tenant, backend):
    done = _started(tenant, "earlier.csv")
    drain(tenant)
    going = _started(tenant, "going.csv")
    signed_in(tenant, "viewer")  # one who may only watch sees them too

    queued = _live(tenant)
    assert _polls(queued, going)
    assert "Import of going.csv" in queued
    assert "Waiting to start" in queued
    assert done not in queued  # a finished import is in the list only

    midway: list[str] = []

    def reloaded(run: ImportRun) -> Any:
        if run.rows_read == 4:
            midway.append(_live(tenant))

    run_inline(tenant, going, batch_rows=2, progress=reloaded)
    assert _polls(midway[0], going)
    assert 'data-state="running"' in midway[0]
    assert '<dd data-testid="rows-read">4</dd>' in midway[0]

    assert _live(tenant) == ""  # it ended: listed with the others
    page = assert_page(tenant.client.get("/imports"))
    assert f'href="/imports/{going}"' in page
