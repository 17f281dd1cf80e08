"""Crash and resume, property-style, on SQLite and PostgreSQL: the files of
``test_dry_run_parity`` imported (for real or dry) in small batches into two tenants seeded
alike; in one the runner dies after batch k — after its commit, or in the batch after its
writes and before the commit — and the import is then taken over as a worker takes it over
(the job notes the error and gives up its lease, or the lease of a killed runner runs out)
and resumed, possibly with another batch size. Both tenants must end with the same
customers, addresses, tags, sources, audit trail, report rows and counts: nothing lost,
nothing applied twice.
"""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select, update

from rolodex.imports import runner, writes
from rolodex.kit.time import utcnow
from rolodex.models import Base, ImportRun
from tests.conftest import TenantCtx
from tests.imports.test_dry_run_parity import (
    PROPERTY,
    Case,
    Labels,
    cases,
    comparable,
    counts,
    db_of,
    finished,
    overlay_left,
    report,
    run,
    seeded,
    started,
)


class Crash(Exception):
    """The runner dies."""


# What an import writes, compared between the two tenants (labelled: see ``Labels``). The
# audit chain's hashes cover the entries' times, its sealed copies are keyed per customer and
# subject keys are random: left out.
WRITTEN = {
    "customers": (),
    "customer_addresses": (),
    "customer_tags": (),
    "customer_sources": (),
    "audit_log": ("seq", "sealed", "prev_hash", "hash"),
    "audit_subject_keys": ("key",),
    "duplicate_candidates": (),
    "identity_matches": (),
    "stage_transitions": (),
    "ltv_ledger": (),
}


def written(tenant: TenantCtx, labels: Labels) -> dict[str, list[Any]]:
    labels.names[str(tenant.id)] = "tenant"
    out: dict[str, list[Any]] = {}
    with db_of(tenant).session(tenant.id) as session:
        for name, left_out in WRITTEN.items():
            table = Base.metadata.tables[name]
            columns = [c for c in table.c if c.name not in left_out]
            rows = session.execute(select(*columns).where(table.c.tenant_id == tenant.id))
            out[name] = sorted((labels(dict(r._mapping)) for r in rows), key=repr)
    return out


def crashed_after(
    tenant: TenantCtx,
    import_id: uuid.UUID,
    batch: int,
    k: int,
    how: str,
    monkeypatch: pytest.MonkeyPatch,
) -> bool:
    """Run the import in batches of ``batch`` and let its runner die after batch ``k``: once
    the batch is committed (``committed``) or once it is written but not committed
    (``written``). Whether it died (a file of fewer batches runs to its end)."""
    if how == "committed":

        def progress(run_: ImportRun) -> None:
            if run_.rows_read == k * batch:
                raise Crash("the worker died")

        try:
            run(tenant, import_id, batch, name="dead", progress=progress)
        except Crash:
            return True
        return False
    real, calls = writes.store, []

    def store(*args: Any, **kwargs: Any) -> Any:
        out = real(*args, **kwargs)
        calls.append(1)
        if len(calls) == k:
            raise Crash("the worker died")
        return out

    monkeypatch.setattr(writes, "store", store)
    try:
        run(tenant, import_id, batch, name="dead")
    except Crash:
        return True
    finally:
        monkeypatch.setattr(writes, "store", real)
    return False


def taken_over(tenant: TenantCtx, import_id: uuid.UUID, how: str) -> None:
    """What the worker does about a runner that died: the job that ran it notes the error
    and gives up its lease (``noted``), or a killed runner's lease runs out (``killed``)."""
    db = db_of(tenant)
    with db.session(tenant.id) as session:
        if how == "noted":
            runner.interrupted(session, tenant.id, import_id, Crash("the worker died"), False,
                               "dead")  # fmt: skip
        else:
            session.execute(
                update(ImportRun)
                .where(ImportRun.tenant_id == tenant.id, ImportRun.id == import_id)
                .values(lease_until=utcnow() - timedelta(seconds=1))
            )
            session.commit()


def imported(
    app_client: Any,
    case: Case,
    dry_run: bool,
    batch: int,
    crash: tuple[int, str, str, int] | None,
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[list[Any], dict[str, Any], dict[str, list[Any]], bool]:
    """The case imported into a fresh seeded tenant, crashing and resuming as ``crash``
    says ((k, how it dies, how it is taken over, the resuming runner's batch size)): the
    report, counts and what was written, labelled; whether it crashed."""
    since = utcnow().replace(tzinfo=None)  # the seeds' times too: each tenant has its own
    tenant, seeds = seeded(app_client)
    labels = Labels(seeds, since)
    import_id = started(tenant, case.text(seeds), case.fields(dry_run=dry_run))
    died = False
    if crash is None:
        run(tenant, import_id, batch)
    else:
        k, dies, takeover, resume_batch = crash
        died = crashed_after(tenant, import_id, batch, k, dies, monkeypatch)
        if died:
            assert finished(tenant, import_id).state == "running"
            taken_over(tenant, import_id, takeover)
            run(tenant, import_id, resume_batch, name="job:2")
    done = finished(tenant, import_id)
    if dry_run:
        assert overlay_left(tenant, import_id) == 0
    got = comparable(report(tenant, import_id), labels)
    return got, counts(done), written(tenant, labels.made(report(tenant, import_id))), died


@PROPERTY
@given(
    case=cases(with_ids=False),
    dry_run=st.booleans(),
    batch=st.integers(1, 3),
    k=st.integers(1, 4),
    dies=st.sampled_from(["committed", "written"]),
    takeover=st.sampled_from(["noted", "killed"]),
    resume_batch=st.sampled_from([None, 1, 2, 50]),
)
def test_an_import_that_crashed_after_a_batch_resumes_to_what_an_uninterrupted_one_did(
    app_client, monkeypatch, case, dry_run, batch, k, dies, takeover, resume_batch
):
    monkeypatch.setattr(runner, "WRITER_PAUSE", 0.0)  # no other writer waits here
    whole = imported(app_client, case, dry_run, batch, None, monkeypatch)
    crash = (k, dies, takeover, resume_batch or batch)
    resumed = imported(app_client, case, dry_run, batch, crash, monkeypatch)
    report_whole, counts_whole, written_whole, _ = whole
    report_resumed, counts_resumed, written_resumed, _ = resumed
    assert counts_whole["state"] == "done"
    assert [r["row_no"] for r in report_whole] == list(range(1, len(case.rows) + 1))
    assert report_resumed == report_whole
    assert counts_resumed == counts_whole
    for name in WRITTEN:
        assert written_resumed[name] == written_whole[name], name


# -- cases found --------------------------------------------------------------------------


def test_a_json_row_problem_names_the_rows_own_key_resumed_or_not(app_client, monkeypatch):
    """JSON records may name a field by different keys. A problem found while matching (here
    an email a customer made by another row has) named the key the run had met first for the
    field: "E-mail" for a record that says "email", and after a crash and resume the first
    key met since, so a resumed import's error report differed. It names the record's own."""
    monkeypatch.setattr(runner, "WRITER_PAUSE", 0.0)
    docs = [
        {"E-mail": "n1@example.com"},
        {"email": "N1@example.com", "id": str(uuid.UUID(int=5))},  # kept apart from row 1
        {"E-mail": "N1@example.com", "id": str(uuid.UUID(int=6))},
        {"email": "n2@example.com"},
    ]
    case_text = json.dumps(docs)
    reports = []
    for crash in (False, True):
        tenant, _ = seeded(app_client)
        import_id = started(tenant, case_text, {"format": "json"})
        if crash:

            def progress(run_: ImportRun) -> None:
                if run_.rows_read == 1:
                    raise Crash("the worker died")

            with pytest.raises(Crash):
                run(tenant, import_id, 1, name="dead", progress=progress)
            taken_over(tenant, import_id, "noted")
            run(tenant, import_id, 1, name="job:2")
        else:
            run(tenant, import_id, 1)
        reports.append([[p[:3] for p in r["problems"]] for r in report(tenant, import_id)])
    assert reports[0] == reports[1]
    assert reports[0] == [
        [],
        [("email", "email", "N1@example.com")],
        [("E-mail", "email", "N1@example.com")],
        [],
    ]
