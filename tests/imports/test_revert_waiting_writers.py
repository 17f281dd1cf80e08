"""Other writers while a revert runs (SQLite and PostgreSQL): a write waiting for a batch's
lock goes in when that batch commits, not after the whole revert."""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

from sqlalchemy import update

from rolodex.imports import revert
from rolodex.models import Customer
from tests.imports.helpers import csv_text, customers, drain, status
from tests.imports.test_runs import start


def test_a_write_waiting_for_a_revert_batch_goes_in_before_the_next_batch(tenant, monkeypatch):
    """On SQLite each batch began its next transaction the moment it committed, while a
    waiting writer slept in its busy handler: during a 40,000-row revert a user's POST
    /v1/customers took 3 to 12 s (one batch holds the lock for about 4 s)."""
    h = tenant.headers()
    own = tenant.client.post("/v1/customers", json={"email": "own@example.com"}, headers=h)
    table = [["email", "company"], *[[f"new{i}@example.com", "New Co"] for i in range(8)]]
    run_id = start(tenant, csv_text(table))
    drain(tenant)
    assert tenant.client.post(f"/v1/imports/{run_id}/revert", headers=h).status_code == 202
    monkeypatch.setattr(revert, "BATCH", 4)
    db = tenant.client.app.state.db  # type: ignore[attr-defined]
    written = threading.Event()
    written_before: list[bool] = []  # at the start of each batch: had the write committed?

    def write() -> None:
        with db.session(tenant.id) as session:  # on SQLite: waits for the batch's lock
            session.execute(
                update(Customer)
                .where(Customer.id == uuid.UUID(own.json()["id"]))
                .values(company="Written meanwhile")
            )
        written.set()

    writer = threading.Thread(target=write)
    real = revert._batch

    def batch(*args: Any) -> Any:
        written_before.append(written.is_set())
        if len(written_before) == 1:
            writer.start()
            time.sleep(0.6)  # the writer waits meanwhile, its busy handler's naps at their longest
        return real(*args)

    monkeypatch.setattr(revert, "_batch", batch)
    drain(tenant)
    writer.join(30)
    assert written_before == [False, True]
    assert status(tenant, run_id)["revert"]["state"] == "done"
    assert [(c["email"], c["company"]) for c in customers(tenant)] == [
        ("own@example.com", "Written meanwhile")
    ]
