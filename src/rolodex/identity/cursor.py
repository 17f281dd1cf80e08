"""The cursor of the list of duplicate pairs (GET /v1/duplicates and the dashboard's page):
the score and id of the last pair served, best first.

Cursors are unsigned, so a decoded one is checked: a score is a number from 0 to 1 (a bool,
a string, NaN or infinity compared with the scores gave a wrong page, or every pair), the id a
UUID, the whole a list of exactly those two (an object was a 500)."""

from __future__ import annotations

import math
import uuid

from rolodex.kit.pagination import cursor_payload, cursor_text


def encode(score: float, last: uuid.UUID) -> str:
    return cursor_text([score, str(last)])


def decode(cursor: str) -> tuple[float, uuid.UUID]:
    """The (score, id) a cursor holds; a ValueError if it holds anything else."""
    raw = cursor_payload(cursor)
    if not isinstance(raw, list) or len(raw) != 2:
        raise ValueError("not a [score, id] pair")
    score, last = raw
    if isinstance(score, bool) or not isinstance(score, int | float) or not isinstance(last, str):
        raise ValueError("not a number and an id")
    if not (math.isfinite(score) and 0 <= score <= 1):
        raise ValueError("not a score")
    return float(score), uuid.UUID(last)
