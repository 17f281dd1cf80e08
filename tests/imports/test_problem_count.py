"""An import's count of problems is kept with its other figures as its batches write them,
so its progress (polled each second by the dashboard) counts nothing; an import made before
migration 0112 has none kept, and its problems are counted when asked."""

from __future__ import annotations

import uuid

from sqlalchemy import event, update

from rolodex.models import ImportRun
from tests.imports.helpers import csv_text, errors, imported, status
from tests.imports.test_runs import run_inline, start
from tests.web.helpers import signed_in

FILE = csv_text(
    [
        ["email", "created", "ltv"],
        ["ok@example.com", "2024-01-02", "10"],
        ["not-an-email", "2024-01-02", "10"],  # one problem
        ["bad@example.com", "someday", "lots"],  # two
        *[[f"p{i}@example.com", "", ""] for i in range(5)],
    ]
)


def _statements(backend):
    seen: list[str] = []

    def note(_conn, _cursor, statement, *_args):
        seen.append(statement)

    event.listen(backend.db.engine, "before_cursor_execute", note)
    return seen, lambda: event.remove(backend.db.engine, "before_cursor_execute", note)


def test_the_problems_are_counted_as_written_and_not_on_each_poll(backend, tenant):
    run_id = start(tenant, FILE)
    run_inline(tenant, run_id, batch_rows=2)  # several batches, each adding its problems
    run = status(tenant, run_id)
    listed = errors(tenant, run["id"])
    assert len(listed) == 3
    assert run["errors_count"] == 3
    with backend.db.session(tenant.id) as s:
        assert s.get(ImportRun, (tenant.id, uuid.UUID(run["id"]))).problems == 3
    signed_in(tenant)
    seen, stop = _statements(backend)
    try:
        assert status(tenant, run["id"])["errors_count"] == 3
        page = tenant.client.get(f"/imports/{run['id']}/progress")
    finally:
        stop()
    assert page.status_code == 200, page.text[:300]
    assert "Problems (3)" in page.text
    counted = [s for s in seen if "import_row_errors" in s and "count(" in s.lower()]
    assert not counted, counted
    listed = tenant.client.get("/v1/imports", headers=tenant.headers()).json()["items"]
    assert [i["errors_count"] for i in listed] == [3]  # the list has it too


def test_an_import_made_before_the_count_was_kept_is_counted_when_asked(backend, tenant):
    run = imported(tenant, FILE)
    with backend.owner.begin() as conn:
        conn.execute(update(ImportRun).values(problems=None))
    assert status(tenant, run["id"])["errors_count"] == 3
