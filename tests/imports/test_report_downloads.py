"""An import's report downloads and pages at size: each page is read from where the last
ended through the index (a later page costs what the first does), a page at a time."""

from __future__ import annotations

import contextlib
import csv
import io
import uuid

from sqlalchemy import event, insert, text

from rolodex.imports import report_repository
from rolodex.models import ImportRowError
from tests.imports.helpers import errors, imported

FILLER = 4000  # problems of rows past the file's, so that PostgreSQL's planner has a choice


@contextlib.contextmanager
def _statements(db):
    """The SQL (and its parameters) ``db`` runs inside the block."""
    seen: list[tuple[str, object]] = []

    def listen(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)


def _failing_import(backend, tenant):
    """Rows 1-6 of a file: odd ones with two problems (email, date), even ones fine; then
    ``FILLER`` problems more (rows 101 on), and statistics on PostgreSQL."""
    lines = ["email,created at"]
    for n in range(1, 7):
        lines.append("bad@@,31/31/2020" if n % 2 else f"p{n}@example.com,2021-03-04")
    run = imported(tenant, "\n".join(lines) + "\n")
    import_id = uuid.UUID(run["id"])
    filler = [
        {"tenant_id": tenant.id, "import_id": import_id, "row_no": n, "seq": 0, "line": n + 1,
         "column": "email", "field": "email", "value": "x", "reason": "not a valid email"}
        for n in range(101, FILLER + 101)
    ]  # fmt: skip
    with backend.owner.begin() as conn:
        conn.execute(insert(ImportRowError.__table__), filler)
        if backend.name == "postgres":
            conn.execute(text("ANALYZE import_errors"))
    return import_id


def _index_bound(backend, statement, parameters) -> str:
    """What bounds the index scan of ``statement`` in its plan (not a filter applied after
    it): SQLite's SEARCH terms, PostgreSQL's Index Cond; spaced as ``row_no > ?``."""
    with backend.owner.connect() as conn:
        if backend.name == "sqlite":
            found = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
            plan = [r[3] for r in found]
            return "\n".join(line for line in plan if "SEARCH" in line).replace(">", " >")
        plan = [r[0] for r in conn.exec_driver_sql(f"EXPLAIN {statement}", parameters)]
    return "\n".join(line for line in plan if "Index Cond" in line)


def test_a_problems_download_reads_each_page_from_the_index(backend, tenant):
    """The CSV of 150,000 problems read, for each page of 1,000, every problem before it
    again on PostgreSQL (the cursor's OR bounds no index scan): 2 s of its 6, growing as n²."""
    import_id = _failing_import(backend, tenant)
    with _statements(backend.db) as seen:
        pages = list(report_repository.error_record_pages(backend.db, tenant.id, import_id))
    assert sum(len(p) for p in pages) == 6 + FILLER
    reads = [(s, p) for s, p in seen if "import_errors" in s]
    assert len(reads) == len(pages) == 5
    assert "row_no >" in _index_bound(backend, *reads[1])  # the second of five pages


def test_a_deep_page_of_problems_reads_from_the_index(backend, tenant):
    import_id = _failing_import(backend, tenant)
    client, path = tenant.client, f"/v1/imports/{import_id}/errors"
    first = client.get(path, params={"limit": 1000}, headers=tenant.headers()).json()
    with _statements(backend.db) as seen:
        r = client.get(
            path, params={"limit": 1000, "cursor": first["next_cursor"]}, headers=tenant.headers()
        )
    assert r.status_code == 200, r.text
    assert r.json()["items"][0]["row"] == 101 + 1000 - 6
    page = [(s, p) for s, p in seen if "FROM import_errors" in s and "ORDER BY" in s]
    assert "row_no >" in _index_bound(backend, *page[-1])


def test_the_downloads_give_every_problem_and_row_once_across_pages(tenant, monkeypatch):
    """Pages of three, so that a row's two problems and the rows of one result fall across
    page ends: every one once, in order, as the API's listing gives them."""
    monkeypatch.setattr(report_repository, "DOWNLOAD_PAGE", 3)
    lines = ["email,created at"]
    for n in range(1, 12):
        lines.append("bad@@,31/31/2020" if n % 2 else f"p{n}@example.com,2021-03-04")
    run = imported(tenant, "\n".join(lines) + "\n")
    listed = [(e["row"], e["column"]) for e in errors(tenant, run["id"])]
    assert len(listed) == 12
    r = tenant.client.get(
        f"/v1/imports/{run['id']}/errors", params={"format": "csv"}, headers=tenant.headers()
    )
    got = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert [(int(e["row"]), e["column"]) for e in got] == listed
    r = tenant.client.get(
        f"/v1/imports/{run['id']}/rows",
        params={"format": "csv", "action": "fail"},
        headers=tenant.headers(),
    )
    got = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert [int(x["row"]) for x in got] == [1, 3, 5, 7, 9, 11]
    assert all(x["problems"].count(";") == 1 for x in got)  # both problems of each row


def test_a_download_reads_one_page_before_it_sends_it(backend, tenant, monkeypatch):
    """Streamed: the first page goes out after one query, not after the whole report."""
    monkeypatch.setattr(report_repository, "DOWNLOAD_PAGE", 3)
    import_id = _failing_import(backend, tenant)
    with _statements(backend.db) as seen:
        pages = report_repository.row_record_pages(backend.db, tenant.id, import_id, [])
        assert len(next(pages)) == 3
        assert len([s for s, _ in seen if "FROM import_rows" in s]) == 1
        pages.close()


def test_the_report_format_is_read_in_any_case_as_exports_read_theirs(tenant):
    """``format=CSV`` was a 422 (only lowercase matched) where exports take any case."""
    run = imported(tenant, "email\nnot-an-email\nok@example.com\n")
    for path in ("errors", "rows"):
        url = f"/v1/imports/{run['id']}/{path}"
        csv_answer = tenant.client.get(f"{url}?format=CSV", headers=tenant.headers())
        assert csv_answer.status_code == 200, csv_answer.text
        assert csv_answer.headers["content-type"].startswith("text/csv")
        json_answer = tenant.client.get(f"{url}?format=Json", headers=tenant.headers())
        assert json_answer.status_code == 200, json_answer.text
        assert json_answer.json()["items"]
        wrong = tenant.client.get(f"{url}?format=xml", headers=tenant.headers())
        assert wrong.status_code == 422, wrong.text
