"""Claimed jobs run many to a transaction, one SAVEPOINT each (SQLite and PostgreSQL): a job that
fails rolls back alone and is settled in the same transaction, the others apply."""

from __future__ import annotations

import logging
import uuid

from sqlalchemy import select

from rolodex.db import Database
from rolodex.jobs import queue
from rolodex.jobs.registry import JobContext, NonRetryable, Registry
from rolodex.jobs.worker import Worker
from rolodex.kit import deferred
from rolodex.kit.time import utcnow
from rolodex.models import IngestMark, Job


def _mark(session, ctx: JobContext) -> None:
    session.add(
        IngestMark(
            tenant_id=ctx.tenant_id,
            provider="shopify",
            kind="test",
            external_id=ctx.payload["n"],
            updated_at=utcnow(),
        )
    )
    session.flush()


def _marks(db: Database, tenant_id: uuid.UUID) -> set[str]:
    with db.session(tenant_id, write=False) as s:
        return set(
            s.scalars(
                select(IngestMark.external_id).where(
                    IngestMark.tenant_id == tenant_id, IngestMark.kind == "test"
                )
            )
        )


def _states(db: Database, tenant_id: uuid.UUID) -> dict[str, tuple[str, int, str | None]]:
    with db.session(tenant_id, write=False) as s:
        return {
            j.payload["n"]: (j.state, j.attempts, j.last_error)
            for j in s.scalars(select(Job).where(Job.tenant_id == tenant_id))
        }


def _enqueue(db: Database, tenant_id: uuid.UUID, items: list[tuple[str, str]]) -> None:
    with db.session(tenant_id) as s:
        for kind, n in items:
            queue.enqueue(s, tenant_id, kind, {"n": n})


def test_a_poison_job_in_a_batch_ends_dead_and_the_others_apply(db, tenant):
    registry = Registry()
    registry.register("good", _mark, batchable=True)

    def poison(session, ctx):
        _mark(session, ctx)  # written, then rolled back with its savepoint
        raise NonRetryable("cannot parse the payload")

    def flaky(session, ctx):
        _mark(session, ctx)
        raise ConnectionError("upstream down")

    registry.register("poison", poison, batchable=True)
    registry.register("flaky", flaky, max_attempts=3, batchable=True)
    items = [("good", "g1"), ("poison", "p"), ("good", "g2"), ("flaky", "f"), ("good", "g3")]
    _enqueue(db, tenant.id, items)
    worker = Worker(db, registry=registry, batch=10)
    assert worker.run_once() == 5
    assert (worker.stats.done, worker.stats.dead, worker.stats.retried) == (3, 1, 1)
    assert _marks(db, tenant.id) == {"g1", "g2", "g3"}
    states = _states(db, tenant.id)
    assert states["p"] == ("dead", 1, "cannot parse the payload")
    assert states["f"] == ("queued", 1, "ConnectionError: upstream down")
    assert {states[n][0] for n in ("g1", "g2", "g3")} == {"done"}


def test_a_database_error_in_one_job_does_not_abort_the_batch(db, tenant):
    """A failed statement (here a duplicate key) rolls back to the job's savepoint; on
    PostgreSQL the transaction stays usable for the jobs after it."""
    registry = Registry()
    registry.register("good", _mark, batchable=True)

    def duplicate(session, ctx):
        _mark(session, ctx)
        _mark(session, ctx)  # the same primary key again: IntegrityError

    registry.register("duplicate", duplicate, max_attempts=1, batchable=True)
    _enqueue(db, tenant.id, [("good", "a"), ("duplicate", "d"), ("good", "b")])
    worker = Worker(db, registry=registry, batch=10)
    worker.run_once()
    assert _marks(db, tenant.id) == {"a", "b"}
    states = _states(db, tenant.id)
    assert (states["a"][0], states["b"][0]) == ("done", "done")
    assert states["d"][0] == "dead"
    assert "IntegrityError" in (states["d"][2] or "")


def test_batches_split_by_tenant_and_by_time(db, tenant, other_tenant):
    registry = Registry()
    seen: list[tuple[uuid.UUID, str]] = []

    def record(session, ctx):
        seen.append((ctx.tenant_id, ctx.payload["n"]))
        _mark(session, ctx)

    registry.register("good", record, batchable=True)
    _enqueue(db, tenant.id, [("good", f"a{n}") for n in range(4)])
    _enqueue(db, other_tenant.id, [("good", f"b{n}") for n in range(4)])
    worker = Worker(db, registry=registry, batch=20, batch_seconds=1e-9)  # one job per commit
    assert worker.drain().done == 8
    assert _marks(db, tenant.id) == {f"a{n}" for n in range(4)}
    assert _marks(db, other_tenant.id) == {f"b{n}" for n in range(4)}
    assert sorted(seen) == sorted(
        [(tenant.id, f"a{n}") for n in range(4)] + [(other_tenant.id, f"b{n}") for n in range(4)]
    )


def test_a_job_lost_to_another_worker_is_skipped_in_a_batch(db, tenant):
    registry = Registry()
    registry.register("good", _mark, batchable=True)
    _enqueue(db, tenant.id, [("good", "x"), ("good", "y")])
    with db.session() as s:
        claimed = queue.claim(s, "slow-worker", 10, lease_seconds=300)
    # Another worker's claim replaced ours on one job (our lease expired meanwhile).
    with db.session(tenant.id) as s:
        taken = queue.lock_claimed(s, claimed[0])
        assert taken is not None
        taken.lease_token = uuid.uuid4()
    worker = Worker(db, registry=registry)
    worker.process_batch(claimed)
    assert (worker.stats.done, worker.stats.lost) == (1, 1)
    assert len(_marks(db, tenant.id)) == 1


def test_a_failing_batch_transaction_falls_back_to_one_job_per_transaction(db, tenant, monkeypatch):
    registry = Registry()
    registry.register("good", _mark, batchable=True)
    _enqueue(db, tenant.id, [("good", "x"), ("good", "y"), ("good", "z")])
    real = queue.lock_claimed_many

    def broken(*args, **kw):
        real(*args, **kw)
        raise RuntimeError("the batch transaction failed")

    monkeypatch.setattr(queue, "lock_claimed_many", broken)
    worker = Worker(db, registry=registry)
    assert worker.run_once() == 3
    assert worker.stats.done == 3
    assert _marks(db, tenant.id) == {"x", "y", "z"}


def test_a_kinds_prefetch_runs_once_per_batch_and_its_failure_costs_nothing(db, tenant):
    calls: list[list[str]] = []

    def prefetch(session, contexts):
        calls.append(sorted(c.payload["n"] for c in contexts))
        _mark(session, contexts[0])  # a prefetch must change nothing: this is rolled back
        raise RuntimeError("prefetch broke")

    registry = Registry()
    registry.register("good", _mark, prefetch=prefetch, batchable=True)
    _enqueue(db, tenant.id, [("good", "x"), ("good", "y"), ("good", "z")])
    worker = Worker(db, registry=registry)
    assert worker.run_once() == 3
    assert calls == [["x", "y", "z"]]
    assert worker.stats.done == 3
    assert _marks(db, tenant.id) == {"x", "y", "z"}


def test_kinds_that_commit_as_they_go_run_one_per_transaction(db, tenant):
    """Only batchable kinds share a transaction: an import-like handler commits its own work
    (which would commit the other jobs' half-done work if it shared their transaction)."""
    registry = Registry()
    registry.register("good", _mark, batchable=True)
    seen: list[bool] = []

    def committing(session, ctx):
        seen.append(session.in_nested_transaction())
        _mark(session, ctx)
        session.commit()  # its own progress, as long imports do

    registry.register("committing", committing)
    _enqueue(db, tenant.id, [("good", "a"), ("committing", "c"), ("good", "b")])
    worker = Worker(db, registry=registry)
    assert worker.run_once() == 3
    assert worker.stats.done == 3
    assert seen == [False]
    assert _marks(db, tenant.id) == {"a", "b", "c"}
    assert {s[0] for s in _states(db, tenant.id).values()} == {"done"}


def test_flushes_wait_in_a_shared_transaction_and_core_reads_still_see_the_changes(
    db, tenant, caplog
):
    """Without savepoints, a job's flush (kit.deferred.flush) waits for the end of the shared
    transaction; a Core statement on its connection flushes first, as the ORM's autoflush does,
    unless it says it needs not; a conflict at the late flush runs the jobs again, each in
    its own savepoint, where the flush happens in the job and the job alone fails."""
    table = IngestMark.__table__
    seen: dict[str, object] = {}

    def add(session, ctx: JobContext) -> None:
        n = ctx.payload["n"]
        session.add(
            IngestMark(
                tenant_id=ctx.tenant_id,
                provider="shopify",
                kind="test",
                external_id=n if n != "clash" else "a",
                updated_at=utcnow(),
            )
        )
        deferred.flush(session)
        seen[f"{n}:pending"] = bool(session.new)
        if n == "clash":
            return  # the conflict is found when the transaction's changes are flushed
        core = select(table.c.external_id).where(table.c.kind == "test")
        conn = session.connection()
        seen[f"{n}:unflushed_ok"] = sorted(
            conn.execute(core, execution_options={deferred.UNFLUSHED_OK: True}).scalars()
        )
        seen[f"{n}:core"] = sorted(conn.execute(core).scalars())

    registry = Registry()
    registry.register("add", add, batchable=True)
    _enqueue(db, tenant.id, [("add", "a"), ("add", "b")])
    stats = Worker(db, registry=registry, batch=10, batch_seconds=60).drain()
    assert (stats.done, stats.dead) == (2, 0)
    assert seen["a:pending"] is True  # not flushed by the job
    assert seen["a:unflushed_ok"] == []  # what the database holds
    assert seen["a:core"] == ["a"]  # flushed first
    assert seen["b:unflushed_ok"] == ["a"]
    assert seen["b:core"] == ["a", "b"]
    assert _marks(db, tenant.id) == {"a", "b"}

    # "clash" adds a second "a": the shared transaction fails at its end; the jobs run again,
    # each in a savepoint, and the one that clashes fails alone
    seen.clear()
    caplog.set_level(logging.INFO, logger="rolodex.jobs")
    _enqueue(db, tenant.id, [("add", "c"), ("add", "d"), ("add", "clash")])
    stats = Worker(db, registry=registry, batch=10, batch_seconds=60).drain()
    messages = [r.getMessage() for r in caplog.records]
    assert [m for m in messages if "written together) failed" in m and "savepoint" in m]
    assert not [m for m in messages if "one at a time" in m]
    assert seen["c:pending"] is False  # the second run: each job flushes as it goes
    states = _states(db, tenant.id)
    assert states["c"][0] == states["d"][0] == "done"
    assert states["clash"][0] in ("queued", "dead")  # an IntegrityError: retried later
    assert _marks(db, tenant.id) == {"a", "b", "c", "d"}
