"""Group commit on the acknowledgement path: concurrent deliveries are stored together, each
answered after the commit that holds it; redeliveries (also within one batch) store nothing."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from sqlalchemy import select

from rolodex.ingest import repository
from rolodex.ingest.endpoints import receiver
from rolodex.ingest.group_commit import GroupWriter
from rolodex.ingest.tasks import KIND
from rolodex.kit.time import utcnow
from rolodex.models import InboxItem, Job
from tests.ingest.conftest import Hooks
from tests.ingest.payloads import body_of, shopify_customer, shopify_headers


def run_async(coro: Any) -> Any:
    """asyncio.run on a thread of its own: a browser test's sync Playwright in the same
    worker process leaves an event loop running on the main thread."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def test_concurrent_deliveries_are_all_stored_once(hooks: Hooks):
    app = hooks.client.app
    deliveries = []
    for _ in range(30):
        body = body_of(shopify_customer())
        deliveries.append((body, shopify_headers("customers/create", body)))
    # Five of them delivered twice at the same moment (same webhook id).
    sends = deliveries + deliveries[:5]

    async def burst() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await asyncio.gather(
                *(
                    client.post(f"/v1/hooks/{hooks.tenant.slug}/shopify", content=b, headers=h)
                    for b, h in sends
                )
            )

    writer = receiver(app).writer
    batches = writer.batches
    answers = run_async(burst())
    assert [r.status_code for r in answers] == [200] * 35
    statuses = [r.json()["status"] for r in answers]
    assert statuses.count("accepted") == 30
    assert statuses.count("duplicate") == 5
    # Every acknowledged delivery is stored, with its job, and was committed before its 200.
    assert hooks.counts() == (30, 30)
    accepted = {r.json()["id"] for r in answers if r.json()["status"] == "accepted"}
    with hooks.db.session(hooks.tenant.id, write=False) as s:
        stored = {str(i) for i in s.scalars(select(InboxItem.id))}
    assert stored == accepted
    assert writer.batches - batches <= 35
    assert hooks.work().done == 30
    assert len(hooks.customers()) == 30


def _row(tenant_id: uuid.UUID, source_id: uuid.UUID, key: str) -> dict[str, Any]:
    return {
        "tenant_id": tenant_id,
        "id": uuid.uuid4(),
        "source_id": source_id,
        "provider": "shopify",
        "topic": "customers/create",
        "delivery_key": key,
        "event_id": None,
        "triggered_at": None,
        "headers": {},
        "body": b"{}",
        "received_at": utcnow(),
        "job_id": uuid.uuid4(),
    }


def test_store_deliveries_in_one_transaction_skips_known_and_repeated_keys(hooks: Hooks):
    tid, source = hooks.tenant.id, uuid.UUID(hooks.shopify_source)
    first = [_row(tid, source, "k1"), _row(tid, source, "k2"), _row(tid, source, "k1")]
    with hooks.db.engine.begin() as conn:
        stored = repository.store_deliveries(conn, first, KIND, lambda r: {"x": str(r["id"])})
    assert stored == {first[0]["id"], first[1]["id"]}
    again = [_row(tid, source, "k2"), _row(tid, source, "k3")]
    with hooks.db.engine.begin() as conn:
        stored = repository.store_deliveries(conn, again, KIND, lambda r: {"x": str(r["id"])})
    assert stored == {again[1]["id"]}
    with hooks.db.session(tid, write=False) as s:
        keys = sorted(s.scalars(select(InboxItem.delivery_key)))
        jobs = s.scalars(select(Job)).all()
    assert keys == ["k1", "k2", "k3"]
    assert sorted(j.payload["x"] for j in jobs) == sorted(
        str(r["id"]) for r in (first[0], first[1], again[1])
    )


def test_writer_answers_after_the_store_returns_and_batches_waiting_rows():
    calls: list[list[str]] = []
    committed: set[str] = set()
    gate = threading.Event()

    def store(rows: list[dict[str, Any]]) -> set[Any]:
        if not calls:
            gate.wait(5)  # the first batch is slow: the others gather meanwhile
        calls.append([r["id"] for r in rows])
        time.sleep(0.01)
        committed.update(r["id"] for r in rows if r["id"] != "seen")
        return {r["id"] for r in rows if r["id"] != "seen"}

    writer = GroupWriter(store)

    async def one(row_id: str) -> tuple[str, bool, bool]:
        stored = await writer.submit({"id": row_id})
        return row_id, stored, row_id in committed  # committed before the answer

    async def main() -> list[tuple[str, bool, bool]]:
        first = asyncio.ensure_future(one("a"))
        await asyncio.sleep(0.05)
        rest = [asyncio.ensure_future(one(i)) for i in ("b", "c", "seen", "d")]
        await asyncio.sleep(0.05)
        gate.set()
        return [await first] + [await r for r in rest]

    results = run_async(main())
    assert results == [
        ("a", True, True),
        ("b", True, True),
        ("c", True, True),
        ("seen", False, False),
        ("d", True, True),
    ]
    assert calls == [["a"], ["b", "c", "seen", "d"]]


def test_a_row_that_cannot_be_stored_fails_alone():
    def store(rows: list[dict[str, Any]]) -> set[Any]:
        if any(r["id"] == "bad" for r in rows):
            raise ValueError("cannot store that one")
        return {r["id"] for r in rows}

    writer = GroupWriter(store)

    async def main() -> list[Any]:
        return await asyncio.gather(
            *(writer.submit({"id": i}) for i in ("a", "bad", "b")), return_exceptions=True
        )

    a, bad, b = run_async(main())
    assert (a, b) == (True, True)
    assert isinstance(bad, ValueError)


def test_the_writer_thread_ends_when_idle_and_comes_back():
    writer = GroupWriter(lambda rows: {r["id"] for r in rows}, idle_seconds=0.05)

    async def send(i: str) -> bool:
        return await writer.submit({"id": i})

    assert run_async(send("a")) is True
    deadline = time.monotonic() + 5
    while writer._thread is not None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert writer._thread is None
    assert run_async(send("b")) is True


def test_a_webhook_is_answered_500_when_it_cannot_be_stored(hooks: Hooks, monkeypatch):
    target = receiver(hooks.client.app)

    def down(rows: list[dict[str, Any]]) -> set[Any]:
        raise RuntimeError("the database is down")

    monkeypatch.setattr(target.writer, "store", down)
    body = body_of(shopify_customer())
    r = hooks.shopify("customers/create", body)
    assert r.status_code == 500
    assert hooks.counts() == (0, 0)
