"""The worker inside `rolodex serve`: one background thread, so that one process is a whole
system on one machine. Started and stopped by the app's lifespan when settings.embedded_worker."""

from __future__ import annotations

import threading
from typing import Any

from rolodex.jobs.worker import Worker


def start(app: Any) -> tuple[threading.Event, threading.Thread] | None:
    if not app.state.settings.embedded_worker:
        return None
    worker = Worker(app.state.db)
    worker.name = f"{worker.name}:embedded"
    stop = threading.Event()
    app.state.job_wakeup = worker.wakeup  # set by endpoints that enqueue: no poll delay
    return stop, worker.start_thread(stop)


def stop(handle: tuple[threading.Event, threading.Thread] | None) -> None:
    if handle is None:
        return
    event, thread = handle
    event.set()
    thread.join(timeout=30)
