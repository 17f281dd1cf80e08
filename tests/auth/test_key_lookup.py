"""Looking an API key up on SQLite and PostgreSQL: a request whose key was used within the
minute reads it and writes nothing, so it does not wait for a writer (an import's batch holds
SQLite's write lock for a second or more)."""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import text

from tests.conftest import TenantCtx


def test_a_key_used_within_the_minute_is_checked_without_waiting_for_a_writer(
    tenant: TenantCtx, backend: Any
) -> None:
    client = tenant.client
    assert client.get("/v1/customers", headers=tenant.headers()).status_code == 200  # stamped
    client.app.state.key_cache.clear()  # type: ignore[attr-defined]
    answered: list[int] = []
    with backend.owner.connect() as writer:
        # a long write elsewhere: SQLite's write lock; on PostgreSQL the key's own row
        lock = " FOR UPDATE" if backend.name == "postgres" else ""
        held = writer.begin()  # BEGIN IMMEDIATE on SQLite
        writer.execute(text(f"SELECT 1 FROM api_keys{lock}"))
        reader = threading.Thread(
            target=lambda: answered.append(
                client.get("/v1/customers", headers=tenant.headers()).status_code
            )
        )
        reader.start()
        reader.join(10)
        waited = reader.is_alive()
        held.rollback()
    reader.join(60)
    assert not waited, "the request waited for the writer"
    assert answered == [200]
