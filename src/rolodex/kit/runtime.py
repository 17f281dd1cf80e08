"""Settings of the Python runtime for Rolodex's long-running processes (server, workers)."""

from __future__ import annotations

import gc

# CPython's default (700, 10, 10) runs a young collection every 700 net allocations. A worker
# applying webhooks allocates thousands of short-lived objects per job (ORM states, rows,
# dicts, parsed payloads), nearly all freed by reference counting as soon as the job is done,
# and the collector ran ~100 times a second in it, for 13% of its CPU (bench/ingest_bench.py).
# With these thresholds it runs ~50 times less often; cyclic garbage waits a little longer.
GC_THRESHOLDS = (20_000, 50, 100)


def tune_gc() -> None:
    """Fewer, larger collections of cyclic garbage (idempotent; never lowers a threshold)."""
    current = gc.get_threshold()
    gc.set_threshold(*(max(a, b) for a, b in zip(current, GC_THRESHOLDS, strict=True)))
