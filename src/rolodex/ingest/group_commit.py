"""Group commit for the acknowledgement path: one writer thread stores the deliveries of every
request that is waiting, in one transaction, and each request is answered once that
transaction has committed. A request never gets its 2xx before its row is durable; while the
writer commits one batch, the next one gathers, so a commit (and on SQLite the single write
lock) is paid once per batch instead of once per webhook.

A batch that fails as a whole is written again row by row, each in its own transaction, so one
row that cannot be stored fails alone (its request gets a 5xx; the sender retries it).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger("rolodex.ingest")

Store = Callable[[list[dict[str, Any]]], set[Any]]  # rows -> ids of the rows stored
Pending = tuple[dict[str, Any], asyncio.AbstractEventLoop, "asyncio.Future[bool]"]


def _resolve(items: list[tuple[asyncio.Future[bool], bool | BaseException]]) -> None:
    for future, outcome in items:
        if future.done():  # the request went away meanwhile (its row is stored all the same)
            continue
        if isinstance(outcome, BaseException):
            future.set_exception(outcome)
        else:
            future.set_result(outcome)


class GroupWriter:
    """Stores rows through ``store`` (one transaction per call) from a single thread.

    ``await writer.submit(row)`` is True when the row was stored, False when ``store`` skipped
    it (a redelivery); it raises what storing raised. The thread starts on demand and ends
    after ``idle_seconds`` without work."""

    def __init__(self, store: Store, *, max_batch: int = 500, idle_seconds: float = 2.0) -> None:
        self.store = store
        self.max_batch = max_batch
        self.idle_seconds = idle_seconds
        self._cv = threading.Condition()
        self._pending: list[Pending] = []
        self._thread: threading.Thread | None = None
        self.batches = 0  # counters, for tests and curiosity
        self.rows = 0

    async def submit(self, row: dict[str, Any]) -> bool:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[bool] = loop.create_future()
        with self._cv:
            self._pending.append((row, loop, future))
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="rolodex-hook-writer", daemon=True
                )
                self._thread.start()
            else:
                self._cv.notify()
        return await future

    def _run(self) -> None:
        while True:
            with self._cv:
                if not self._pending:
                    self._cv.wait(self.idle_seconds)
                if not self._pending:
                    self._thread = None  # the next submit starts another
                    return
                batch = self._pending[: self.max_batch]
                del self._pending[: self.max_batch]
            try:
                outcomes = self._write([row for row, _, _ in batch])
            except BaseException as exc:  # never leave a request waiting
                outcomes = [exc] * len(batch)
            by_loop: dict[asyncio.AbstractEventLoop, list[Any]] = {}
            for (_, loop, future), outcome in zip(batch, outcomes, strict=True):
                by_loop.setdefault(loop, []).append((future, outcome))
            for loop, items in by_loop.items():
                with contextlib.suppress(RuntimeError):  # a closed loop: nobody waits any more
                    loop.call_soon_threadsafe(_resolve, items)

    def _write(self, rows: list[dict[str, Any]]) -> list[bool | BaseException]:
        try:
            stored = self.store(rows)
            self.batches += 1
            self.rows += len(rows)
            return [row["id"] in stored for row in rows]
        except Exception as exc:
            if len(rows) == 1:
                log.warning("could not store a webhook: %s", exc)
                return [exc]
            log.warning("could not store a batch of %d webhooks (%s); one by one", len(rows), exc)
        outcomes: list[bool | BaseException] = []
        for row in rows:
            try:
                outcomes.append(row["id"] in self.store([row]))
            except Exception as exc:
                outcomes.append(exc)
        return outcomes
