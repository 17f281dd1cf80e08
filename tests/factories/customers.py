"""Customer payloads for tests: small, explicit, unique by default."""

from __future__ import annotations

import itertools
from typing import Any

_seq = itertools.count(1)


def customer_payload(**overrides: Any) -> dict[str, Any]:
    n = next(_seq)
    data: dict[str, Any] = {
        "first_name": "Ada",
        "last_name": f"Lovelace{n}",
        "email": f"ada{n}@example.com",
        "phone": f"+1 415 555 {n % 10000:04d}",
        "tags": ["newsletter"],
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not ...}
