"""A download cut short on SQLite and PostgreSQL: the export's read transaction ends with it."""

from __future__ import annotations

import gc
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import anyio

from rolodex.demo.load import load_people
from rolodex.demo.synth import generate_people
from tests.conftest import TenantCtx


def download_then_hang_up(tenant: TenantCtx, path: str, query: str) -> int:
    """Ask for ``path`` as uvicorn does (ASGI 2.3) and hang up after the first page of rows
    (the pieces after the headers: the file's head, then a page); the bytes received."""
    app = tenant.client.app
    scope = {
        "type": "http", "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1", "method": "GET", "scheme": "http", "path": path,
        "raw_path": path.encode(), "query_string": query.encode(), "root_path": "",
        "headers": [(b"host", b"testserver"),
                    (b"authorization", f"Bearer {tenant.admin_key}".encode())],
        "client": ("127.0.0.1", 50000), "server": ("testserver", 80),
    }  # fmt: skip
    received: list[bytes] = []

    async def run() -> None:
        first_page = anyio.Event()
        messages: list[dict[str, Any]] = []

        async def receive() -> dict[str, Any]:
            if not received:
                received.append(b"")
                return {"type": "http.request", "body": b"", "more_body": False}
            await first_page.wait()
            return {"type": "http.disconnect"}

        async def send(message: dict[str, Any]) -> None:
            assert message.get("status", 200) == 200, message
            messages.append(message)
            received.append(message.get("body", b""))
            if len(messages) == 3:
                first_page.set()
            await anyio.sleep(0)

        await app(scope, receive, send)

    # in a thread of its own: where a browser test of the same worker holds its event loop
    # in this thread, anyio.run here is refused ("Already running asyncio in this thread")
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(anyio.run, run).result()
    return sum(len(piece) for piece in received)


def test_a_client_that_hangs_up_mid_download_gives_the_connection_back(tenant, backend):
    with backend.owner.begin() as conn:
        load_people(conn, tenant.id, generate_people(1500, seed=7))
    whole = {
        fmt: len(tenant.client.get(f"/v1/exports?format={fmt}", headers=tenant.headers()).content)
        for fmt in ("csv", "json", "ndjson")
    }
    pool = backend.db.engine.pool
    gc.disable()  # what a collection would close later is left open meanwhile
    try:
        for fmt in ("csv", "json", "ndjson") * 3:
            got = download_then_hang_up(tenant, "/v1/exports", f"format={fmt}")
            assert got < whole[fmt], fmt  # cut short
            assert pool.checkedout() == 0, fmt  # type: ignore[attr-defined]
    finally:
        gc.enable()
    response = tenant.client.post(
        "/v1/customers", json={"email": "after@example.com"}, headers=tenant.headers()
    )
    assert response.status_code == 201
