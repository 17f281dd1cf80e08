"""An import's row report at size: its filters read an index, on both engines (EXPLAIN)."""

from __future__ import annotations

import uuid

from sqlalchemy import insert, text, update

from rolodex.imports import report_repository
from rolodex.models import ImportRow
from tests.imports.helpers import imported, rows

FILLER = 4000  # rows that did something else: enough for PostgreSQL's planner to choose


def _big_import(backend, tenant):
    """An import of three rows (the second fails) and ``FILLER`` rows more that created
    customers, the last of them kept by a revert, one of those in part."""
    run = imported(tenant, "email,first name\na@example.com,A\nnot-an-email,B\nc@example.com,C\n")
    import_id = uuid.UUID(run["id"])
    table = ImportRow.__table__
    filler = [
        {"tenant_id": tenant.id, "import_id": import_id, "row_no": n, "line": n + 1,
         "action": "create", "target_id": uuid.uuid4()}
        for n in range(4, FILLER + 4)
    ]  # fmt: skip
    with backend.owner.begin() as conn:
        conn.execute(insert(table), filler)
        for row_no, state in ((FILLER, "kept"), (FILLER + 1, "partly"), (FILLER + 2, "reverted")):
            conn.execute(
                update(table)
                .where(table.c.import_id == import_id, table.c.row_no == row_no)
                .values(
                    revert=state, revert_reason="changed since" if state != "reverted" else None
                )
            )
        if backend.name == "postgres":
            conn.execute(text("ANALYZE import_rows"))
    return import_id


def _plan(backend, stmt) -> str:
    sql = str(stmt.compile(backend.owner, compile_kwargs={"literal_binds": True}))
    with backend.owner.connect() as conn:
        if backend.name == "sqlite":
            return "\n".join(r[3] for r in conn.execute(text(f"EXPLAIN QUERY PLAN {sql}")))
        return "\n".join(r[0] for r in conn.execute(text(f"EXPLAIN {sql}")))


def _page(tenant_id, import_id, actions=(), revert=None):
    stmt = report_repository.rows_query(tenant_id, import_id, list(actions), revert)
    return stmt.order_by(ImportRow.row_no).limit(51)


def test_the_rows_of_one_result_are_read_from_an_index(backend, tenant):
    """``?action=fail`` of an import whose rows nearly all created customers scanned all of
    them for its first page; an action no row has read them all for nothing."""
    import_id = _big_import(backend, tenant)
    for action in ("fail", "skip"):
        plan = _plan(backend, _page(tenant.id, import_id, [action]))
        assert "ix_import_rows_action" in plan, plan
    assert [r["row"] for r in rows(tenant, str(import_id), action="fail")] == [2]
    assert rows(tenant, str(import_id), action="skip") == []


def test_the_rows_a_revert_kept_are_read_from_an_index(backend, tenant):
    """The progress panel lists the first rows a revert kept on every view of a reverted
    import: it scanned every row of the import to find those few."""
    import_id = _big_import(backend, tenant)
    for revert in ("kept", "partly"):
        plan = _plan(backend, _page(tenant.id, import_id, revert=revert))
        assert "ix_import_rows_kept" in plan, plan
    listed = {f: [r["row"] for r in rows(tenant, str(import_id), revert=f)] for f in
              ("kept", "partly", "reverted")}  # fmt: skip
    assert listed == {"kept": [FILLER, FILLER + 1], "partly": [FILLER + 1],
                      "reverted": [FILLER + 2]}  # fmt: skip
    kept = report_repository.revert_notes
    with tenant.client.app.state.db.session(tenant.id, write=False) as session:
        assert [r.row_no for r in kept(session, tenant.id, import_id, 20)] == [FILLER, FILLER + 1]
