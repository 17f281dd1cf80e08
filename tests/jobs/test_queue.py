"""The job queue on SQLite and PostgreSQL: enqueue in the caller's transaction, claim, retry with
backoff, dead letters, retry by hand after a fix, lease expiry, concurrent workers."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from rolodex.customers import repository as customers_repo
from rolodex.db import Database
from rolodex.jobs import queue
from rolodex.jobs.registry import JobContext, NonRetryable, Registry
from rolodex.jobs.worker import Worker
from rolodex.kit.time import utcnow
from rolodex.models import Job
from tests.conftest import TenantCtx


def enqueue(db: Database, tenant_id: uuid.UUID, kind: str, payload: dict | None = None, **kw):
    with db.session(tenant_id) as s:
        return queue.enqueue(s, tenant_id, kind, payload or {}, **kw).id


def job(db: Database, tenant_id: uuid.UUID, job_id: uuid.UUID) -> Job:
    with db.session(tenant_id, write=False) as s:
        found = queue.get(s, tenant_id, job_id)
        assert found is not None
        return found


def make_due(db: Database, tenant_id: uuid.UUID, job_id: uuid.UUID) -> None:
    """Skip the backoff wait (the test does not sleep through it)."""
    with db.session(tenant_id) as s:
        s.execute(
            update(Job)
            .where(Job.tenant_id == tenant_id, Job.id == job_id)
            .values(run_at=utcnow() - timedelta(seconds=1))
        )


def test_enqueue_belongs_to_the_callers_transaction(db, tenant: TenantCtx):
    def fail_after_enqueue() -> None:
        with db.session(tenant.id) as s:
            queue.enqueue(s, tenant.id, "noop", {})
            raise RuntimeError("the caller fails after enqueueing")

    with pytest.raises(RuntimeError):
        fail_after_enqueue()
    with db.session(tenant.id, write=False) as s:
        assert s.scalars(select(Job)).all() == []


def test_handler_runs_in_the_jobs_tenant_and_commits_with_completion(db, tenant, other_tenant):
    registry = Registry()
    seen: list[tuple[uuid.UUID, int]] = []

    def count_customers(session, ctx: JobContext) -> None:
        found = customers_repo.live_by_email(session, ctx.tenant_id, ctx.payload["email"])
        seen.append((ctx.tenant_id, 1 if found else 0))

    registry.register("count", count_customers)
    tenant.client.post(
        "/v1/customers", json={"email": "mine@example.com"}, headers=tenant.headers()
    )
    a = enqueue(db, tenant.id, "count", {"email": "mine@example.com"})
    b = enqueue(db, other_tenant.id, "count", {"email": "mine@example.com"})
    stats = Worker(db, registry=registry).drain()
    assert stats.done == 2
    # Each handler saw its own tenant's rows only (on PostgreSQL through RLS).
    assert sorted(seen) == sorted([(tenant.id, 1), (other_tenant.id, 0)])
    assert job(db, tenant.id, a).state == "done"
    assert job(db, other_tenant.id, b).state == "done"


def test_failures_retry_with_backoff_then_go_dead_with_their_error(db, tenant):
    registry = Registry()
    calls = Counter()

    def flaky(session, ctx):
        calls[ctx.id] += 1
        raise ConnectionError(f"upstream down (try {ctx.attempts})")

    registry.register("flaky", flaky, max_attempts=3)
    jid = enqueue(db, tenant.id, "flaky")
    worker = Worker(db, registry=registry)
    worker.drain()
    first = job(db, tenant.id, jid)
    assert first.state == "queued"
    assert first.attempts == 1
    assert first.last_error == "ConnectionError: upstream down (try 1)"
    wait = (first.run_at - utcnow()).total_seconds()
    assert 0.5 <= wait <= 2.1  # base 2s, first retry waits between 1 and 2 seconds
    for _ in range(2):
        make_due(db, tenant.id, jid)
        worker.drain()
    dead = job(db, tenant.id, jid)
    assert dead.state == "dead"
    assert dead.attempts == 3
    assert calls[jid] == 3
    assert "try 3" in (dead.last_error or "")


def test_non_retryable_errors_go_dead_at_once(db, tenant):
    registry = Registry()

    def bad(session, ctx):
        raise NonRetryable("the payload has no id")

    registry.register("bad", bad)
    jid = enqueue(db, tenant.id, "bad")
    Worker(db, registry=registry).drain()
    found = job(db, tenant.id, jid)
    assert (found.state, found.attempts, found.last_error) == ("dead", 1, "the payload has no id")


def test_a_dead_job_is_listed_and_runs_again_after_a_fix(db, tenant):
    registry = Registry()
    fixed = {"deployed": False}
    applied: list[str] = []

    def handler(session, ctx):
        if not fixed["deployed"]:
            raise NonRetryable("cannot read field 'amount'")
        applied.append(ctx.payload["n"])

    registry.register("report.build", handler)
    jid = enqueue(db, tenant.id, "report.build", {"n": "42"})
    Worker(db, registry=registry).drain()
    listed = tenant.client.get("/v1/jobs", params={"state": "dead"}, headers=tenant.headers())
    assert listed.status_code == 200
    [item] = listed.json()["items"]
    assert item["id"] == str(jid)
    assert item["last_error"] == "cannot read field 'amount'"
    fixed["deployed"] = True
    r = tenant.client.post(f"/v1/jobs/{jid}/retry", headers=tenant.headers())
    assert r.status_code == 200
    assert r.json()["state"] == "queued"
    assert r.json()["attempts"] == 0
    Worker(db, registry=registry).drain()
    assert applied == ["42"]
    assert job(db, tenant.id, jid).state == "done"
    again = tenant.client.post(f"/v1/jobs/{jid}/retry", headers=tenant.headers())
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "conflict"


def test_job_api_is_per_tenant_and_validates(db, tenant, other_tenant):
    jid = enqueue(db, tenant.id, "noop")
    r = other_tenant.client.get(f"/v1/jobs/{jid}", headers=other_tenant.headers())
    assert r.status_code == 404
    r = other_tenant.client.post(f"/v1/jobs/{jid}/retry", headers=other_tenant.headers())
    assert r.status_code == 404
    assert tenant.client.get("/v1/jobs?state=zombie", headers=tenant.headers()).status_code == 422
    assert tenant.client.get(f"/v1/jobs/{jid}", headers=tenant.headers()).json()["kind"] == "noop"
    viewer = tenant.key("viewer")
    assert (
        tenant.client.post(f"/v1/jobs/{jid}/retry", headers=tenant.headers(viewer)).status_code
        == 403
    )
    counts = tenant.client.get("/v1/jobs/counts", headers=tenant.headers()).json()
    assert counts["queued"] == 1


def test_a_job_whose_worker_died_is_taken_again_after_its_lease(db, tenant):
    registry = Registry()
    done: list[int] = []
    registry.register("work", lambda s, ctx: done.append(ctx.attempts))
    jid = enqueue(db, tenant.id, "work")
    with db.session() as s:  # a worker claims the job, then dies before finishing it
        [claimed] = queue.claim(s, "dead-worker", 10, lease_seconds=300)
    assert Worker(db, registry=registry).drain().done == 0  # leased: nobody else takes it
    with db.session(tenant.id) as s:
        s.execute(
            update(Job).where(Job.id == jid).values(locked_until=utcnow() - timedelta(seconds=1))
        )
    assert Worker(db, registry=registry).drain().done == 1
    assert done == [2]  # second try
    # The dead worker's claim no longer holds the job: finishing it changes nothing.
    late = Worker(db, registry=registry)
    late.process(claimed)
    assert late.stats.lost == 1
    assert done == [2]


def test_a_handler_that_commits_and_loses_its_claim_meanwhile_does_not_finish_the_job(db, tenant):
    """A handler that commits as it goes (an import between batches) gives up the job row's
    lock; if its lease ran out meanwhile and another worker took the job, finishing must not
    mark the other claim's job done."""
    registry = Registry()
    taken_over = uuid.uuid4()

    def long_work(session, ctx: JobContext) -> None:
        session.commit()  # as an import's runner does between batches
        with db.session(tenant.id) as other:  # meanwhile another worker's claim holds it
            other.execute(update(Job).where(Job.id == jid).values(lease_token=taken_over))

    registry.register("long", long_work)
    jid = enqueue(db, tenant.id, "long")
    worker = Worker(db, registry=registry)
    stats = worker.drain()
    assert (stats.done, stats.lost) == (0, 1)
    found = job(db, tenant.id, jid)
    assert (found.state, found.lease_token) == ("running", taken_over)


def test_a_job_that_keeps_killing_its_worker_ends_dead(db, tenant):
    registry = Registry()
    registry.register("crashy", lambda s, ctx: None, max_attempts=2)
    jid = enqueue(db, tenant.id, "crashy")
    for _ in range(2):  # two workers take it and die
        with db.session() as s:
            assert queue.claim(s, "w", 10, lease_seconds=300)
        with db.session(tenant.id) as s:
            s.execute(
                update(Job)
                .where(Job.id == jid)
                .values(locked_until=utcnow() - timedelta(seconds=1))
            )
    Worker(db, registry=registry).drain()
    found = job(db, tenant.id, jid)
    assert found.state == "dead"
    assert "gave up after 2 tries" in (found.last_error or "")


def test_concurrent_workers_run_each_job_exactly_once(db, tenant):
    registry = Registry()
    runs: Counter[uuid.UUID] = Counter()
    lock = threading.Lock()

    def record(session, ctx):
        with lock:
            runs[ctx.id] += 1

    registry.register("once", record)
    with db.session(tenant.id) as s:
        ids = [queue.enqueue(s, tenant.id, "once", {"n": n}).id for n in range(60)]
    workers = [Worker(db, registry=registry, batch=5) for _ in range(3)]
    threads = [threading.Thread(target=w.drain) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert set(runs) == set(ids)
    assert set(runs.values()) == {1}
    assert sum(w.stats.done for w in workers) == 60


def test_unknown_kinds_are_retried_not_lost(db, tenant):
    jid = enqueue(db, tenant.id, "from.a.newer.version")
    Worker(db, registry=Registry()).drain()
    found = job(db, tenant.id, jid)
    assert found.state == "queued"
    assert "no handler registered" in (found.last_error or "")
