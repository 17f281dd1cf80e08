"""The worker loop: claim a batch of due jobs, run each in its own transaction with its tenant
set, retry failures with backoff and jitter, bury what cannot succeed.

Run as ``rolodex worker`` (any number of processes, on any machines sharing the database) or
embedded in ``rolodex serve`` as a background thread.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import time
from dataclasses import dataclass, field

from pydantic import ValidationError
from sqlalchemy.orm import Session

from rolodex.db import Database
from rolodex.errors import InvalidInput, RolodexError
from rolodex.jobs import queue
from rolodex.jobs.backoff import backoff_seconds
from rolodex.jobs.registry import Handler, JobContext, NonRetryable, Registry, load_handlers
from rolodex.kit import deferred
from rolodex.models import Job

log = logging.getLogger("rolodex.jobs")


def describe(exc: BaseException) -> str:
    """One line (or a few) an operator can act on; never a stack trace."""
    if isinstance(exc, RolodexError):
        details = f" {exc.details}" if exc.details else ""
        return f"{exc.code}: {exc.message}{details}"
    if isinstance(exc, NonRetryable):
        return str(exc)
    if isinstance(exc, ValidationError):
        parts = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:10]]
        return "invalid payload: " + "; ".join(parts)
    return f"{type(exc).__name__}: {exc}"


def is_permanent(exc: BaseException) -> bool:
    return isinstance(exc, NonRetryable | ValidationError | InvalidInput)


@dataclass
class Stats:
    done: int = 0
    retried: int = 0
    dead: int = 0
    lost: int = 0


@dataclass
class Worker:
    db: Database
    registry: Registry = field(default_factory=load_handlers)
    name: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}")
    # Jobs claimed at a time: a backlog of webhooks runs in shared transactions of this many
    # at most (20 gave 466 webhooks/s where 50 gives 558, on SQLite).
    batch: int = 50
    poll_interval: float = 0.5
    rng: random.Random = field(default_factory=random.Random)
    stats: Stats = field(default_factory=Stats)
    wakeup: threading.Event = field(default_factory=threading.Event)
    # Claimed jobs run in shared transactions of up to this long (no SAVEPOINT between them,
    # one per job should one fail); 0 runs each job in its own transaction.
    batch_seconds: float = 0.1
    _chunk_guess: int | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        s = self.db.settings
        self.lease_seconds = s.job_lease_seconds
        self.max_attempts = s.job_max_attempts
        self.backoff_base = s.job_backoff_base_seconds
        self.backoff_max = s.job_backoff_max_seconds

    # -- one round -----------------------------------------------------------------------
    def run_once(self) -> int:
        """Claim one batch and run it; the number of jobs claimed (0 when nothing is due)."""
        with self.db.session() as session:
            claimed = queue.claim(session, self.name, self.batch, self.lease_seconds)
        if len(claimed) > 1 and self.batch_seconds > 0:
            self.process_batch(claimed)
        else:
            for item in claimed:
                self.process(item)
        return len(claimed)

    def drain(self, max_rounds: int = 10_000) -> Stats:
        """Run until nothing is due (tests, `rolodex worker --once`)."""
        for _ in range(max_rounds):
            if self.run_once() == 0:
                break
        return self.stats

    def run(self, stop: threading.Event) -> None:
        """Loop until ``stop`` is set; sleeps ``poll_interval`` (or until woken) when idle."""
        log.info("worker %s started", self.name)
        while not stop.is_set():
            try:
                busy = self.run_once()
            except Exception:  # the database went away: wait and try again
                log.exception("worker %s could not claim jobs", self.name)
                busy = 0
                stop.wait(min(5.0, self.poll_interval * 4))
            if not busy:
                self.wakeup.wait(self.poll_interval)
                self.wakeup.clear()
        log.info("worker %s stopped", self.name)

    def start_thread(self, stop: threading.Event) -> threading.Thread:
        thread = threading.Thread(target=self.run, args=(stop,), name="rolodex-worker", daemon=True)
        thread.start()
        return thread

    # -- one job -------------------------------------------------------------------------
    def _limit(self, job: Job) -> int:
        kind = self.registry.get(job.kind)
        return job.max_attempts or (kind.max_attempts if kind else None) or self.max_attempts

    def process(self, item: queue.Claimed) -> None:
        try:
            with self.db.session(item.tenant_id) as session:
                job = queue.lock_claimed(session, item)
                if job is None:
                    self.stats.lost += 1  # another worker took it after our lease expired
                    return
                if self._overdue(job, self.stats):
                    return
                self._handler(job)(session, self._context(job))
                # A handler that commits as it goes (an import's runner, between batches)
                # let go of the job's row: its claim may have run out and been taken since.
                if queue.lock_claimed(session, item) is None:
                    self.stats.lost += 1
                    return
                queue.complete(job)
                self.stats.done += 1
        except Exception as exc:
            self._failed(item, exc)

    def _failed(self, item: queue.Claimed, exc: Exception) -> None:
        with self.db.session(item.tenant_id) as session:
            job = queue.lock_claimed(session, item)
            if job is None:
                self.stats.lost += 1
                return
            self._settle_failure(job, exc, self.stats)

    def _settle_failure(self, job: Job, exc: Exception, stats: Stats) -> None:
        """Dead, or queued again after a backoff; the caller commits."""
        error = describe(exc)
        limit = self._limit(job)
        if is_permanent(exc) or job.attempts >= limit:
            queue.bury(job, error)
            stats.dead += 1
            log.warning("job %s (%s) is dead: %s", job.id, job.kind, error)
            return
        delay = backoff_seconds(job.attempts, self.backoff_base, self.backoff_max, self.rng)
        queue.reschedule(job, error, delay)
        stats.retried += 1
        log.info("job %s (%s) failed, retry in %.1fs: %s", job.id, job.kind, delay, error)

    # -- many jobs in one transaction ------------------------------------------------------
    def process_batch(self, claimed: list[queue.Claimed]) -> None:
        """Run claimed jobs of batchable kinds in shared transactions (one per tenant, and at
        most ``batch_seconds`` of work each), and every job's effects commit together with its
        completion. The jobs run one after the other with no SAVEPOINT between them (their
        changes are flushed together); should one fail, the transaction is rolled back and
        its jobs run again each in its own SAVEPOINT: a job that fails then rolls back alone
        and is settled (retry or dead) in the same transaction. Should a shared transaction
        itself fail, nothing of it was committed, and its jobs run again one per transaction.
        Jobs of other kinds run after it, one per transaction."""
        by_tenant: dict[object, list[queue.Claimed]] = {}
        for item in claimed:
            by_tenant.setdefault(item.tenant_id, []).append(item)
        for items in by_tenant.values():
            alone: list[queue.Claimed] = []
            while items:
                items = self._run_chunk(items, alone)
            for item in alone:
                self.process(item)

    def _run_chunk(
        self, items: list[queue.Claimed], alone: list[queue.Claimed]
    ) -> list[queue.Claimed]:
        """Run jobs from the front of ``items`` in one transaction; those not reached. Jobs
        of kinds that are not batchable are left to ``alone``."""
        left = self._run_chunk_once(items, alone, savepoints=False)
        if left is None:  # a job failed: again, each job in its own SAVEPOINT
            left = self._run_chunk_once(items, alone, savepoints=True)
        assert left is not None
        return left

    def _run_chunk_once(
        self, items: list[queue.Claimed], alone: list[queue.Claimed], *, savepoints: bool
    ) -> list[queue.Claimed] | None:
        """One try of ``_run_chunk``; None when, without savepoints, a job failed (nothing
        was committed)."""
        stats = Stats()
        solo: list[queue.Claimed] = []
        started = time.monotonic()
        deadline = started + self.batch_seconds
        # Lock and prefetch only the jobs this transaction is likely to reach: those left over
        # would be locked and loaded again by the next one.
        head = items if self._chunk_guess is None else items[: self._chunk_guess]
        ran = len(head)
        try:
            with self.db.session(items[0].tenant_id) as session:
                jobs = queue.lock_claimed_many(session, items[0].tenant_id, head)
                if not savepoints:
                    deferred.defer_flushes(session)  # one flush of every job's changes
                self._prefetch(session, [j for j in jobs.values() if self._batchable(j)])
                done: list[Job] = []
                for n, item in enumerate(head):
                    if n and time.monotonic() > deadline:
                        ran = n
                        break
                    job = jobs.get(item.id)
                    if job is None:
                        stats.lost += 1  # another worker took it after our lease expired
                    elif not self._batchable(job):
                        solo.append(item)  # it manages its own transactions
                    elif savepoints:
                        if self._run_in_savepoint(session, job, stats):
                            done.append(job)
                    elif not self._overdue(job, stats):
                        self._run_plain(session, job)
                        stats.done += 1
                        done.append(job)
                if not savepoints:
                    self._flush_all(session, len(done))
                queue.complete_many(session, done)  # committed with the jobs' changes
        except _JobFailed as failed:
            log.info("job %s failed in a shared transaction; running its jobs again, each in "
                     "a savepoint: %s", failed.job_id, describe(failed.cause))  # fmt: skip
            return None
        except Exception:
            log.exception("a batch of %d jobs failed; running them one at a time", ran)
            for item in items[:ran]:
                self.process(item)
            return items[ran:]
        self._guess_chunk(ran, time.monotonic() - started)
        self.stats.done += stats.done
        self.stats.retried += stats.retried
        self.stats.dead += stats.dead
        self.stats.lost += stats.lost
        alone.extend(solo)
        return items[ran:]

    def _guess_chunk(self, ran: int, elapsed: float) -> None:
        """How many jobs the next shared transaction takes: what fits in ``batch_seconds`` at
        the pace of this one, with some room (never fewer than a few)."""
        pace = ran / max(elapsed, 1e-6)
        self._chunk_guess = max(4, int(pace * self.batch_seconds * 1.25) + 1)

    def _batchable(self, job: Job) -> bool:
        kind = self.registry.get(job.kind)
        return kind is not None and kind.batchable

    def _prefetch(self, session: Session, jobs: list[Job]) -> None:
        """Each kind's prefetch for its jobs of this transaction; a failure only costs time."""
        by_kind: dict[str, list[JobContext]] = {}
        for job in jobs:
            by_kind.setdefault(job.kind, []).append(self._context(job))
        for name, contexts in by_kind.items():
            kind = self.registry.get(name)
            if kind is None or kind.prefetch is None:
                continue
            try:
                with session.begin_nested():
                    kind.prefetch(session, contexts)
            except Exception:
                log.warning(
                    "prefetch for %s jobs failed; they load one by one", name, exc_info=True
                )

    def _context(self, job: Job) -> JobContext:
        return JobContext(
            job.tenant_id, job.id, job.kind, dict(job.payload or {}), job.attempts, self._limit(job)
        )

    def _overdue(self, job: Job, stats: Stats) -> bool:
        """Buried when it ran out of tries while a lost worker held it; the caller commits."""
        limit = self._limit(job)
        if job.attempts <= limit:
            return False
        queue.bury(job, f"gave up after {limit} tries (last worker lost its lease)")
        stats.dead += 1
        return True

    def _handler(self, job: Job) -> Handler:
        kind = self.registry.get(job.kind)
        if kind is None:
            raise LookupError(f"no handler registered for job kind {job.kind!r}")
        return kind.handler

    def _run_plain(self, session: Session, job: Job) -> None:
        """The job's handler in the shared transaction itself; a failure is a _JobFailed
        (the transaction is then rolled back)."""
        try:
            self._handler(job)(session, self._context(job))
        except Exception as exc:
            raise _JobFailed(job.id, exc) from exc

    def _flush_all(self, session: Session, jobs: int) -> None:
        """The flush the jobs put off (kit.deferred); a failure (a conflict) is a _JobFailed:
        the jobs then run again, each in a savepoint, and the one in conflict fails alone."""
        try:
            session.flush()
        except Exception as exc:
            raise _JobFailed(f"(the changes of {jobs} jobs, written together)", exc) from exc

    def _run_in_savepoint(self, session: Session, job: Job, stats: Stats) -> bool:
        """Whether the job succeeded (its completion is then the caller's to write, in the
        same transaction as its changes)."""
        if self._overdue(job, stats):
            return False
        try:
            handler = self._handler(job)
            with session.begin_nested():  # released (and flushed) on success
                handler(session, self._context(job))
        except Exception as exc:  # the savepoint rolled back: this job's changes are gone
            self._settle_failure(job, exc, stats)
            return False
        stats.done += 1
        return True


class _JobFailed(Exception):
    def __init__(self, job_id: object, cause: Exception) -> None:
        super().__init__(f"job {job_id} failed")
        self.job_id, self.cause = job_id, cause


def run_workers(db: Database, concurrency: int, stop: threading.Event, **options: object) -> None:
    """``concurrency`` worker threads in this process until ``stop`` is set."""
    threads = []
    for n in range(concurrency):
        worker = Worker(db, **options)  # type: ignore[arg-type]
        worker.name = f"{worker.name}:{n}"
        threads.append(worker.start_thread(stop))
    while not stop.is_set():
        time.sleep(0.2)
    for thread in threads:
        thread.join(timeout=30)
